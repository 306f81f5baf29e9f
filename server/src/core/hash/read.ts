// Opening a file to hash it, and positioned reads that never return short: a short read inside a hash
// sample would silently change the hash, so every read loops until the requested length is filled (or
// the file ends early).
import { constants, promises as fsp, type Stats } from 'node:fs';

/**
 * Open a file to hash: non-blocking (a FIFO put where a model was would block the open, and a thread,
 * until a writer came) and only a regular file, its stat from the open handle.
 */
export async function openRegularFile(path: string): Promise<{ fd: fsp.FileHandle; stat: Stats }> {
  const fd = await fsp.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = await fd.stat();
    if (!stat.isFile()) throw new Error(`not a regular file: ${path}`);
    return { fd, stat };
  } catch (err) {
    await fd.close();
    throw err;
  }
}

/** Fill `buffer[0, length)` from `position`; fails if the file ends first (it shrank while being read). */
export async function readExactly(fd: fsp.FileHandle, buffer: Buffer, length: number, position: number): Promise<void> {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await fd.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) throw new Error(`file ended at ${position + filled} while reading ${length} bytes at ${position} (changed during hashing?)`);
    filled += bytesRead;
  }
}
