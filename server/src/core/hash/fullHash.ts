// Full SHA-256 (node:crypto, OpenSSL: hardware SHA where available) and full BLAKE3 (hash-wasm) from
// ONE sequential read of the file: each chunk is fed to both hashers before the next read.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { newBlake3 } from './blake3';

export interface FullHashes {
  size: number;
  sha256: string;
  blake3: string;
}

const CHUNK = 8 * 1024 * 1024;

/** Both full hashes of a file. The size is what was actually read (a growing file is hashed as read). */
export async function fullHashFile(path: string, signal?: AbortSignal): Promise<FullHashes> {
  const fd = await fsp.open(path, 'r');
  try {
    const sha = createHash('sha256');
    const b3 = await newBlake3();
    // Two buffers: the next read fills one while the hashers consume the other.
    const buffers = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
    let position = 0;
    let which = 0;
    let pending = fd.read(buffers[which], 0, CHUNK, position);
    for (;;) {
      const { bytesRead } = await pending;
      signal?.throwIfAborted(); // checked with no read in flight, so nothing is left pending on close
      if (bytesRead === 0) break;
      const chunk = buffers[which].subarray(0, bytesRead);
      position += bytesRead;
      which ^= 1;
      pending = fd.read(buffers[which], 0, CHUNK, position);
      sha.update(chunk);
      b3.update(chunk);
    }
    return { size: position, sha256: sha.digest('hex'), blake3: b3.digest('hex') };
  } finally {
    await fd.close();
  }
}
