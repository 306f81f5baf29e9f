// Positioned reads that never return short: a short read inside a hash sample would silently change
// the hash, so every read loops until the requested length is filled (or the file ends early).
import { promises as fsp } from 'node:fs';

/** Fill `buffer[0, length)` from `position`; fails if the file ends first (it shrank while being read). */
export async function readExactly(fd: fsp.FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await fd.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new Error(`file ended at ${position + filled} while reading ${length} bytes at ${position} (changed during hashing?)`);
    filled += bytesRead;
  }
}
