// The download engine against real loopback stand-ins for CivitAI, the Hugging Face Hub and their CDN:
// every fault of DESIGN.md §10, each checked by what a user would see (the file, its hash, the error code).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { downloadModel, type DownloadRequest } from '../../server/src/core/download/download';
import { DownloadError } from '../../server/src/core/download/errors';
import { nodeDownloadFs, type DownloadFs } from '../../server/src/core/download/ports';
import { transfer } from '../../server/src/core/download/transfer';
import { quickHashFile } from '../../server/src/core/hash/quickHash';
import { modelRoot, testEnv, type TestEnv } from '../helpers/downloads';
import { sha256Hex, startStandIns, type StandIns } from '../helpers/standins';

let s: StandIns;
beforeEach(async () => void (s = await startStandIns()));
afterEach(async () => s.close());

const MiB = 1024 * 1024;

async function fails(p: Promise<unknown>, code: string): Promise<DownloadError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof DownloadError, `expected a DownloadError, got ${err}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected the download to fail with ${code}`);
}

async function lora(data: Buffer, faults = {}, name = 'detail-tweaker.safetensors') {
  await s.civitai.addVersion({ modelId: 58390, versionId: 62833, modelName: 'Detail Tweaker', type: 'LORA', files: [{ id: 1, name, data, faults }] });
  return `${s.civitai.url}/models/58390?modelVersionId=62833`;
}

function get(env: TestEnv, request: DownloadRequest, roots = modelRoot().roots, hooks = {}) {
  return downloadModel(request, roots, env, hooks);
}

test('a CivitAI model page URL downloads the version into loras/ (type → category), verified, hashes from the streamed bytes', async () => {
  const data = randomBytes(MiB + 17);
  const url = await lora(data);
  const { roots, models } = modelRoot();
  const r = await get(testEnv(s, { tokens: { civitai: 'civ-secret' } }), { url }, roots);
  assert.equal(r.path, join(models, 'loras', 'detail-tweaker.safetensors'));
  assert.equal(r.relativePath, 'loras/detail-tweaker.safetensors');
  assert.equal(r.category, 'loras');
  assert.equal(r.sha256, sha256Hex(data));
  assert.deepEqual(readFileSync(r.path), data);
  assert.equal(r.quickHash, (await quickHashFile(r.path)).quickHash);
  assert.equal(existsSync(`${r.path}.part`), false);
  assert.deepEqual(r.source, { type: 'civitai', url: `${s.civitai.url}/api/download/models/62833`, metadata: r.source.metadata });
  assert.equal(r.source.metadata?.versionId, 62833);
});

test('a transfer cut twice mid-way resumes with Range by itself and ends with the right SHA-256 and quick hash (33 MiB: sampled middle and tail)', async () => {
  const data = randomBytes(33 * MiB + 5);
  const url = await lora(data, { cutAfter: [7 * MiB + 3, 15 * MiB] });
  const env = testEnv(s);
  const r = await get(env, { url });
  assert.equal(r.sha256, sha256Hex(data));
  assert.equal(r.quickHash, (await quickHashFile(r.path)).quickHash);
  const ranges = s.cdn.requests.map((q) => q.headers.range);
  assert.deepEqual(ranges, [undefined, `bytes=${7 * MiB + 3}-`, `bytes=${22 * MiB + 3}-`]);
  assert.deepEqual(env.clock.delays, [1000, 1000], 'a cut after progress backs off from the start');
});

test('a server that ignores Range (200 instead of 206) makes the download start over, still verified', async () => {
  const data = randomBytes(2 * MiB);
  const url = await lora(data, { cutAfter: [MiB], ignoreRange: true });
  const r = await get(testEnv(s), { url });
  assert.equal(r.sha256, sha256Hex(data));
  assert.equal(statSync(r.path).size, data.length);
  assert.equal(s.cdn.requests[1].headers.range, `bytes=${MiB}-`);
});

test('a .part that already holds every byte (416 on resume) is verified and moved into place without a transfer', async () => {
  const data = randomBytes(10_000);
  const url = await lora(data);
  const { roots, models } = modelRoot();
  mkdirSync(join(models, 'loras'), { recursive: true });
  writeFileSync(join(models, 'loras', 'detail-tweaker.safetensors.part'), data);
  const r = await get(testEnv(s), { url }, roots);
  assert.equal(r.sha256, sha256Hex(data));
  assert.equal(r.alreadyPresent, false);
  assert.deepEqual(s.cdn.requests.map((q) => q.headers.range), ['bytes=10000-']);
  assert.deepEqual(readdirSync(join(models, 'loras')), ['detail-tweaker.safetensors']);
});

test('wrong bytes: hash-mismatch, and neither a file under the model name nor a .part is left', async () => {
  const data = randomBytes(300_000);
  const url = await lora(data, { wrongBytes: true });
  const { roots, models } = modelRoot();
  const err = await fails(get(testEnv(s), { url }, roots), 'hash-mismatch');
  assert.match(err.message, /SHA-256/);
  assert.deepEqual(readdirSync(join(models, 'loras')), []);
});

test('Hugging Face: the Hub\'s X-Linked-Etag disagreeing with the caller\'s SHA-256 is refused before any byte moves', async () => {
  const data = randomBytes(100_000);
  const url = await s.hub.addFile({ repo: 'org/model', path: 'vae/diffusion_pytorch_model.safetensors', data });
  const err = await fails(get(testEnv(s), { url, category: 'vae', expected: { sha256: 'ab'.repeat(32) } }), 'hash-mismatch');
  assert.match(err.message, /Hugging Face announces sha256/);
  assert.equal(s.cdn.requests.length, 0);
});

test('Hugging Face: bytes that do not match the announced SHA-256 or size are rejected', async () => {
  const data = randomBytes(100_000);
  const { roots, models } = modelRoot();
  const bad = await s.hub.addFile({ repo: 'org/model', path: 'a.safetensors', data, announceSha256: 'cd'.repeat(32) });
  await fails(get(testEnv(s), { url: bad, category: 'vae' }, roots), 'hash-mismatch');
  const short = await s.hub.addFile({ repo: 'org/model', path: 'b.safetensors', data, announceSize: 99_999 });
  await fails(get(testEnv(s), { url: short, category: 'vae' }, roots), 'size-mismatch');
  assert.deepEqual(readdirSync(join(models, 'vae')), []);
});

test('Hugging Face: blob URLs become resolve URLs; file verified against X-Linked-Etag; the commit is recorded', async () => {
  const data = randomBytes(200_000);
  const resolveUrl = await s.hub.addFile({ repo: 'org/model', path: 'sub/dir/model.safetensors', data });
  const r = await get(testEnv(s, { tokens: { huggingface: 'hf_secret' } }), { url: resolveUrl.replace('/resolve/', '/blob/'), category: 'checkpoints' });
  assert.equal(r.sha256, sha256Hex(data));
  assert.equal(r.relativePath, 'checkpoints/model.safetensors');
  assert.deepEqual(r.source, { type: 'huggingface', url: resolveUrl, metadata: { repo: 'org/model', revision: 'main', path: 'sub/dir/model.safetensors', commit: r.source.metadata!.commit } });
  assert.equal(s.hub.requests[0].method, 'HEAD');
});

test('401/403 name the token to set: CivitAI without a token, a gated Hugging Face repo, a refused token', async () => {
  const url = await lora(randomBytes(1000));
  s.civitai.requireToken = 'right';
  const civ = await fails(get(testEnv(s), { url }), 'auth-required');
  assert.match(civ.message, /Set CivitAI Token/);
  assert.match(civ.message, /CIVITAI_API_TOKEN/);
  const refused = await fails(get(testEnv(s, { tokens: { civitai: 'wrong-token' } }), { url }), 'auth-required');
  assert.match(refused.message, /refused the token/);
  assert.doesNotMatch(refused.message, /wrong-token/);
  const hubUrl = await s.hub.addFile({ repo: 'org/gated', path: 'm.safetensors', data: randomBytes(10) });
  s.hub.requireToken = 'hf_right';
  const hub = await fails(get(testEnv(s), { url: hubUrl, category: 'loras' }), 'auth-required');
  assert.match(hub.message, /Set Hugging Face Token/);
  assert.match(hub.message, /HF_TOKEN/);
  assert.match(hub.message, /GatedRepo/);
  const ok = await get(testEnv(s, { tokens: { huggingface: 'hf_right' } }), { url: hubUrl, category: 'loras' });
  assert.equal(ok.size, 10);
});

test('an HTML sign-in page where the file was expected: html-instead-of-file, nothing saved', async () => {
  const url = await lora(randomBytes(1000));
  s.civitai.requireToken = 'right';
  s.civitai.unauthorized = 'login-page';
  const { roots, models } = modelRoot();
  const err = await fails(get(testEnv(s), { url }, roots), 'html-instead-of-file');
  assert.match(err.message, /sign-in or early access required/);
  assert.deepEqual(readdirSync(join(models, 'loras')), []);
});

test('names from metadata and Content-Disposition are reduced to a base name: ../, absolute paths, filename*=UTF-8\'\'', async () => {
  const { roots, models } = modelRoot();
  const url = await lora(randomBytes(100), {}, '../../escape.safetensors');
  const a = await get(testEnv(s), { url }, roots);
  assert.equal(a.path, join(models, 'loras', 'escape.safetensors'));
  const cases: [string, string][] = [
    ['attachment; filename="../../../outside.safetensors"', 'outside.safetensors'],
    ['attachment; filename="/tmp/absolute.safetensors"', 'absolute.safetensors'],
    ["attachment; filename=\"plain.bin\"; filename*=UTF-8''..%2F..%2Fna%C3%AFve.safetensors", 'naïve.safetensors'],
    ['attachment; filename="C:\\Windows\\win.safetensors"', 'win.safetensors'],
  ];
  for (const [i, [disposition, expected]] of cases.entries()) {
    const fileUrl = s.cdn.host(`plain-${i}`, randomBytes(50 + i), { contentDisposition: disposition });
    const r = await get(testEnv(s), { url: fileUrl, category: 'loras' }, roots);
    assert.equal(r.path, join(models, 'loras', expected));
  }
  assert.deepEqual(readdirSync(models).sort(), ['loras']);
});

test('a cross-host redirect never carries Authorization: the token reaches CivitAI, not the CDN (which would answer 400)', async () => {
  const data = randomBytes(5000);
  const url = await lora(data);
  s.civitai.requireToken = 'civ-secret';
  const r = await get(testEnv(s, { tokens: { civitai: 'civ-secret', huggingface: 'hf-secret' } }), { url });
  assert.equal(r.sha256, sha256Hex(data));
  const download = s.civitai.requests.find((q) => q.url.startsWith('/api/download/'))!;
  assert.equal(download.headers.authorization, 'Bearer civ-secret');
  assert.ok(s.cdn.requests.length > 0);
  for (const q of s.cdn.requests) assert.equal(q.headers.authorization, undefined);
  for (const q of s.civitai.requests) assert.notEqual(q.headers.authorization, 'Bearer hf-secret', 'a token goes to its own provider only');
});

test('404: not-found, for a Hugging Face file and a CivitAI version', async () => {
  await s.hub.addFile({ repo: 'org/model', path: 'there.safetensors', data: randomBytes(10) });
  const hub = await fails(get(testEnv(s), { url: `${s.hub.url}/org/model/resolve/main/missing.safetensors`, category: 'vae' }), 'not-found');
  assert.match(hub.message, /EntryNotFound/);
  await fails(get(testEnv(s), { url: `${s.civitai.url}/api/v1/model-versions/999` }), 'not-found');
});

test('5xx then success: retried with backoff on the injected clock; 5xx for good: server error after the bounded retries', async () => {
  const data = randomBytes(4000);
  const url = await lora(data, { statuses: [503, 502] });
  const env = testEnv(s);
  const r = await get(env, { url });
  assert.equal(r.sha256, sha256Hex(data));
  assert.deepEqual(env.clock.delays, [1000, 2000]);
  const broken = s.cdn.host('broken.safetensors', data, { statuses: [500, 500, 500, 500] });
  const env2 = testEnv(s, { retries: 2 });
  const err = await fails(get(env2, { url: broken, category: 'vae' }), 'server');
  assert.match(err.message, /server error 500/);
  assert.deepEqual(env2.clock.delays, [1000, 2000]);
});

test('a network failure (nothing listening) is retried, then reported as network', async () => {
  const env = testEnv(s, { retries: 1 });
  await s.cdn.close();
  const err = await fails(get(env, { url: `${s.cdn.url}/files/x.safetensors`, category: 'vae' }), 'network');
  assert.match(err.message, /ECONNREFUSED/);
  await s.cdn.start(); // afterEach closes it again
});

test('cancellation leaves a resumable .part; the next download resumes from it with Range and verifies', async () => {
  const data = randomBytes(3 * MiB);
  const url = await lora(data, { stallAfter: MiB + 1 });
  const { roots } = modelRoot();
  const controller = new AbortController();
  let target = '';
  const first = get(testEnv(s), { url }, roots, {
    signal: controller.signal,
    onTarget: (p: string) => void (target = p),
    onProgress: (bytes: number) => void (bytes >= MiB + 1 && controller.abort()),
  });
  const err = await fails(first, 'cancelled');
  assert.match(err.message, /kept and resumes/);
  assert.equal(statSync(`${target}.part`).size, MiB + 1);
  assert.equal(existsSync(target), false);
  const r = await get(testEnv(s), { url, fileName: 'detail-tweaker.safetensors' }, roots);
  assert.equal(r.path, target);
  assert.equal(r.sha256, sha256Hex(data));
  assert.equal(s.cdn.requests.at(-1)!.headers.range, `bytes=${MiB + 1}-`);
});

test('an identical file already present is recognised (provider SHA-256) and not downloaded; a different one is never overwritten', async () => {
  const data = randomBytes(70_000);
  const url = await lora(data);
  const { roots, models } = modelRoot();
  mkdirSync(join(models, 'loras'), { recursive: true });
  const target = join(models, 'loras', 'detail-tweaker.safetensors');
  writeFileSync(target, data);
  const r = await get(testEnv(s), { url }, roots);
  assert.equal(r.alreadyPresent, true);
  assert.equal(r.sha256, sha256Hex(data));
  assert.equal(s.cdn.requests.length, 0);
  const other = randomBytes(70_000);
  writeFileSync(target, other);
  await fails(get(testEnv(s), { url }, roots), 'exists-different');
  assert.deepEqual(readFileSync(target), other);
  // Without any expected hash (a plain URL) the comparison happens after the transfer.
  const plain = s.cdn.host('same.safetensors', data);
  writeFileSync(join(models, 'loras', 'same.safetensors'), data);
  const again = await get(testEnv(s), { url: plain, category: 'loras' }, roots);
  assert.equal(again.alreadyPresent, true);
  assert.equal(existsSync(join(models, 'loras', 'same.safetensors.part')), false);
});

test('disk full (ENOSPC at the file-system port): disk-full, the .part is kept, no model file', async () => {
  const data = randomBytes(12 * MiB);
  const url = await lora(data);
  let budget = 5 * MiB;
  const fullDisk: DownloadFs = {
    ...nodeDownloadFs,
    async open(path, flags) {
      const file = await nodeDownloadFs.open(path, flags);
      return {
        ...file,
        async writev(buffers, position) {
          const n = buffers.reduce((a, b) => a + b.length, 0);
          if (n > budget) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
          budget -= n;
          return file.writev(buffers, position);
        },
      };
    },
  };
  const { roots, models } = modelRoot();
  const err = await fails(get(testEnv(s, { fs: fullDisk }), { url }, roots), 'disk-full');
  assert.match(err.message, /disk is full/);
  const target = join(models, 'loras', 'detail-tweaker.safetensors');
  assert.equal(existsSync(target), false);
  assert.ok(statSync(`${target}.part`).size > 0);
  // Space freed: the same download resumes from the .part and completes.
  const r = await get(testEnv(s), { url }, roots);
  assert.equal(r.sha256, sha256Hex(data));
});

test('a target outside the model roots is refused: a ../ subfolder, a folder elsewhere', async () => {
  const url = await lora(randomBytes(10));
  await fails(get(testEnv(s), { url, subfolder: '../../etc' }), 'outside-roots');
  const { roots } = modelRoot();
  await fails(transfer({ url: s.cdn.host('x', randomBytes(5)), targetDir: '/tmp', roots: roots.map((r) => r.path) }, testEnv(s)), 'outside-roots');
  assert.equal(s.cdn.requests.length, 0);
});

test('a token never appears in errors, logs or the recorded source URL, also when pasted into the URL', async () => {
  const data = randomBytes(3000);
  await lora(data, { statuses: [503], cutAfter: [1000] });
  s.civitai.requireToken = 'SECRET-TOKEN-1';
  const env = testEnv(s, { tokens: { civitai: 'SECRET-TOKEN-1' } });
  const r = await get(env, { url: `${s.civitai.url}/api/download/models/62833?token=SECRET-TOKEN-2&type=Model` });
  // With no token configured, one pasted into the URL is sent as a header to CivitAI only, never as a query.
  const pasted = await get(testEnv(s), { url: `${s.civitai.url}/api/download/models/62833?token=SECRET-TOKEN-1` });
  assert.equal(pasted.sha256, sha256Hex(data));
  for (const q of s.requests()) assert.doesNotMatch(q.url, /SECRET/);
  assert.ok(s.cdn.requests.every((q) => q.headers.authorization === undefined));
  assert.equal(r.sha256, sha256Hex(data));
  const err = await fails(get(env, { url: `${s.civitai.url}/api/download/models/404?token=SECRET-TOKEN-2` }), 'not-found');
  const everything = JSON.stringify([r.source, err.message, env.logs]);
  assert.ok(env.logs.length >= 2, 'the retries were logged');
  assert.doesNotMatch(everything, /SECRET-TOKEN/);
});
