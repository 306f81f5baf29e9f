// Full SHA-256 (node:crypto, OpenSSL: hardware SHA where available) and full BLAKE3 (blake3.ts: native or
// WASM) from ONE sequential read of the file. Each chunk read into a ring of buffers goes to both digests:
// BLAKE3 in this thread, SHA-256 on a helper thread for big files (sha256.ts), while the next read runs.
// Measured on 1 GiB page-cached (2 busy cores): 2 MiB chunks beat 8 MiB (the second digest finds the chunk
// in cache); the helper thread adds ~10-40% over hashing both in this thread.
import { newBlake3 } from './blake3';
import { openRegularFile } from './read';
import { helperThreadSha256, inThreadSha256 } from './sha256';

export interface FullHashes {
  size: number;
  sha256: string;
  blake3: string;
}

const CHUNK = 2 * 1024 * 1024;
const SLOTS = 8;
/** Below this a helper thread's messages and shared memory cost more than they save. */
const HELPER_MIN_SIZE = 32 * 1024 * 1024;

/** Both full hashes of a file. The size is what was actually read (a growing file is hashed as read). */
export async function fullHashFile(path: string, signal?: AbortSignal): Promise<FullHashes> {
  const { fd, stat: { size } } = await openRegularFile(path);
  const b3 = await newBlake3();
  const sha = (size >= HELPER_MIN_SIZE && helperThreadSha256(CHUNK, SLOTS)) || inThreadSha256(CHUNK);
  const ring = sha.buffers;
  const released: (Promise<void> | undefined)[] = [];
  try {
    let position = 0;
    let pending = fd.read(ring[0], 0, CHUNK, 0);
    for (let slot = 0; ; slot = (slot + 1) % ring.length) {
      const { bytesRead } = await pending;
      signal?.throwIfAborted(); // checked with no read in flight, so nothing is left pending on close
      if (bytesRead === 0) break;
      position += bytesRead;
      const next = (slot + 1) % ring.length;
      await released[next]; // SHA-256 is done with the buffer the next read fills
      pending = fd.read(ring[next], 0, CHUNK, position);
      released[slot] = sha.feed(slot, bytesRead);
      b3.update(ring[slot].subarray(0, bytesRead));
    }
    return { size: position, sha256: await sha.digest(), blake3: b3.hex() };
  } finally {
    sha.close();
    await fd.close();
  }
}
