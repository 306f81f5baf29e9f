import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { NATIVE_BINARY, newBlake3, type Blake3Implementation } from '../../server/src/core/hash/blake3';
import { tempDir, writePatternFile } from '../helpers/files';

const repo = join(__dirname, '..', '..', '..');
const EMPTY = 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262';

async function digest(impl: Blake3Implementation, pieces: (Uint8Array | string)[]): Promise<string> {
  const h = await newBlake3(impl);
  for (const p of pieces) h.update(p);
  return h.hex();
}

test('native and WASM BLAKE3 agree on random data split across chunk and SIMD-batch boundaries', async () => {
  assert.equal(await digest('native', []), EMPTY);
  assert.equal(await digest('wasm', []), EMPTY);
  // BLAKE3 chunks are 1 KiB and SIMD batches 16 chunks: sizes around both, and a few MiB.
  const sizes = [1, 63, 64, 65, 1023, 1024, 1025, 2048, 16 * 1024 - 1, 16 * 1024, 16 * 1024 + 1, 65537, 3 * 1024 * 1024 + 7];
  for (const size of sizes) {
    const data = randomBytes(size);
    const cuts = [0, ...Array.from({ length: 4 }, () => Math.floor(Math.random() * size)).sort((a, b) => a - b), size];
    const pieces = cuts.slice(1).map((end, i) => data.subarray(cuts[i], end));
    const whole = await digest('wasm', [data]);
    assert.equal(await digest('native', pieces), whole, `size ${size}, cuts ${cuts}`);
    assert.equal(await digest('wasm', pieces), whole, `size ${size}, cuts ${cuts}`);
  }
  // Strings are hashed as UTF-8 by both (the quick hash feeds the decimal size as a string).
  assert.equal(await digest('native', ['52441145', 'é']), await digest('wasm', [Buffer.from('52441145é')]));
});

test('with COMFY_MODELS_BLAKE3=wasm every hash test passes on the WASM fallback', { timeout: 300_000 }, () => {
  const env: NodeJS.ProcessEnv = { ...process.env, COMFY_MODELS_BLAKE3: 'wasm' };
  delete env.NODE_TEST_CONTEXT; // run as a top-level test run, not as a subtest stream of this one
  const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', join(__dirname, 'hash.test.js')], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^# fail 0$/m);
  const passed = Number(/^# pass (\d+)$/m.exec(r.stdout)?.[1]);
  assert.ok(passed >= 20, `only ${passed} hash tests ran`);
  assert.match(r.stdout, /BLAKE3 implementation is wasm/);
});

test('the hash worker bundle loads the native binary from beside itself, and falls back to WASM without it', { timeout: 60_000 }, () => {
  const dist = join(repo, 'server', 'dist');
  assert.ok(existsSync(join(dist, NATIVE_BINARY)), `${NATIVE_BINARY} missing from server/dist: run node esbuild.mjs`);
  // A folder with no node_modules above it, like the installed extension.
  const withNative = tempDir('cm-native-');
  const wasmOnly = tempDir('cm-wasm-');
  for (const d of [withNative, wasmOnly]) copyFileSync(join(dist, 'hashWorker.js'), join(d, 'hashWorker.js'));
  copyFileSync(join(dist, NATIVE_BINARY), join(withNative, NATIVE_BINARY));
  const file = join(withNative, 'p.bin');
  writePatternFile(file, 1000);
  const hashWith = (folder: string, impl?: string) => {
    const script = `const w = new (require('node:worker_threads').Worker)(${JSON.stringify(join(folder, 'hashWorker.js'))});
      w.on('message', (m) => { console.log(JSON.stringify(m)); w.terminate(); });
      w.on('error', (e) => { console.log(JSON.stringify({ crash: e.message })); });
      w.postMessage({ id: 1, kind: 'full', path: ${JSON.stringify(file)} });`;
    const env: NodeJS.ProcessEnv = { ...process.env, COMFY_MODELS_BLAKE3: impl };
    if (!impl) delete env.COMFY_MODELS_BLAKE3;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: folder, env, encoding: 'utf8' });
    return JSON.parse(r.stdout);
  };
  const expected = 'b43670a52d1af24abdac5d2c3ed19ff4e62b60a618e823ad555888b1b0b91cff'; // comfygit.md §1.2, S=1000
  assert.equal(hashWith(withNative, 'native').result.blake3, expected);
  assert.match(hashWith(wasmOnly, 'native').crash, /no native BLAKE3/); // so the run above used the copied binary
  assert.equal(hashWith(wasmOnly).result.blake3, expected);
});
