// Fuzzy candidates for a missing model, scored like ComfyDock (reference/comfygit.md §4.2):
// max(ratio(name, file name), ratio(stem, file stem)) over lower-case text, +0.15 when the stem
// appears in the file name, kept above 0.3; confidence high > 0.8, good > 0.6, else possible.
// Bounded for 100,000 models: a linear prefilter on the stems' character multisets keeps a short
// list, and only that list gets the exact (quadratic) ratio.
import { MODEL_EXTENSIONS, normalizeRelativePath } from '../categories';
import type { ModelLocation } from '../types';
import { sequenceRatio } from './sequenceMatcher';

export type Confidence = 'high' | 'good' | 'possible';

export interface Candidate {
  location: ModelLocation;
  /** Path under the root (category folder included), `/`-separated. */
  relativePath: string;
  score: number;
  confidence: Confidence;
}

export const KEEP_ABOVE = 0.3;
const SUBSTRING_BONUS = 0.15;

export function confidenceOf(score: number): Confidence {
  return score > 0.8 ? 'high' : score > 0.6 ? 'good' : 'possible';
}

/** A name without its model extension (`sd3.5_large.safetensors` → `sd3.5_large`; `sd3.5` stays). */
export function stem(name: string): string {
  const lower = name.toLowerCase();
  const ext = [...MODEL_EXTENSIONS, '.yaml'].find((e) => lower.endsWith(e));
  return ext ? name.slice(0, -ext.length) : name;
}

/** The term a reference value is compared with: its lower-case base name. */
export function searchTerm(value: string): string {
  const n = normalizeRelativePath(value).toLowerCase();
  return n.slice(n.lastIndexOf('/') + 1);
}

/** ComfyDock's score of a lower-case term against a lower-case file name. */
export function fuzzyScore(term: string, filename: string): number {
  const termStem = stem(term);
  const fileStem = stem(filename);
  const ratio = Math.max(sequenceRatio(term, filename), sequenceRatio(termStem, fileStem));
  return Math.min(1, ratio + (termStem !== '' && filename.includes(termStem) ? SUBSTRING_BONUS : 0));
}

interface Prepared {
  filename: string;
  stem: string;
}

/** Lower-cased names per location list; the index hands out the same array until it changes. */
const preparedLists = new WeakMap<readonly ModelLocation[], Prepared[]>();

function prepare(locations: readonly ModelLocation[]): Prepared[] {
  let list = preparedLists.get(locations);
  if (!list) {
    list = locations.map((l) => {
      const filename = l.filename.toLowerCase();
      return { filename, stem: stem(filename) };
    });
    preparedLists.set(locations, list);
  }
  return list;
}

/** Upper bound of ratio(term, other) from the character multisets (difflib's quick_ratio). */
class QuickRatio {
  private readonly counts = new Int32Array(65536);
  private readonly used = new Int32Array(65536);
  private readonly stamp = new Int32Array(65536);
  private generation = 0;

  constructor(private readonly term: string) {
    for (let i = 0; i < term.length; i++) this.counts[term.charCodeAt(i)]++;
  }

  bound(other: string): number {
    const gen = ++this.generation;
    let matches = 0;
    for (let i = 0; i < other.length; i++) {
      const c = other.charCodeAt(i);
      if (this.counts[c] === 0) continue;
      if (this.stamp[c] !== gen) {
        this.stamp[c] = gen;
        this.used[c] = 0;
      }
      if (this.used[c] < this.counts[c]) {
        this.used[c]++;
        matches++;
      }
    }
    const length = this.term.length + other.length;
    return length === 0 ? 1 : (2 * matches) / length;
  }
}

/** How many files, ranked by the cheap bound, get the exact (quadratic) score. */
const SHORTLIST = 64;

interface Ranked {
  index: number;
  score: number;
}

/**
 * The best `limit` candidates for `value` among `locations`, best first (ties: shorter path, then
 * name). Prefilter: every file is ranked by the quick ratio of the stems (+ the substring bonus),
 * which ignores the shared extension that makes every `.safetensors` look alike; only the best
 * SHORTLIST get ComfyDock's exact score.
 */
export function fuzzyCandidates(value: string, locations: readonly ModelLocation[], limit = 5): Candidate[] {
  const term = searchTerm(value);
  const termStem = stem(term);
  if (term === '' || limit <= 0) return [];
  const prepared = prepare(locations);
  const quick = new QuickRatio(termStem);
  let shortlist: Ranked[] = [];
  let cut = 0;
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i];
    const bonus = termStem !== '' && p.filename.includes(termStem) ? SUBSTRING_BONUS : 0;
    const bound = quick.bound(p.stem) + bonus;
    if (bound < cut) continue;
    shortlist.push({ index: i, score: bound });
    if (shortlist.length >= 4 * SHORTLIST) {
      shortlist = shortlist.sort((a, b) => b.score - a.score).slice(0, SHORTLIST);
      cut = shortlist[shortlist.length - 1].score;
    }
  }
  const pathOf = (r: Ranked) => locations[r.index].relativePath;
  return shortlist
    .map(({ index }) => ({ index, score: fuzzyScore(term, prepared[index].filename) }))
    .filter((r) => r.score > KEEP_ABOVE)
    .sort((a, b) => b.score - a.score || pathOf(a).length - pathOf(b).length || pathOf(a).localeCompare(pathOf(b)))
    .slice(0, limit)
    .map(({ index, score }) => ({ location: locations[index], relativePath: locations[index].relativePath, score, confidence: confidenceOf(score) }));
}
