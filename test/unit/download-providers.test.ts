// URL forms of DESIGN.md §10, and the providers of §11 against the loopback stand-ins: CivitAI by hash
// (one, and batches of at most 100), search with cursors; Hugging Face tree (lfs.oid) and search with
// Link pagination; recording a download in a real index and as a manifest source splice.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { downloadModel } from '../../server/src/core/download/download';
import { DownloadError } from '../../server/src/core/download/errors';
import { providerOf, scrubUrl } from '../../server/src/core/download/hosts';
import { manifestSourceSplices, recordDownload } from '../../server/src/core/download/record';
import { parseDownloadUrl } from '../../server/src/core/download/url';
import { IndexStore } from '../../server/src/core/index/store';
import { findCivitaiSources } from '../../server/src/core/providers/findSources';
import { civitaiCategory } from '../../server/src/core/providers/civitai';
import { applySplices } from '../../server/src/core/text';
import { modelRoot, testEnv } from '../helpers/downloads';
import { sha256Hex, startStandIns, type StandIns } from '../helpers/standins';

const PUBLIC = { civitaiBaseUrl: 'https://civitai.com', huggingFaceEndpoint: 'https://huggingface.co' };
const MIRROR = { civitaiBaseUrl: 'http://127.0.0.1:9999', huggingFaceEndpoint: 'https://hf-mirror.example' };

test('every URL form of §10 is recognised; anything else is refused with invalid-url', () => {
  assert.deepEqual(parseDownloadUrl('https://civitai.com/models/4201/realistic-vision?modelVersionId=130072', PUBLIC), { kind: 'civitai', url: 'https://civitai.com/models/4201/realistic-vision?modelVersionId=130072', origin: 'https://civitai.com', modelId: 4201, versionId: 130072 });
  assert.deepEqual(parseDownloadUrl('https://civitai.red/models/4201', PUBLIC), { kind: 'civitai', url: 'https://civitai.red/models/4201', origin: 'https://civitai.red', modelId: 4201, versionId: undefined });
  assert.deepEqual(parseDownloadUrl('https://civitai.com/api/download/models/128713?type=Model&format=SafeTensor&token=abc', PUBLIC), {
    kind: 'civitai', url: 'https://civitai.com/api/download/models/128713?type=Model&format=SafeTensor', origin: 'https://civitai.com', versionId: 128713, fileQuery: { type: 'Model', format: 'SafeTensor' },
  });
  assert.equal(parseDownloadUrl('https://civitai.com/api/v1/model-versions/128713', PUBLIC).kind, 'civitai');
  assert.equal(parseDownloadUrl('http://127.0.0.1:9999/api/v1/model-versions/5', MIRROR).kind, 'civitai');
  const hf = parseDownloadUrl('https://huggingface.co/Comfy-Org/flux1-dev/blob/main/split%20files/flux1-dev.safetensors?download=true', PUBLIC);
  assert.deepEqual(hf, {
    kind: 'huggingface', url: 'https://huggingface.co/Comfy-Org/flux1-dev/resolve/main/split%20files/flux1-dev.safetensors', origin: 'https://huggingface.co',
    repo: 'Comfy-Org/flux1-dev', revision: 'main', path: 'split files/flux1-dev.safetensors', resolveUrl: 'https://huggingface.co/Comfy-Org/flux1-dev/resolve/main/split%20files/flux1-dev.safetensors',
  });
  assert.equal(parseDownloadUrl('https://hf.co/datasets/org/set/resolve/v1/a.bin', PUBLIC).kind, 'huggingface');
  assert.equal((parseDownloadUrl('https://hf-mirror.example/org/m/resolve/main/x.gguf', MIRROR) as { repo: string }).repo, 'org/m');
  assert.deepEqual(parseDownloadUrl('https://example.com/files/model.safetensors?token=xyz', PUBLIC), { kind: 'url', url: 'https://example.com/files/model.safetensors', requestUrl: 'https://example.com/files/model.safetensors?token=xyz' });
  for (const bad of ['ftp://example.com/a.bin', 'file:///etc/passwd', 'not a url', 'https://civitai.com/images/123', 'https://huggingface.co/org/model', 'https://huggingface.co/org/m/resolve/main/../../x']) {
    assert.throws(() => parseDownloadUrl(bad, PUBLIC), (e: unknown) => e instanceof DownloadError && e.code === 'invalid-url', bad);
  }
});

test('provider hosts: the public ones over https and the configured origins; scrubbing removes tokens and credentials', () => {
  assert.equal(providerOf(new URL('https://civitai.red/x'), PUBLIC), 'civitai');
  assert.equal(providerOf(new URL('http://civitai.com/x'), PUBLIC), undefined);
  assert.equal(providerOf(new URL('https://hf.co/x'), PUBLIC), 'huggingface');
  assert.equal(providerOf(new URL('http://127.0.0.1:9999/x'), MIRROR), 'civitai');
  assert.equal(providerOf(new URL('http://127.0.0.1:9998/x'), MIRROR), undefined, 'another port is another host');
  assert.equal(providerOf(new URL('https://evil-civitai.com/x'), PUBLIC), undefined);
  assert.equal(scrubUrl('https://u:p@civitai.com/api/download/models/1?type=Model&token=s3cret&Token=x'), 'https://civitai.com/api/download/models/1?type=Model');
  assert.equal(scrubUrl('weird ?token=s3cret&a=1'), 'weird ?token=***&a=1');
  assert.equal(scrubUrl('https://cdn.example/f.bin?X-Amz-Credential=k&X-Amz-Signature=abc&X-Amz-Expires=86400'), 'https://cdn.example/f.bin?X-Amz-Expires=86400');
});

test('CivitAI type → category', () => {
  assert.equal(civitaiCategory('Checkpoint'), 'checkpoints');
  for (const t of ['LORA', 'LoCon', 'DoRA']) assert.equal(civitaiCategory(t), 'loras');
  assert.equal(civitaiCategory('TextualInversion'), 'embeddings');
  assert.equal(civitaiCategory('Controlnet'), 'controlnet');
  assert.equal(civitaiCategory('Upscaler'), 'upscale_models');
  assert.equal(civitaiCategory('Checkpoint', 'VAE'), 'vae', 'a VAE file of a checkpoint goes to vae/');
  assert.equal(civitaiCategory('Wildcards'), undefined);
});

let s: StandIns;
beforeEach(async () => void (s = await startStandIns()));
afterEach(async () => s.close());


test('CivitAI by hash: one lookup (404 = unknown), and find-sources over 250 SHA-256s in batches of at most 100', async () => {
  const known: Buffer[] = [];
  for (let i = 0; i < 3; i++) {
    const data = randomBytes(64 + i);
    known.push(data);
    await s.civitai.addVersion({ modelId: 100 + i, versionId: 200 + i, modelName: `Model ${i}`, type: 'Checkpoint', files: [{ id: 300 + i, name: `m${i}.safetensors`, data }] });
  }
  const env = testEnv(s);
  const one = await env.providers.civitai.versionByHash(sha256Hex(known[1]));
  assert.equal(one?.id, 201);
  assert.equal(await env.providers.civitai.versionByHash('00'.repeat(32)), undefined);
  const unknown = Array.from({ length: 247 }, () => sha256Hex(randomBytes(8)));
  const wanted = [...unknown.slice(0, 120), sha256Hex(known[0]), ...unknown.slice(120), sha256Hex(known[2]), sha256Hex(known[1]).toUpperCase()];
  const progress: number[] = [];
  const found = await findCivitaiSources(env.providers.civitai, wanted, { onProgress: (d) => void progress.push(d) });
  assert.deepEqual(s.civitai.batchSizes, [100, 100, 50]);
  assert.deepEqual(progress, [100, 200, 250]);
  assert.deepEqual(found.map((f) => f.sha256).sort(), known.map(sha256Hex).sort());
  const f0 = found.find((f) => f.sha256 === sha256Hex(known[0]))!;
  assert.deepEqual(f0.source, { type: 'civitai', url: `${s.civitai.url}/api/download/models/200`, metadata: { modelId: 100, versionId: 200, fileId: 300, modelName: 'Model 0', versionName: 'v1.0', baseModel: 'SDXL 1.0' } });
  await assert.rejects(env.providers.civitai.versionsByHashes(unknown.slice(0, 101)), RangeError);
});

test('CivitAI search pages with the cursor; Hugging Face search and tree follow the Link header; tree carries lfs.oid as SHA-256', async () => {
  for (let i = 0; i < 5; i++) await s.civitai.addVersion({ modelId: i + 1, versionId: i + 10, modelName: `Anime Style ${i}`, type: i % 2 ? 'LORA' : 'Checkpoint', files: [{ id: i, name: `a${i}.safetensors`, data: randomBytes(10) }] });
  const env = testEnv(s);
  const titles: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await env.providers.civitai.search('anime', { limit: 2, cursor });
    titles.push(...page.items.map((h) => `${h.title}:${h.category}`));
    cursor = page.nextCursor;
  } while (cursor);
  assert.equal(titles.length, 5);
  assert.ok(titles.includes('Anime Style 1:loras') && titles.includes('Anime Style 0:checkpoints'));
  const data = [randomBytes(10), randomBytes(20), randomBytes(30)];
  for (const [i, d] of data.entries()) await s.hub.addFile({ repo: 'org/flux', path: `unet/part${i}.safetensors`, data: d });
  await s.hub.addFile({ repo: 'org/other', path: 'x.bin', data: randomBytes(5) });
  const tree = await env.providers.huggingFace.tree('org/flux', 'main');
  assert.deepEqual(tree, data.map((d, i) => ({ path: `unet/part${i}.safetensors`, size: d.length, sha256: sha256Hex(d) })));
  const hits: string[] = [];
  let next: string | undefined;
  do {
    const page = await env.providers.huggingFace.search('org', { cursor: next });
    hits.push(...page.items.map((h) => h.title));
    next = page.nextCursor;
  } while (next);
  assert.deepEqual(hits.sort(), ['org/flux', 'org/other']);
});

test('a finished download is indexed with its full hashes and its source (no secret), and a manifest source splice is produced', async () => {
  const data = randomBytes(4096);
  await s.civitai.addVersion({ modelId: 7, versionId: 8, modelName: 'Tiny', type: 'Checkpoint', files: [{ id: 9, name: 'tiny.safetensors', data }] });
  const { dir, roots } = modelRoot();
  const r = await downloadModel({ url: `${s.civitai.url}/models/7?modelVersionId=8&token=LEAK`, subfolder: 'SD15' }, roots, testEnv(s));
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  await recordDownload(store, roots, r, r.source);
  store.close();
  const reopened = await IndexStore.open(join(dir, 'index.sqlite'));
  const model = reopened.model(r.quickHash)!;
  assert.equal(model.sha256, sha256Hex(data));
  assert.equal(model.hashOrigin, 'download');
  assert.deepEqual(model.locations.map((l) => [l.relativePath, l.name, l.category]), [['checkpoints/SD15/tiny.safetensors', 'SD15/tiny.safetensors', 'checkpoints']]);
  assert.deepEqual(model.sources, [{ type: 'civitai', url: `${s.civitai.url}/api/download/models/8`, metadata: r.source.metadata }]);
  assert.doesNotMatch(JSON.stringify(model), /LEAK/);
  reopened.close();
  const manifest = `[project]\nname = "demo"\n\n[tool.comfydock.models.required]\n"${r.quickHash}" = { filename = "tiny.safetensors", category = "checkpoints" }\n`;
  const edited = applySplices(manifest, manifestSourceSplices(manifest, r.quickHash, { type: 'civitai', url: 'https://civitai.com/api/download/models/8?token=LEAK' }));
  assert.match(edited, /sources = \[\{ type = "civitai", url = "https:\/\/civitai.com\/api\/download\/models\/8" \}\]/);
  assert.ok(edited.startsWith('[project]\nname = "demo"\n'));
});

test('a download sent to a chosen model root lands there; a root that is not configured, or holds another category, is refused', async () => {
  const data = randomBytes(2048);
  const url = await s.hub.addFile({ repo: 'org/upscalers', path: '4x.pth', data });
  const { dir, models, roots } = modelRoot();
  const second = join(dir, 'second');
  const loras = join(dir, 'loras-only');
  const all = [...roots, { path: second, category: null, origin: 'test' }, { path: loras, category: 'loras', origin: 'test' }];
  const r = await downloadModel({ url, category: 'upscale_models', root: second }, all, testEnv(s));
  assert.equal(r.path, join(second, 'upscale_models', '4x.pth'));
  assert.equal(r.sha256, sha256Hex(data));
  await assert.rejects(downloadModel({ url, category: 'upscale_models', root: join(dir, 'elsewhere') }, all, testEnv(s)), (err: DownloadError) => err.code === 'outside-roots' && /is not one of the model folders/.test(err.message));
  await assert.rejects(downloadModel({ url, category: 'upscale_models', root: loras }, all, testEnv(s)), (err: DownloadError) => err.code === 'outside-roots' && /holds loras only, not upscale_models/.test(err.message));
  assert.ok(!existsSync(join(models, 'upscale_models')), 'nothing went to the first root');
});
