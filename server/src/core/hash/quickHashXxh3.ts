// comfygit ≥ 0.3's quick hash (reference/comfygit.md §1.4): the same byte stream as ComfyDock's
// (decimal size ‖ the 5 MiB samples of sampleRanges) into XXH3-128 (seed 0) instead of BLAKE3, keeping the
// first 16 hex characters of the canonical big-endian digest (python-xxhash's hexdigest()). Computed only
// on demand (resolving a comfygit manifest, for files whose size matches), never at sync.
import type { promises as fsp } from 'node:fs';
import { createXXHash128 } from 'hash-wasm';
import { hashSamples, SAMPLE_CHUNK } from './quickHash';
import { openRegularFile } from './read';

/** Name stored with cached values in the index (table quick_hash_variants). */
export const XXH3_QUICK_HASH_ALGORITHM = 'xxh3-128-sample-v1';

type Hasher = Awaited<ReturnType<typeof createXXHash128>>;
// Hashers (each instantiates a WASM module) and 5 MiB sample buffers are kept for reuse, as in
// quickHash.ts; a free list because quick hashes may overlap.
const spare: { hasher: Hasher; buffer: Buffer }[] = [];
const MAX_SPARE = 2;

export async function quickHashXxh3File(path: string, signal?: AbortSignal): Promise<{ size: number; quickHash: string }> {
  const { hasher, buffer } = spare.pop() ?? { hasher: await createXXHash128(), buffer: Buffer.allocUnsafeSlow(SAMPLE_CHUNK) };
  let fd: fsp.FileHandle | undefined;
  try {
    const opened = await openRegularFile(path);
    fd = opened.fd;
    hasher.init();
    await hashSamples(fd, opened.stat.size, hasher, buffer, signal);
    return { size: opened.stat.size, quickHash: hasher.digest('hex').slice(0, 16) };
  } finally {
    if (spare.length < MAX_SPARE) spare.push({ hasher, buffer });
    await fd?.close();
  }
}
