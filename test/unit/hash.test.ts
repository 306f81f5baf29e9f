import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { blake3Implementation, newBlake3 } from '../../server/src/core/hash/blake3';
import { fullHashFile } from '../../server/src/core/hash/fullHash';
import { HashPool } from '../../server/src/core/hash/pool';
import { hashSamples, quickHashFile, SAMPLE_CHUNK, sampleRanges } from '../../server/src/core/hash/quickHash';
import { tempDir, writePatternFile, writeSparseFile } from '../helpers/files';

const MiB = 1024 * 1024;
const dir = tempDir('cm-hash-');

// reference/comfygit.md §1.2, pattern files (byte i = i mod 251).
const PATTERN_VECTORS: [number, string][] = [
  [0, '4d067153ac729a4a'],
  [1, 'b1d5c6053b9c3e87'],
  [8, '64acc38285fa1e1d'],
  [1000, '43b58e2f2f386e8a'],
  [5242879, '7d1ac5cb81edb5c8'],
  [5242880, 'cc532db4f735863c'],
  [5242881, 'd73ff278e1647d43'],
  [31457280, '560652394c0b9a71'],
  [31457281, 'b5bde378252d2825'],
  [52441145, 'cfc1ccb5b2bae255'],
];

const FULL_BLAKE3: Record<number, string> = {
  0: 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262',
  1: '2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213',
  1000: 'b43670a52d1af24abdac5d2c3ed19ff4e62b60a618e823ad555888b1b0b91cff',
  31457281: 'e9ea0ce620a9603a382ade4a015c5318a05ee2609e5bc9283064d1faedcbb61a',
};
// Independent SHA-256 vectors: the empty string and one zero byte (pattern S=1).
const FULL_SHA256: Record<number, string> = {
  0: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  1: '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
};

const patternPath = (size: number) => {
  const p = join(dir, `pattern-${size}.bin`);
  if (!existsSync(p)) writePatternFile(p, size);
  return p;
};

// hash-native.test.ts re-runs this file with COMFY_MODELS_BLAKE3=wasm and looks for this title.
test(`BLAKE3 implementation is ${blake3Implementation}, as COMFY_MODELS_BLAKE3 asks (native by default)`, () => {
  assert.equal(blake3Implementation, process.env.COMFY_MODELS_BLAKE3 === 'wasm' ? 'wasm' : 'native');
});

for (const [size, expected] of PATTERN_VECTORS) {
  test(`quick hash of a ${size}-byte pattern file is ${expected}`, async () => {
    const r = await quickHashFile(patternPath(size));
    assert.equal(r.quickHash, expected);
    assert.equal(r.size, size);
  });
}

test('quick hash of simple-content files matches comfygit (1 MiB of x, "test data" x 1000)', async () => {
  const x = join(dir, 'x.bin');
  writeFileSync(x, Buffer.alloc(MiB, 'x'));
  assert.equal((await quickHashFile(x)).quickHash, 'f2d331535a62da4e');
  assert.equal((await fullHashFile(x)).blake3, 'ee4badf0134a6e1deca8a3e18d8d66fbcd3057d479da8bd77ba54ef3ee1c1782');
  const t = join(dir, 't.bin');
  writeFileSync(t, 'test data'.repeat(1000));
  assert.equal((await quickHashFile(t)).quickHash, '11106e1fe305dd6b');
});

test('quick hash samples start, middle and end of large sparse files', async () => {
  const abc = join(dir, 'abc.bin');
  writeSparseFile(abc, 50 * MiB, [
    { offset: 0, data: Buffer.alloc(5 * MiB, 'A') },
    { offset: 23592960, data: Buffer.alloc(5 * MiB, 'B') },
    { offset: 47185920, data: Buffer.alloc(5 * MiB, 'C') },
  ]);
  assert.equal((await quickHashFile(abc)).quickHash, '57998be130aa00c6');
  const zeros = join(dir, 'zeros.bin');
  writeSparseFile(zeros, 40 * MiB);
  assert.equal((await quickHashFile(zeros)).quickHash, '75fe8d53028fe166');
});

test('sample ranges: whole small file, three 5 MiB regions only above 30 MiB', () => {
  assert.deepEqual(sampleRanges(10), [[0, 10]]);
  assert.deepEqual(sampleRanges(30 * MiB), [[0, 5 * MiB]]);
  assert.deepEqual(sampleRanges(30 * MiB + 1), [[0, 5 * MiB], [15 * MiB - 2.5 * MiB, 5 * MiB], [25 * MiB + 1, 5 * MiB]]);
});

for (const size of [0, 1, 1000, 31457281]) {
  test(`full hashes of a ${size}-byte pattern file from one read match the known vectors and the native tools`, async () => {
    const p = patternPath(size);
    const r = await fullHashFile(p);
    assert.equal(r.size, size);
    assert.equal(r.blake3, FULL_BLAKE3[size]);
    if (FULL_SHA256[size]) assert.equal(r.sha256, FULL_SHA256[size]);
    for (const [tool, field] of [['/usr/bin/b3sum', 'blake3'], ['/usr/bin/sha256sum', 'sha256']] as const) {
      if (!existsSync(tool)) continue; // the vectors above already checked the digest
      assert.equal(r[field], execFileSync(tool, [p], { encoding: 'utf8' }).split(/\s/)[0]);
    }
  });
}

test('full hashes of big files (SHA-256 on the helper thread) equal one-shot digests, also two at once', async () => {
  const sizes = [52441145, 33554432 + 1]; // above the helper threshold; the second ends 1 byte into a chunk
  const expected = await Promise.all(sizes.map(async (size) => {
    const whole = readFileSync(patternPath(size));
    const b3 = await newBlake3();
    b3.update(whole);
    return { size, sha256: createHash('sha256').update(whole).digest('hex'), blake3: b3.hex() };
  }));
  assert.deepEqual(await Promise.all(sizes.map((size) => fullHashFile(patternPath(size)))), expected);
  const tool = '/usr/bin/b3sum';
  if (existsSync(tool)) assert.equal(expected[0].blake3, execFileSync(tool, [patternPath(sizes[0])], { encoding: 'utf8' }).split(/\s/)[0]);
});

test('an aborted full hash rejects, and the next one is right', async () => {
  const controller = new AbortController();
  const aborted = fullHashFile(patternPath(52441145), controller.signal);
  controller.abort();
  await assert.rejects(aborted, { name: 'AbortError' });
  assert.equal((await fullHashFile(patternPath(1000))).blake3, FULL_BLAKE3[1000]);
  assert.equal((await fullHashFile(patternPath(31457281))).blake3, FULL_BLAKE3[31457281]);
});

test('the worker pool gives the same hashes as this thread, and reports a vanished file with ENOENT', async () => {
  const pool = new HashPool(2);
  try {
    assert.equal(pool.threads, 2);
    const sizes = [0, 1000, 5242881, 31457281];
    const quick = await Promise.all(sizes.map((s) => pool.quick(patternPath(s))));
    assert.deepEqual(quick.map((q) => q.quickHash), ['4d067153ac729a4a', '43b58e2f2f386e8a', 'd73ff278e1647d43', 'b5bde378252d2825']);
    assert.equal((await pool.full(patternPath(1000))).blake3, FULL_BLAKE3[1000]);
    await assert.rejects(pool.quick(join(dir, 'nope.safetensors')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  } finally {
    await pool.dispose();
  }
});

test('a pool of size 0 hashes in this thread', async () => {
  const pool = new HashPool(0);
  assert.equal(pool.threads, 0);
  assert.equal((await pool.quick(patternPath(8))).quickHash, '64acc38285fa1e1d');
  await pool.dispose();
});

test('quick hashes on every core (this thread beside the workers, two jobs per worker) equal the serial ones for every vector size', async () => {
  const serial: string[] = [];
  for (const [size] of PATTERN_VECTORS) serial.push((await quickHashFile(patternPath(size))).quickHash);
  assert.deepEqual(serial, PATTERN_VECTORS.map(([, expected]) => expected));
  for (const pool of [HashPool.forWholeMachine(), new HashPool(2, { alsoThisThread: true }), new HashPool(1)]) {
    try {
      // Every size twice, all at once: more jobs than threads and slots, so every hasher takes several.
      const paths = [...PATTERN_VECTORS, ...PATTERN_VECTORS].map(([size]) => patternPath(size));
      const parallel = await Promise.all(paths.map((p) => pool.quick(p)));
      assert.deepEqual(parallel.map((q) => q.quickHash), [...serial, ...serial]);
      assert.deepEqual(parallel.map((q) => q.size), [...PATTERN_VECTORS, ...PATTERN_VECTORS].map(([size]) => size));
      const full = await Promise.all([1000, 31457281, 1].map((s) => pool.full(patternPath(s))));
      assert.deepEqual(full.map((f) => f.blake3), [FULL_BLAKE3[1000], FULL_BLAKE3[31457281], FULL_BLAKE3[1]]);
    } finally {
      await pool.dispose();
    }
  }
});

test('in a pool that hashes in this thread too, a vanished file fails alone (ENOENT) and the rest are right', async () => {
  const pool = new HashPool(1, { alsoThisThread: true });
  try {
    assert.equal(pool.threads, 2);
    const paths = [patternPath(31457281), join(dir, 'gone.safetensors'), patternPath(1000), join(dir, 'gone-too.safetensors'), patternPath(5242881)];
    const results = await Promise.allSettled(paths.map((p) => pool.quick(p)));
    assert.deepEqual(results.map((r) => (r.status === 'fulfilled' ? r.value.quickHash : (r.reason as NodeJS.ErrnoException).code)), [
      'b5bde378252d2825', 'ENOENT', '43b58e2f2f386e8a', 'ENOENT', 'd73ff278e1647d43',
    ]);
  } finally {
    await pool.dispose();
  }
});

test('a quick hash stopped between two overlapped sample reads rejects, waits for the read in flight, and the next hash is right', async () => {

  const size = 52441145;
  const controller = new AbortController();
  const fd = await fsp.open(patternPath(size));
  const updates: number[] = [];
  // Abort while the first sample is hashed: the read of the second one is already under way.
  const hasher = { update: (d: string | Uint8Array) => { updates.push(d.length); if (updates.length === 2) controller.abort(); } };
  try {
    await assert.rejects(hashSamples(fd, size, hasher, Buffer.alloc(SAMPLE_CHUNK), controller.signal, Buffer.alloc(SAMPLE_CHUNK)), { name: 'AbortError' });
  } finally {
    await fd.close();
  }
  assert.deepEqual(updates, [String(size).length, SAMPLE_CHUNK]);
  assert.equal((await quickHashFile(patternPath(size))).quickHash, 'cfc1ccb5b2bae255');
});
