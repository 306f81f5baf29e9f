// Update alerts against the loopback CivitAI and Hugging Face stand-ins: CivitAI reports only a newer
// published version of the same model and base model (early access skipped, another base model listed
// apart), batches 100 model ids per request, backs off on 429 by the injected clock, honours "ignore this
// version"; Hugging Face reports a file whose SHA-256 changed on its branch with the new commit. The CLI
// `updates` answers from the index's cache without --check and exits 1 when there is an update.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { downloadModel } from '../../server/src/core/download/download';
import { recordDownload } from '../../server/src/core/download/record';
import { IndexStore } from '../../server/src/core/index/store';
import { syncRoots } from '../../server/src/core/index/sync';
import { checkUpdates, type UpdateTarget } from '../../server/src/core/updates/check';
import { modelRoot, testEnv, type TestEnv } from '../helpers/downloads';
import { sha256Hex, startStandIns, type CivitaiVersionSpec, type StandIns } from '../helpers/standins';

let s: StandIns;
beforeEach(async () => void (s = await startStandIns()));
afterEach(async () => s.close());

const lora = (versionId: number, extra: Partial<CivitaiVersionSpec> = {}): CivitaiVersionSpec => ({
  modelId: 42, versionId, modelName: 'Detail Tweaker', type: 'LORA', baseModel: 'SDXL 1.0', name: `v${versionId}`,
  publishedAt: new Date(Date.UTC(2026, 0, versionId)).toISOString(), files: [{ id: 1000 + versionId, name: `detail_v${versionId}.safetensors`, data: randomBytes(2048 + versionId) }], ...extra,
});

function checkDeps(env: TestEnv, sha256Of: (hash: string) => Promise<string | undefined> = () => Promise.resolve(undefined)) {
  return { providers: env.providers, endpoints: env.endpoints, clock: env.clock, sha256Of };
}

async function cli(dir: string, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const env = { HOME: dir, COMFY_MODELS_CIVITAI_BASE_URL: s.civitai.url, HF_ENDPOINT: s.hub.url };
  const code = await runCli(['--index', join(dir, 'index.sqlite'), '--models-dir', join(dir, 'models'), ...argv], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd: dir });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as { updates: { hash: string; update: { versionId: string; kind: string; baseModel?: string } ; otherBaseModels: { versionId: string }[] }[] } };
}

test('CivitAI: version 2 of 1–4 (3 early access, 4 another base model) has no update; a published 5 is exactly the update; cached, then ignored until 6', async () => {
  await s.civitai.addVersion(lora(1));
  await s.civitai.addVersion(lora(2));
  await s.civitai.addVersion(lora(3, { availability: 'EarlyAccess' }));
  await s.civitai.addVersion(lora(4, { baseModel: 'Pony' }));
  const { dir, roots } = modelRoot();
  const env = testEnv(s);
  const r = await downloadModel({ url: `${s.civitai.url}/api/download/models/2` }, roots, env);
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  await recordDownload(store, roots, r, r.source);
  store.close();

  const none = await cli(dir, 'updates', '--check', '--json');
  assert.equal(none.code, 0, none.stderr);
  assert.deepEqual(none.json().updates, []);

  await s.civitai.addVersion(lora(5));
  const some = await cli(dir, 'updates', '--check', '--json');
  assert.equal(some.code, 1, some.stderr);
  const [found] = some.json().updates;
  assert.equal(some.json().updates.length, 1);
  assert.equal(found.hash, r.quickHash);
  assert.equal(found.update.versionId, '5');
  assert.equal(found.update.baseModel, 'SDXL 1.0');
  assert.deepEqual(found.otherBaseModels.map((o) => o.versionId), ['4'], 'another base model is listed apart');

  // Without --check: the cached result, and CivitAI is not asked.
  const asked = s.civitai.requests.length;
  const cached = await cli(dir, 'updates');
  assert.equal(cached.code, 1);
  assert.match(cached.stdout, /Detail Tweaker v2 → v5 \(2026-01-05, 2\.1 KB, SDXL 1\.0\)/);
  assert.equal(s.civitai.requests.length, asked);

  const ignored = await cli(dir, 'updates', 'ignore', r.quickHash.slice(0, 8), '--version-id', '5');
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.equal((await cli(dir, 'updates')).code, 0, 'the ignored version is hidden');
  assert.equal((await cli(dir, 'updates', '--check')).code, 0, 'and stays hidden on the next check');
  await s.civitai.addVersion(lora(6));
  const newer = await cli(dir, 'updates', '--check', '--json');
  assert.equal(newer.code, 1);
  assert.deepEqual(newer.json().updates.map((u) => u.update.versionId), ['6']);

  assert.equal((await cli(dir, 'updates', 'ignore', 'detail_v2.safetensors')).code, 0);
  assert.equal((await cli(dir, 'updates', '--check')).code, 0, 'ignoring the model hides every update');
  assert.equal((await cli(dir, 'updates', 'ignore', 'nothing.safetensors')).code, 2);
});

test('CivitAI: 250 models cost 3 requests of at most 100 ids; a model known only by hash is identified by the batch lookup first', async () => {
  await s.civitai.addVersion(lora(1));
  await s.civitai.addVersion(lora(2));
  const local = randomBytes(777);
  await s.civitai.addVersion({ modelId: 9000, versionId: 9001, modelName: 'Found By Hash', type: 'Checkpoint', files: [{ id: 1, name: 'a.safetensors', data: local }] });
  await s.civitai.addVersion({ modelId: 9000, versionId: 9002, modelName: 'Found By Hash', type: 'Checkpoint', files: [{ id: 2, name: 'b.safetensors', data: randomBytes(9) }] });
  const targets: UpdateTarget[] = Array.from({ length: 249 }, (_, i) => ({
    hash: `h${i}`, sources: [{ type: 'civitai' as const, url: `${s.civitai.url}/api/download/models/${i}`, metadata: { modelId: i === 0 ? 42 : 10_000 + i, versionId: i === 0 ? 1 : 20_000 + i } }],
  }));
  targets.push({ hash: 'byhash', sha256: sha256Hex(local), sources: [] });
  const env = testEnv(s);
  const outcome = await checkUpdates(targets, [], checkDeps(env));
  assert.deepEqual(s.civitai.batchSizes, [1], 'one by-hash batch for the one model without a source');
  assert.deepEqual(s.civitai.idBatches.map((b) => b.length), [100, 100, 50]);
  assert.deepEqual(outcome.foundSources.map((f) => [f.hash, f.source.metadata?.versionId]), [['byhash', 9001]]);
  const updates = outcome.results.filter((r) => r.update).map((r) => [r.hash, r.update!.versionId]);
  assert.deepEqual(updates.sort(), [['byhash', '9002'], ['h0', '2']]);
  assert.equal(outcome.errors.length, 248, 'models CivitAI does not list are reported, not fatal');
});

test('CivitAI: a 429 is backed off on the injected clock, then the check succeeds', async () => {
  await s.civitai.addVersion(lora(1));
  await s.civitai.addVersion(lora(2));
  s.civitai.rateLimitNext = 2;
  const env = testEnv(s);
  const outcome = await checkUpdates([{ hash: 'h', sources: [{ type: 'civitai', url: 'x', metadata: { modelId: 42, versionId: 1 } }] }], [], checkDeps(env));
  assert.deepEqual(env.clock.delays, [1000, 2000]);
  assert.equal(outcome.results[0].update?.versionId, '2');
});

test('Hugging Face: a file whose SHA-256 changed on its branch is reported with the new commit; an unchanged one is not; an unknown local SHA-256 is computed', async () => {
  const { dir, models, roots } = modelRoot();
  const env = testEnv(s);
  const same = await s.hub.addFile({ repo: 'org/flux', path: 'vae/ae.safetensors', data: randomBytes(3000) });
  const moving = await s.hub.addFile({ repo: 'org/flux', path: 'unet/flux.safetensors', data: randomBytes(4000) });
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  for (const [url, category] of [[same, 'vae'], [moving, 'diffusion_models']]) {
    const r = await downloadModel({ url, category }, roots, env);
    await recordDownload(store, roots, r, r.source);
  }
  // A file the index knows without its SHA-256 (synced, not downloaded), with a recorded Hugging Face source.
  const plain = randomBytes(5000);
  mkdirSync(join(models, 'loras'), { recursive: true });
  writeFileSync(join(models, 'loras', 'plain.safetensors'), plain);
  await syncRoots(store, roots);
  const plainHash = store.snapshot().locations.find((l) => l.filename === 'plain.safetensors')!.hash;
  const plainUrl = await s.hub.addFile({ repo: 'org/loras', path: 'plain.safetensors', data: plain });
  store.apply([{ op: 'source', hash: plainHash, source: { type: 'huggingface', url: plainUrl, metadata: { repo: 'org/loras', revision: 'main', path: 'plain.safetensors' } }, addedAt: 1 }]);

  const newCommit = 'beef'.padEnd(40, '1');
  await s.hub.addFile({ repo: 'org/flux', path: 'unet/flux.safetensors', data: randomBytes(4100), commit: newCommit });
  const hashed: string[] = [];
  const targets = [...new Set(store.snapshot().locations.map((l) => l.hash))].map((hash) => ({ hash, sha256: store.model(hash)?.sha256, sources: store.sources(hash) }));
  const outcome = await checkUpdates(targets, [], checkDeps(env, (hash) => {
    hashed.push(hash);
    return Promise.resolve(sha256Hex(plain));
  }));
  const changed = outcome.results.filter((r) => r.update);
  assert.equal(outcome.results.length, 3);
  assert.deepEqual(changed.map((r) => [r.modelName, r.update!.kind, r.update!.versionId, r.update!.size]), [['org/flux/unet/flux.safetensors', 'changed-upstream', newCommit, 4100]]);
  assert.deepEqual(hashed, [plainHash], 'only the file without a known SHA-256 is hashed');
  assert.ok(s.hub.requests.every((q) => q.method === 'HEAD' || q.url.includes('/resolve/')));
  store.close();
});
