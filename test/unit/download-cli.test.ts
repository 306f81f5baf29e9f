// `comfy-models download` through the bundled CLI as a child process, pointed at the loopback stand-ins
// with the documented environment (COMFY_MODELS_CIVITAI_BASE_URL, HF_ENDPOINT, CIVITAI_API_TOKEN, HF_TOKEN).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { tempDir } from '../helpers/files';
import { sha256Hex, startStandIns, type StandIns } from '../helpers/standins';

const REPO = join(__dirname, '../../..');
const CLI = join(REPO, 'server/dist/cli.js');

let s: StandIns;
let dir: string;
beforeEach(async () => {
  s = await startStandIns();
  dir = tempDir('cm-cli-dl-');
});
afterEach(async () => s.close());

/** Async on purpose: the stand-ins answer from this process's event loop. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string; json(): any }> {
  const base = { PATH: process.env.PATH ?? '', HOME: dir, COMFY_MODELS_CIVITAI_BASE_URL: s.civitai.url, HF_ENDPOINT: s.hub.url, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, '--index', join(dir, 'index.sqlite'), '--models-dir', join(dir, 'models'), ...args], { cwd: dir, env: base }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}


test('download --json: the §12 shape, the file verified in loras/<subfolder>, indexed with its source', async () => {
  const data = randomBytes(200_000);
  await s.civitai.addVersion({ modelId: 1, versionId: 2, modelName: 'Detail', type: 'LORA', files: [{ id: 3, name: 'detail.safetensors', data }] });
  s.civitai.requireToken = 'civ-token';
  const r = await cli(['download', `${s.civitai.url}/models/1?modelVersionId=2`, '--to', 'SDXL', '--json'], { CIVITAI_API_TOKEN: 'civ-token' });
  assert.equal(r.code, 0, r.stderr);
  const out = r.json();
  assert.deepEqual(out, {
    path: join(dir, 'models', 'loras', 'SDXL', 'detail.safetensors'), relativePath: 'loras/SDXL/detail.safetensors', size: data.length,
    quickHash: out.quickHash, sha256: sha256Hex(data), blake3: out.blake3, source: { type: 'civitai', url: `${s.civitai.url}/api/download/models/2` }, alreadyPresent: false,
  });
  assert.match(out.quickHash, /^[0-9a-f]{16}$/);
  assert.match(out.blake3, /^[0-9a-f]{64}$/);
  const list = await cli(['index', 'list', '--json']);
  assert.deepEqual(list.json().map((m: any) => [m.relativePath, m.sources]), [['loras/SDXL/detail.safetensors', [{ type: 'civitai', url: `${s.civitai.url}/api/download/models/2` }]]]);
  const again = await cli(['download', `${s.civitai.url}/models/1?modelVersionId=2`, '--to', 'SDXL', '--json'], { CIVITAI_API_TOKEN: 'civ-token' });
  assert.equal(again.json().alreadyPresent, true);
});

test('download failures: exit 1 with { error: { code, message } } (auth-required naming the token, hash-mismatch); bad usage exit 2', async () => {
  await s.civitai.addVersion({ modelId: 1, versionId: 2, modelName: 'Detail', type: 'LORA', files: [{ id: 3, name: 'detail.safetensors', data: randomBytes(100) }] });
  s.civitai.requireToken = 'civ-token';
  const auth = await cli(['download', `${s.civitai.url}/api/download/models/2`, '--json']);
  assert.equal(auth.code, 1);
  assert.equal(auth.json().error.code, 'auth-required');
  assert.match(auth.json().error.message, /CIVITAI_API_TOKEN/);
  const hubUrl = await s.hub.addFile({ repo: 'org/m', path: 'vae.safetensors', data: randomBytes(100) });
  const mismatch = await cli(['download', hubUrl, '--category', 'vae', '--sha256', 'ab'.repeat(32), '--json']);
  assert.equal(mismatch.code, 1);
  assert.equal(mismatch.json().error.code, 'hash-mismatch');
  assert.equal(existsSync(join(dir, 'models', 'vae', 'vae.safetensors')), false);
  const noCategory = await cli(['download', hubUrl]);
  assert.equal(noCategory.code, 2);
  assert.match(noCategory.stderr, /--category/);
  assert.equal((await cli(['download'])).code, 2);
  assert.equal((await cli(['download', 'ftp://x/y.bin', '--category', 'vae', '--json'])).code, 2);
  assert.equal((await cli(['download', hubUrl, '--sha256', 'xyz'])).code, 2);
});
