// Mirrors: with HF_ENDPOINT on a loopback stand-in, metadata, downloads and the update check go to that
// host only, with the Hugging Face token, which never reaches the CDN it redirects to. A source recorded
// from huggingface.co is checked on the mirror. The editor's settings win over the environment only when
// changed from the public origins.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { DEFAULT_ENDPOINTS, endpointsFromSettings } from '../../server/src/core/download/hosts';
import { IndexStore } from '../../server/src/core/index/store';
import { modelRoot } from '../helpers/downloads';
import { startStandIns, type StandIns } from '../helpers/standins';

let s: StandIns;
beforeEach(async () => void (s = await startStandIns()));
afterEach(async () => s.close());

async function cli(dir: string, env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--index', join(dir, 'index.sqlite'), '--models-dir', join(dir, 'models'), ...argv], {
    stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { HOME: dir, ...env }, cwd: dir,
  });
  return { code, stdout, stderr };
}

test('a download and an update check through HF_ENDPOINT reach only the mirror (and its CDN), the token only the mirror', async () => {
  const token = 'hf_mirror_secret';
  s.hub.requireToken = token;
  const data = randomBytes(3000);
  const url = await s.hub.addFile({ repo: 'org/vae', path: 'ae.safetensors', data });
  const { dir } = modelRoot();
  const env = { HF_ENDPOINT: s.hub.url, HF_TOKEN: token };
  const r = await cli(dir, env, 'download', url, '--category', 'vae', '--json');
  assert.equal(r.code, 0, r.stderr);
  const hubRequests = s.hub.requests.length;
  assert.ok(hubRequests >= 2, 'metadata (HEAD) and the download asked the mirror');
  assert.ok(s.hub.requests.every((q) => q.headers.authorization === `Bearer ${token}`), 'the token went with every request to the mirror');
  assert.ok(s.cdn.requests.length >= 1 && s.cdn.requests.every((q) => q.headers.authorization === undefined), 'never to the CDN');
  assert.equal(s.civitai.requests.length, 0);

  // The source as recorded from the public host: the check still asks the configured mirror.
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  const hash = store.snapshot().locations[0].hash;
  store.apply([
    { op: 'unsource', hash, url },
    { op: 'source', hash, source: { type: 'huggingface', url: 'https://huggingface.co/org/vae/resolve/main/ae.safetensors', metadata: { repo: 'org/vae', revision: 'main', path: 'ae.safetensors' } }, addedAt: 1 },
  ]);
  await store.save();
  store.close();
  await s.hub.addFile({ repo: 'org/vae', path: 'ae.safetensors', data: randomBytes(3001), commit: 'ab'.repeat(20) });
  const check = await cli(dir, env, 'updates', '--check', '--json');
  assert.equal(check.code, 1, check.stderr);
  assert.match(check.stdout, /"changed-upstream"/);
  const head = s.hub.requests.slice(hubRequests);
  assert.deepEqual(head.map((q) => [q.method, q.url, q.headers.authorization]), [['HEAD', '/org/vae/resolve/main/ae.safetensors', `Bearer ${token}`]]);
});

test('editor endpoints: a changed setting wins; at the public default HF_ENDPOINT / COMFY_MODELS_CIVITAI_BASE_URL apply', () => {
  const env = { HF_ENDPOINT: 'https://hf-mirror.example/', COMFY_MODELS_CIVITAI_BASE_URL: 'http://127.0.0.1:9' };
  assert.deepEqual(endpointsFromSettings(DEFAULT_ENDPOINTS, env), { civitaiBaseUrl: 'http://127.0.0.1:9', huggingFaceEndpoint: 'https://hf-mirror.example' });
  assert.deepEqual(endpointsFromSettings({ civitaiBaseUrl: 'https://civitai.red', huggingFaceEndpoint: 'https://other.example' }, env), { civitaiBaseUrl: 'https://civitai.red', huggingFaceEndpoint: 'https://other.example' });
  assert.deepEqual(endpointsFromSettings(DEFAULT_ENDPOINTS, {}), DEFAULT_ENDPOINTS);
});
