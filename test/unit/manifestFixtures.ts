// Shared by the manifest tests: the project's own pyproject.toml fixtures and a check that an edit
// changed nothing but its splices.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TextSplice } from '../../server/src/core/text';

export const MANIFEST_FIXTURES = join(__dirname, '../../../test/fixtures/manifests');

export function fixture(name: string): string {
  return readFileSync(join(MANIFEST_FIXTURES, name), 'utf8');
}

/** Every byte outside the splices is identical, in order, in the result (checked independently of applySplices). */
export function assertOnlySplicesChanged(original: string, result: string, splices: readonly TextSplice[]): void {
  const sorted = [...splices].sort((a, b) => a.offset - b.offset);
  let from = 0;
  let at = 0;
  for (const s of sorted) {
    const kept = original.slice(from, s.offset);
    assert.equal(result.slice(at, at + kept.length), kept, `bytes before offset ${s.offset} changed`);
    at += kept.length;
    assert.equal(result.slice(at, at + s.text.length), s.text);
    at += s.text.length;
    from = s.offset + s.length;
  }
  assert.equal(result.slice(at), original.slice(from), 'bytes after the last splice changed');
}

/** A small seeded PRNG (mulberry32) so randomized tests are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
