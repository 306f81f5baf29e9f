// The bounded fuzzy search returns exactly what scoring every file returns; its parts (typed-array
// difflib, bit-parallel LCS bound) against straightforward references on random input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fuzzyCandidates, fuzzyScore, searchTerm } from '../../server/src/core/resolve';
import { matchingCharacters } from '../../server/src/core/resolve/sequenceMatcher';
import { foldedCodes, LcsPattern } from '../../server/src/core/resolve/lcsBound';
import type { ModelLocation } from '../../server/src/core/types';
import { location } from './resolve-library';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** difflib's get_matching_blocks transcribed with dicts, as Python writes it. */
function referenceMatching(a: string, b: string): number {
  const b2j = new Map<string, number[]>();
  for (let j = 0; j < b.length; j++) b2j.set(b[j], [...(b2j.get(b[j]) ?? []), j]);
  const longest = (alo: number, ahi: number, blo: number, bhi: number): [number, number, number] => {
    let best: [number, number, number] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of b2j.get(a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > best[2]) best = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    return best;
  };
  const count = (alo: number, ahi: number, blo: number, bhi: number): number => {
    const [i, j, k] = longest(alo, ahi, blo, bhi);
    if (k === 0) return 0;
    return k + (alo < i && blo < j ? count(alo, i, blo, j) : 0) + (i + k < ahi && j + k < bhi ? count(i + k, ahi, j + k, bhi) : 0);
  };
  return count(0, a.length, 0, b.length);
}

function referenceLcs(a: string, b: string): number {
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const next = [0];
    for (let j = 1; j <= b.length; j++) next[j] = a[i - 1] === b[j - 1] ? row[j - 1] + 1 : Math.max(row[j], next[j - 1]);
    row = next;
  }
  return row[b.length];
}

function randomText(next: () => number, alphabet: string, max: number): string {
  let s = '';
  for (let n = Math.floor(next() * max); n > 0; n--) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

test('matchingCharacters equals difflib as written in Python on random strings (ASCII, accents, surrogates)', () => {
  const next = random(1);
  for (const alphabet of ['ab', 'abc_-.', 'abcdefgh_0123.', 'aéb\u{1F600}']) {
    for (let n = 0; n < 3000; n++) {
      const a = randomText(next, alphabet, 40);
      const b = randomText(next, alphabet, n % 5 === 0 ? 150 : 40);
      assert.equal(matchingCharacters(a, b), referenceMatching(a, b), JSON.stringify([a, b]));
    }
  }
});

test('LcsPattern gives the exact LCS of ASCII text for patterns of one to several words, and an upper bound beyond', () => {
  const next = random(2);
  for (let n = 0; n < 3000; n++) {
    const ascii = n % 4 !== 3;
    const alphabet = ascii ? 'abcd_-.0123' : 'aĀāb\u0161';
    const pattern = randomText(next, alphabet, n % 3 === 0 ? 100 : 34);
    const text = randomText(next, alphabet, 60);
    const codes = new Uint8Array(text.length + 3);
    foldedCodes(text, codes, 3);
    const bound = new LcsPattern(pattern).lcs(codes, 3, 3 + text.length);
    const exact = referenceLcs(pattern, text);
    if (ascii) assert.equal(bound, exact, JSON.stringify([pattern, text]));
    else assert.ok(bound >= exact, JSON.stringify([pattern, text]));
  }
});

/** Scores every file, best first, ties by shorter path, then name, then list order. */
function bruteForce(value: string, locations: readonly ModelLocation[], limit: number) {
  const term = searchTerm(value);
  return locations
    .map((l, i) => ({ i, path: l.relativePath, score: fuzzyScore(term, l.filename.toLowerCase()) }))
    .filter((r) => r.score > 0.3)
    .sort((a, b) => b.score - a.score || a.path.length - b.path.length || a.path.localeCompare(b.path) || a.i - b.i)
    .slice(0, limit)
    .map((r) => ({ location: locations[r.i], path: r.path, score: r.score }));
}

test('fuzzy candidates equal a brute-force scoring of every file on a library full of near misses', () => {
  const next = random(3);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  const words = ['juggernaut', 'realvis', 'detail', 'tweaker', 'sdxl', 'flux1', 'dev', 'fp8', 'pony', 'add', 'lora', 'v2', 'v51', 'xl', 'émile', 'ünet', '2.5d'];
  const extensions = ['.safetensors', '.safetensors', '.ckpt', '.pt', '.gguf', '.yaml', '', '.bin.txt'];
  const mutate = (s: string) => {
    const at = Math.floor(next() * (s.length + 1));
    const edit = Math.floor(next() * 3);
    return edit === 0 ? s.slice(0, at) + pick(['_', '-', 'x', '1']) + s.slice(at) : edit === 1 ? s.slice(0, at) + s.slice(at + 1) : s.split('').reverse().join('');
  };
  const bases: string[] = [];
  for (let n = 0; n < 300; n++) bases.push(Array.from({ length: 1 + Math.floor(next() * 4) }, () => pick(words)).join(pick(['_', '-', ''])));
  const files: string[] = [];
  for (let n = 0; n < 4000; n++) {
    let name = pick(bases);
    for (let e = Math.floor(next() * 3); e > 0; e--) name = mutate(name);
    if (n % 97 === 0) name = name.repeat(4); // stems over 64 characters
    if (n % 31 === 0) name = name.toUpperCase();
    files.push(`loras/${n % 5 === 0 ? `sub${n % 3}/` : ''}${name || 'x'}${pick(extensions)}`);
  }
  const library = files.map((path, n) => location({ path, root: n % 11 === 0 ? '/other' : '/models' }));
  library.push(location({ path: files[0] }), location({ path: files[1], root: '/third' })); // same path twice: list order decides
  const terms = ['.safetensors', 'a', ...Array.from({ length: 150 }, (_, n) => `${n % 10 === 0 ? 'sub/' : ''}${mutate(pick(bases))}${pick(extensions)}`)];
  terms.push(files[0].slice(6), files[7].slice(6).toUpperCase(), `${pick(bases)}${pick(bases)}${pick(bases)}_${pick(bases)}.safetensors`);
  for (const term of terms)
    for (const limit of [1, 5, 20]) {
      const fast = fuzzyCandidates(term, library, limit).map((c) => ({ location: c.location, path: c.relativePath, score: c.score }));
      assert.deepEqual(fast, bruteForce(term, library, limit), `${term} (limit ${limit})`);
    }
});
