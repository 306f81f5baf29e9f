// ComfyDock's quick ("short") hash, bit-exact (DESIGN.md §3, reference/comfygit.md §1.1):
// BLAKE3(decimal size ‖ first min(S, 5 MiB) ‖ [S > 30 MiB: 5 MiB at ⌊S/2⌋ − 2.5 MiB ‖ last 5 MiB])[:16 hex].
import type { promises as fsp } from 'node:fs';
import { newBlake3 } from './blake3';
import { openRegularFile, readExactly } from './read';

/** Name stored with every index row, so a second sampling algorithm (comfygit ≥ 0.3: XXH3-128) can coexist. */
export const QUICK_HASH_ALGORITHM = 'blake3-sample-v1';

export const SAMPLE_CHUNK = 5 * 1024 * 1024;
export const SAMPLE_THRESHOLD = 30 * 1024 * 1024;

export interface QuickHashResult {
  size: number;
  mtimeMs: number;
  quickHash: string;
}

/** The byte ranges fed after the size string, as [offset, length] pairs. */
export function sampleRanges(size: number): [number, number][] {
  const ranges: [number, number][] = [[0, Math.min(size, SAMPLE_CHUNK)]];
  if (size > SAMPLE_THRESHOLD) {
    ranges.push([Math.floor(size / 2) - SAMPLE_CHUNK / 2, SAMPLE_CHUNK]);
    ranges.push([size - SAMPLE_CHUNK, SAMPLE_CHUNK]);
  }
  return ranges;
}

// Sample buffers are reused: a fresh 5 MiB buffer costs ~1,300 page faults, a third of a quick hash with
// native BLAKE3. A free list (not one shared buffer) because quick hashes of one thread may overlap.
const spareBuffers: Buffer[] = [];
const MAX_SPARE = 4;

/** What the samples are fed to: BLAKE3 here, XXH3-128 for comfygit's variant. */
export interface SampleHasher {
  update(data: string | Uint8Array): unknown;
}

/**
 * Feed `hasher` the quick-hash byte stream of an open file: its decimal size, then the samples. With a
 * second buffer the read of the next sample (on libuv's threads) overlaps the hashing of this one.
 */
export async function hashSamples(fd: fsp.FileHandle, size: number, hasher: SampleHasher, buffer: Buffer, signal?: AbortSignal, second?: Buffer): Promise<void> {
  hasher.update(String(size));
  const ranges = sampleRanges(size);
  const buffers = second ? [buffer, second] : [buffer];
  const read = (i: number) => readExactly(fd, buffers[i % buffers.length], ranges[i][1], ranges[i][0]);
  let pending: Promise<void> | undefined = read(0);
  try {
    for (let i = 0; i < ranges.length; i++) {
      await pending;
      pending = undefined;
      signal?.throwIfAborted();
      if (second && i + 1 < ranges.length) pending = read(i + 1);
      hasher.update(buffers[i % buffers.length].subarray(0, ranges[i][1]));
      if (!second && i + 1 < ranges.length) pending = read(i + 1);
    }
  } finally {
    // A read still in flight when hashing stops (aborted, or the hasher threw) must end before the
    // caller closes the file and reuses the buffer; its own failure is not the one to report.
    await pending?.catch(() => undefined);
  }
}

/** Quick hash of a file; size and mtime come from the same open file (fstat), as the spec requires. */
export async function quickHashFile(path: string): Promise<QuickHashResult> {
  const { fd, stat } = await openRegularFile(path);
  const buffer = spareBuffers.pop() ?? Buffer.allocUnsafeSlow(SAMPLE_CHUNK);
  // The second buffer only where there is a next sample to read ahead (files above 30 MiB).
  const second = stat.size > SAMPLE_THRESHOLD ? (spareBuffers.pop() ?? Buffer.allocUnsafeSlow(SAMPLE_CHUNK)) : undefined;
  try {
    const hasher = await newBlake3();
    await hashSamples(fd, stat.size, hasher, buffer, undefined, second);
    return { size: stat.size, mtimeMs: stat.mtimeMs, quickHash: hasher.hex().slice(0, 16) };
  } finally {
    for (const b of second ? [buffer, second] : [buffer]) if (spareBuffers.length < MAX_SPARE) spareBuffers.push(b);
    await fd.close();
  }
}
