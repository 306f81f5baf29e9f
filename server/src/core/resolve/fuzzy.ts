// Fuzzy candidates for a missing model, scored like ComfyDock (reference/comfygit.md §4.2):
// max(ratio(name, file name), ratio(stem, file stem)) over lower-case text, +0.15 when the stem
// appears in the file name, kept above 0.3; confidence high > 0.8, good > 0.6, else possible.
// Bounded for 100,000 models: cheap upper bounds (length, then character multiset) skip every
// file that cannot beat the current top `limit`, so the exact ratio runs on a handful.
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

/** Upper bound of ratio(a, b) from the character multisets (difflib's quick_ratio). */
class QuickRatio {
  private readonly counts = new Map<number, number>();
  private readonly used = new Map<number, number>();

  constructor(private readonly term: string) {
    for (let i = 0; i < term.length; i++) {
      const c = term.charCodeAt(i);
      this.counts.set(c, (this.counts.get(c) ?? 0) + 1);
    }
  }

  bound(other: string): number {
    this.used.clear();
    let matches = 0;
    for (let i = 0; i < other.length; i++) {
      const c = other.charCodeAt(i);
      const have = this.counts.get(c);
      if (!have) continue;
      const used = this.used.get(c) ?? 0;
      if (used < have) {
        this.used.set(c, used + 1);
        matches++;
      }
    }
    const length = this.term.length + other.length;
    return length === 0 ? 1 : (2 * matches) / length;
  }
}

const lengthBound = (a: number, b: number): number => (a + b === 0 ? 1 : (2 * Math.min(a, b)) / (a + b));

/** The best `limit` candidates for `value` among `locations`, best first (ties: shorter path, then name). */
export function fuzzyCandidates(value: string, locations: readonly ModelLocation[], limit = 5): Candidate[] {
  const term = searchTerm(value);
  const termStem = stem(term);
  if (term === '' || limit <= 0) return [];
  const prepared = prepare(locations);
  const full = new QuickRatio(term);
  const stemmed = new QuickRatio(termStem);
  const top: { index: number; score: number }[] = [];
  const floor = (): number => (top.length < limit ? KEEP_ABOVE : top[top.length - 1].score);
  for (let i = 0; i < prepared.length; i++) {
    const p = prepared[i];
    const bonus = termStem !== '' && p.filename.includes(termStem) ? SUBSTRING_BONUS : 0;
    const need = floor() - bonus;
    if (Math.max(lengthBound(term.length, p.filename.length), lengthBound(termStem.length, p.stem.length)) <= need) continue;
    if (Math.max(full.bound(p.filename), stemmed.bound(p.stem)) <= need) continue;
    const score = Math.min(1, Math.max(sequenceRatio(term, p.filename), sequenceRatio(termStem, p.stem)) + bonus);
    if (score <= floor()) continue;
    top.push({ index: i, score });
    top.sort((a, b) => b.score - a.score || locations[a.index].relativePath.length - locations[b.index].relativePath.length || locations[a.index].relativePath.localeCompare(locations[b.index].relativePath));
    if (top.length > limit) top.pop();
  }
  return top.map(({ index, score }) => ({ location: locations[index], relativePath: locations[index].relativePath, score, confidence: confidenceOf(score) }));
}
