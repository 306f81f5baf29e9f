// The BLAKE3 implementation used everywhere: hash-wasm's WASM build (portable, no per-platform binary;
// measured in `npm run bench`). One place to swap in a faster implementation later.
import { createBLAKE3, type IHasher } from 'hash-wasm';

export type Blake3Hasher = IHasher;

/** A fresh, initialised BLAKE3 hasher (256-bit output, unkeyed). */
export async function newBlake3(): Promise<Blake3Hasher> {
  const h = await createBLAKE3();
  h.init();
  return h;
}
