// The BLAKE3 implementation used everywhere, chosen once per thread:
// 1. native (@napi-rs/blake-hash, ~4 GB/s here): its `.node` binary copied beside the bundle by esbuild.mjs
//    (the packaged extension ships no node_modules), else the package from node_modules (tsc builds, tests);
// 2. hash-wasm's WASM build (~0.6 GB/s), portable: used when no native binary loads on this platform.
// COMFY_MODELS_BLAKE3=wasm forces the fallback (tests check both give identical digests); =native makes a
// missing native binary an error instead of a silent fallback.
import { createBLAKE3 } from 'hash-wasm';
import { join } from 'node:path';

export type Blake3Implementation = 'native' | 'wasm';

/** An initialised, unkeyed BLAKE3 hasher; `update` accepts strings as UTF-8. */
export interface Blake3Hasher {
  update(data: Uint8Array | string): void;
  /** The 256-bit digest as lowercase hex. */
  hex(): string;
}

interface NativeModule {
  Blake3Hasher: new () => { update(data: Uint8Array | string): unknown; digest(format: 'hex'): string };
}

/** File name of the binary esbuild.mjs copies beside the bundles, for the platform it was built on. */
export const NATIVE_BINARY = `blake3-${process.platform}-${process.arch}.node`;

function loadNative(): NativeModule | undefined {
  for (const id of [join(__dirname, NATIVE_BINARY), '@napi-rs/blake-hash']) {
    try {
      const mod = require(id) as Partial<NativeModule>;
      if (typeof mod.Blake3Hasher === 'function') return mod as NativeModule;
    } catch {
      // Absent, or built for another platform/libc: try the next place.
    }
  }
  return undefined;
}

const requested = process.env.COMFY_MODELS_BLAKE3;
const native = requested === 'wasm' ? undefined : loadNative();
if (requested === 'native' && !native) throw new Error(`COMFY_MODELS_BLAKE3=native, but no native BLAKE3 (${NATIVE_BINARY} or @napi-rs/blake-hash) loads here`);

/** What `newBlake3()` uses in this thread. */
export const blake3Implementation: Blake3Implementation = native ? 'native' : 'wasm';

/** A fresh hasher of the chosen implementation (or of `impl`, which tests use to compare the two). */
export async function newBlake3(impl: Blake3Implementation = blake3Implementation): Promise<Blake3Hasher> {
  if (impl === 'native') {
    if (!native) throw new Error('native BLAKE3 is not available in this process');
    const h = new native.Blake3Hasher();
    return { update: (data) => void h.update(data), hex: () => h.digest('hex') };
  }
  const h = await createBLAKE3();
  h.init();
  return { update: (data) => void h.update(data), hex: () => h.digest('hex') };
}
