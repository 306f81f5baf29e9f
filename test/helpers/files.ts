// Test fixtures written by the tests themselves: temp folders, pattern files, sparse files.
import { closeSync, mkdirSync, mkdtempSync, openSync, writeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export function tempDir(prefix = 'cm-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A file whose byte i is `i mod 251` (the pattern of reference/comfygit.md §1.2). */
export function writePatternFile(path: string, size: number): void {
  const period = Buffer.alloc(251 * 4096);
  for (let i = 0; i < period.length; i++) period[i] = i % 251;
  const fd = openSync(path, 'w');
  try {
    for (let pos = 0; pos < size; pos += period.length) writeSync(fd, period, 0, Math.min(period.length, size - pos), pos);
  } finally {
    closeSync(fd);
  }
}

/** A sparse file of `size` zero bytes with the given regions filled. */
export function writeSparseFile(path: string, size: number, regions: { offset: number; data: Buffer }[] = []): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, size);
    for (const r of regions) writeSync(fd, r.data, 0, r.data.length, r.offset);
  } finally {
    closeSync(fd);
  }
}

/** Write a small file, creating its folders. */
export function writeFile(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
