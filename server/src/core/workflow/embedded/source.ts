// Bounded positioned reads for the container readers: every read is clamped to the file, every payload the
// readers keep is capped, so a hostile file (huge declared lengths, loops, truncation) costs little.
import { promises as fsp } from 'node:fs';

/** The largest metadata payload (a chunk, box or block) a reader loads into memory. */
export const MAX_PAYLOAD = 64 * 1024 * 1024;
/** Decompressed text is capped too (zlib bombs). */
export const MAX_TEXT = 64 * 1024 * 1024;
/** No container needs more steps than this to find its metadata; a reader gives up after it. */
export const MAX_STEPS = 100_000;

export class EmbeddedFormatError extends Error {}

export interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes at `position` (fewer at the end of the file). */
  read(position: number, length: number): Promise<Buffer>;
}

export async function withFileSource<T>(path: string, fn: (source: ByteSource) => Promise<T>): Promise<T> {
  const fd = await fsp.open(path, 'r');
  try {
    const { size } = await fd.stat();
    const source: ByteSource = {
      size,
      async read(position, length) {
        const n = Math.max(0, Math.min(length, size - position));
        if (n > MAX_PAYLOAD) throw new EmbeddedFormatError(`a metadata block of ${n} bytes is larger than ${MAX_PAYLOAD}`);
        const buffer = Buffer.alloc(n);
        let filled = 0;
        while (filled < n) {
          const { bytesRead } = await fd.read(buffer, filled, n - filled, position + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return buffer.subarray(0, filled);
      },
    };
    return await fn(source);
  } finally {
    await fd.close();
  }
}

/** Metadata texts found in a container, by key (`workflow`, `prompt`). */
export type EmbeddedTexts = Map<string, string>;
