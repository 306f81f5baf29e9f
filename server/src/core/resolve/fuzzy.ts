// Fuzzy candidates for a missing model, scored with ComfyDock's SequenceMatcher ratio (reference/comfygit.md
// §4.2) over lower-case *stems* only: ratio(stem, file stem), +0.15 when the stem appears in the file's
// stem, kept above 0.3; confidence high > 0.8, good > 0.6, else possible. ComfyDock also takes the
// ratio of the whole names, but the shared `.safetensors` (12 of ~20 characters) then lifts any
// unrelated file to "good" or "high" (`ae.safetensors` → `sdxl_vae.safetensors` at 97 %).
// Exact over 100,000 models: every file gets a cheap upper bound of its score (lengths, then
// bit-parallel LCS), and only files whose bound can still enter the best `limit` get difflib's
// (quadratic) ratio, so the result is what scoring every file would give.
import { MODEL_EXTENSIONS, normalizeRelativePath } from '../categories';
import type { ModelLocation } from '../types';
import { foldedCodes, LcsPattern } from './lcsBound';
import { sequenceRatio } from './sequenceMatcher';

export type Confidence = 'high' | 'good' | 'possible';

export interface Candidate {
  location: ModelLocation;
  /** Path under the root (category folder included), `/`-separated. */
  relativePath: string;
  score: number;
  confidence: Confidence;
  /** Set when the family of the reference (or its workflow) and of this file are known and equal (family.ts). */
  sameFamily?: boolean;
}

export const KEEP_ABOVE = 0.3;
const SUBSTRING_BONUS = 0.15;

export function confidenceOf(score: number): Confidence {
  return score > 0.8 ? 'high' : score > 0.6 ? 'good' : 'possible';
}

const STEM_EXTENSIONS = [...MODEL_EXTENSIONS, '.yaml'];

const EXTENSION_IDS = new Map(STEM_EXTENSIONS.map((e, id) => [e, id]));

/** Index in STEM_EXTENSIONS of the extension `lower` ends with, or -1 (each has a single dot). */
function extensionOf(lower: string): number {
  const dot = lower.lastIndexOf('.');
  return dot < 0 ? -1 : (EXTENSION_IDS.get(lower.slice(dot)) ?? -1);
}

/** A name without its model extension (`sd3.5_large.safetensors` → `sd3.5_large`; `sd3.5` stays). */
export function stem(name: string): string {
  const e = extensionOf(name.toLowerCase());
  return e < 0 ? name : name.slice(0, -STEM_EXTENSIONS[e].length);
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
  return exactScore(termStem, fileStem, bonusOf(termStem, fileStem));
}

function bonusOf(termStem: string, fileStem: string): number {
  return termStem !== '' && fileStem.includes(termStem) ? SUBSTRING_BONUS : 0;
}

function exactScore(termStem: string, fileStem: string, bonus: number): number {
  return Math.min(1, sequenceRatio(termStem, fileStem) + bonus);
}

/** difflib's ratio for `matches` matching characters (the same expression, so equal bounds compare equal). */
function ratio(matches: number, length: number): number {
  return length === 0 ? 1 : (2 * matches) / length;
}

/** Lower-cased file names of one location list, their folded codes and stem ends. */
interface PreparedList {
  /** Indices by path length: a file tied with a shorter path can be skipped without comparing names. */
  order: Int32Array;
  filenames: string[];
  /** File i's folded codes are codes[starts[i], starts[i] + filenames[i].length). */
  codes: Uint8Array;
  starts: Int32Array;
  stemLengths: Int32Array;
}

interface Query {
  value: string;
  limit: number;
  candidates: Candidate[];
}

const ANSWERS_KEPT = 256;

/**
 * What fuzzyCandidates keeps per location list: its preparation and its answers (least recently asked
 * first; bounded, as values typed one letter at a time add up). Owned by whoever hands out the lists
 * (the engine's index host; a CLI run or a test makes its own) and passed in: the index hands out the
 * same array until a list's content changes, so entries stay valid exactly as long as the list.
 */
export class FuzzyCache {
  private readonly prepared = new WeakMap<readonly ModelLocation[], PreparedList>();
  private readonly answers = new WeakMap<readonly ModelLocation[], Map<string, Query>>();

  /**
   * Prepare `locations` now (e.g. right after an index change, in the background), so the first search
   * in it does not pay for it. A second call costs a lookup.
   */
  prepare(locations: readonly ModelLocation[]): void {
    this.preparedList(locations);
  }

  /** The queries last answered for `locations`, most recent last: to ask them again of the list that replaces it. */
  queries(locations: readonly ModelLocation[], max: number): { value: string; limit: number }[] {
    const asked = [...(this.answers.get(locations)?.values() ?? [])];
    return asked.slice(Math.max(0, asked.length - max)).map(({ value, limit }) => ({ value, limit }));
  }

  /** fuzzyCandidates, answered once per list, value and limit (callers must not modify the answer). */
  candidates(value: string, locations: readonly ModelLocation[], limit = 5): Candidate[] {
    let asked = this.answers.get(locations);
    if (!asked) this.answers.set(locations, (asked = new Map()));
    const key = `${limit}\u0000${value}`;
    let query = asked.get(key);
    if (query) asked.delete(key); // set again below: most recent last
    else {
      query = { value, limit, candidates: bestCandidates(value, locations, limit, this.preparedList(locations)) };
      if (asked.size >= ANSWERS_KEPT) asked.delete(asked.keys().next().value!);
    }
    asked.set(key, query);
    return query.candidates;
  }

  private preparedList(locations: readonly ModelLocation[]): PreparedList {
    let list = this.prepared.get(locations);
    if (!list) this.prepared.set(locations, (list = prepare(locations)));
    return list;
  }
}

function prepare(locations: readonly ModelLocation[]): PreparedList {
  const n = locations.length;
  const filenames = locations.map((l) => l.filename.toLowerCase());
  const starts = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    starts[i] = total;
    total += filenames[i].length;
  }
  const list: PreparedList = { order: byPathLength(locations), filenames, codes: new Uint8Array(total), starts, stemLengths: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const name = filenames[i];
    foldedCodes(name, list.codes, starts[i]);
    const e = extensionOf(name);
    list.stemLengths[i] = e < 0 ? name.length : name.length - STEM_EXTENSIONS[e].length;
  }
  return list;
}

/** Indices of `locations` by relative path length, then list order (a counting sort). */
function byPathLength(locations: readonly ModelLocation[]): Int32Array {
  let longest = 0;
  for (const l of locations) longest = Math.max(longest, l.relativePath.length);
  const starts = new Int32Array(longest + 2);
  for (const l of locations) starts[l.relativePath.length + 1]++;
  for (let length = 1; length <= longest + 1; length++) starts[length] += starts[length - 1];
  const order = new Int32Array(locations.length);
  locations.forEach((l, i) => (order[starts[l.relativePath.length]++] = i));
  return order;
}

interface Scored {
  index: number;
  score: number;
}

/**
 * The best `limit` candidates for `value` among `locations`, best first (ties: shorter path, then
 * name, then list order) — exactly what scoring every file would give. With a cache, answers and the
 * list's preparation are kept per list; without, both are computed for this call.
 */
export function fuzzyCandidates(value: string, locations: readonly ModelLocation[], limit = 5, cache?: FuzzyCache): Candidate[] {
  return cache ? cache.candidates(value, locations, limit) : bestCandidates(value, locations, limit);
}

/**
 * fuzzyCandidates computed. A file gets difflib's exact (quadratic) ratio only when upper bounds of
 * its score, cheapest first, say it can still enter the current best `limit`:
 *  - lengths: a ratio is at most 2·min(|a|, |b|) / (|a| + |b|);
 *  - LCS (lcsBound.ts): difflib's matches are a common subsequence;
 *  - the substring bonus is looked up only for files that could enter with it.
 */
function bestCandidates(value: string, locations: readonly ModelLocation[], limit: number, prepared?: PreparedList): Candidate[] {
  const term = searchTerm(value);
  if (term === '' || limit <= 0) return [];
  const termStem = stem(term);
  const ls = termStem.length;
  const { order, filenames, codes, starts, stemLengths } = prepared ?? prepare(locations);
  const stemPattern = new LcsPattern(termStem);
  const path = (i: number) => locations[i].relativePath;
  /** Whether file i sorts before file j at equal scores. */
  const before = (i: number, j: number) => {
    const order = path(i).length - path(j).length || path(i).localeCompare(path(j));
    return order !== 0 ? order < 0 : i < j;
  };
  const best: Scored[] = [];
  /** Whether file i with (a bound of) this score would enter `best`. */
  const enters = (i: number, score: number): boolean => {
    if (best.length < limit) return score > KEEP_ABOVE;
    const last = best[best.length - 1];
    return score > last.score || (score === last.score && before(i, last.index));
  };
  const withBonus = (score: number, bonus: boolean) => (bonus ? Math.min(1, score + SUBSTRING_BONUS) : score);
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const name = filenames[i];
    const lfs = stemLengths[i];
    const start = starts[i];
    const bonusPossible = ls > 0 && lfs >= ls;
    const byLength = ratio(Math.min(ls, lfs), ls + lfs);
    if (!enters(i, withBonus(byLength, bonusPossible))) continue;
    const byLcs = ratio(stemPattern.lcs(codes, start, start + lfs), ls + lfs);
    if (!enters(i, withBonus(byLcs, bonusPossible))) continue;
    const fileStem = name.slice(0, lfs);
    const bonus = bonusPossible && fileStem.includes(termStem);
    if (!enters(i, withBonus(byLcs, bonus))) continue;
    const score = exactScore(termStem, fileStem, bonus ? SUBSTRING_BONUS : 0);
    if (!enters(i, score)) continue;
    let at = best.length;
    while (at > 0 && (score > best[at - 1].score || (score === best[at - 1].score && before(i, best[at - 1].index)))) at--;
    best.splice(at, 0, { index: i, score });
    if (best.length > limit) best.pop();
  }
  return best.map(({ index, score }) => ({ location: locations[index], relativePath: path(index), score, confidence: confidenceOf(score) }));
}
