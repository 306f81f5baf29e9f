import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { test } from 'node:test';
import { fullHashFile } from '../../server/src/core/hash/fullHash';
import { IndexStore } from '../../server/src/core/index/store';
import { syncRoots } from '../../server/src/core/index/sync';
import { ManifestEditError } from '../../server/src/core/manifest/edit';
import { fullHashSplices } from '../../server/src/core/manifest/fullHashFields';
import { readManifest } from '../../server/src/core/manifest/read';
import { exportManifest } from '../../server/src/core/share/export';
import { resolveManifestModels } from '../../server/src/core/share/resolveManifest';
import { urlCarriesSecret } from '../../server/src/core/share/secrets';
import { applySplices } from '../../server/src/core/text';
import { tempDir, writeFile } from '../helpers/files';

const B3 = 'b'.repeat(64);
const SHA = 'c'.repeat(64);

test('full hashes go into the entry after its size; nothing else of the file changes (comments, CRLF, other fields)', () => {
  const text = [
    '# my project',
    '[tool.comfydock.models.required]',
    '"0123456789abcdef" = { filename = "a.safetensors", category = "loras", relative_path = "loras/a.safetensors", size = 3, sources = [] } # keep',
    `"fedcba9876543210" = { filename = "b.pt", category = "vae", relative_path = "vae/b.pt", size = 4, sha256 = "${'d'.repeat(64)}" }`,
    '',
  ].join('\r\n');
  const once = applySplices(text, fullHashSplices(text, 'required', '0123456789abcdef', { blake3: B3, sha256: SHA }));
  assert.equal(once, text.replace('size = 3,', `size = 3, blake3 = "${B3}", sha256 = "${SHA}",`));
  // Only the missing field is added; an existing sha256 is never replaced.
  const two = applySplices(once, fullHashSplices(once, 'required', 'fedcba9876543210', { blake3: B3, sha256: SHA }));
  assert.equal(two, once.replace('size = 4,', `size = 4, blake3 = "${B3}",`));
  assert.deepEqual(fullHashSplices(two, 'required', 'fedcba9876543210', { blake3: B3, sha256: SHA }), []);
  assert.throws(() => fullHashSplices(text, 'required', '0123456789abcdef', { blake3: 'not hex' }), ManifestEditError);
});

test('secrets: URLs with credentials or token-like parameters are recognised', () => {
  assert.ok(urlCarriesSecret('https://civitai.com/api/download/models/1?token=abc'));
  assert.ok(urlCarriesSecret('https://user:pw@example.org/x'));
  assert.ok(urlCarriesSecret('https://s3.example/x?X-Amz-Signature=1'));
  assert.ok(!urlCarriesSecret('https://huggingface.co/a/b/resolve/main/x.safetensors?download=true'));
});

test('resolve order: full BLAKE3 and SHA-256 find renamed files the quick hash misses; a name match is offered, never taken; unsafe entries are not acted on', async () => {
  const dir = tempDir('cm-share-core-');
  const models = join(dir, 'models');
  writeFile(join(models, 'checkpoints/by-blake3.safetensors'), 'blake3 content');
  writeFile(join(models, 'checkpoints/by-sha.safetensors'), 'sha content');
  writeFile(join(models, 'loras/same-name.safetensors'), 'local content');
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  await syncRoots(store, [{ path: models, category: null, origin: 'test' }]);
  const loc = (name: string) => store.snapshot().locations.find((l) => l.filename === name)!;
  const full = await fullHashFile(join(models, 'checkpoints/by-blake3.safetensors'));
  const shaOnly = createHash('sha256').update('sha content').digest('hex');
  store.apply([
    { op: 'fullHashes', hash: loc('by-blake3.safetensors').hash, blake3: full.blake3, sha256: full.sha256, origin: 'computed' },
    { op: 'fullHashes', hash: loc('by-sha.safetensors').hash, blake3: B3, sha256: shaOnly, origin: 'computed' },
  ]);
  const manifest = readManifest([
    '[tool.comfydock.models.required]',
    `"1111111111111111" = { filename = "x.safetensors", category = "checkpoints", relative_path = "checkpoints/x.safetensors", size = 14, blake3 = "${full.blake3}", sources = [] }`,
    `"2222222222222222" = { filename = "y.safetensors", category = "checkpoints", relative_path = "checkpoints/y.safetensors", size = 11, sha256 = "${shaOnly}", sources = [] }`,
    `"3333333333333333" = { filename = "same-name.safetensors", category = "loras", relative_path = "loras/same-name.safetensors", size = 99, sources = [] }`,
    `"4444444444444444" = { filename = "evil.safetensors", category = "loras", relative_path = "../../evil.safetensors", size = 1, sources = [{ type = "url", url = "https://example.org/evil" }] }`,
    '',
  ].join('\n'));
  const { rows, indexOps } = await resolveManifestModels(manifest, store);
  assert.deepEqual(rows.map((r) => [r.hash, r.status, r.via ?? null]), [
    ['1111111111111111', 'present', 'blake3'],
    ['2222222222222222', 'present', 'sha256'],
    ['3333333333333333', 'name-match', null],
    ['4444444444444444', 'missing', null],
  ]);
  assert.deepEqual(rows[2].candidates, [join(models, 'loras/same-name.safetensors')]);
  assert.equal(rows[2].path, undefined, 'a name match is never taken as the file');
  assert.equal(rows[3].unsafe, true);
  assert.deepEqual(indexOps, [], 'no XXH3 sampling for a manifest of ours');
  store.close();
});

test('export refuses comfygit manifests and reports models it cannot hash here', async () => {
  const dir = tempDir('cm-share-export-');
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  await assert.rejects(exportManifest('[tool.comfygit.models]\n"0123456789abcdef" = { filename = "a", size = 1, relative_path = "loras/a", category = "loras" }\n', store, { computeFullHashes: true }), ManifestEditError);
  const text = '[tool.comfydock.models.required]\n"0123456789abcdef" = { filename = "a.pt", category = "loras", relative_path = "loras/a.pt", size = 1, sources = [] }\n';
  const report = await exportManifest(text, store, { computeFullHashes: true });
  assert.equal(report.changed, false);
  assert.deepEqual(report.models[0].lacking, ['blake3', 'sha256']);
  assert.ok(report.warnings.some((w) => /not on this machine/.test(w)));
  assert.ok(report.warnings.some((w) => /no known source/.test(w)));
  const aborted = new AbortController();
  aborted.abort();
  writeFile(join(dir, 'models/loras/a.pt'), 'x');
  await syncRoots(store, [{ path: join(dir, 'models'), category: null, origin: 'test' }]);
  const hash = store.snapshot().locations[0].hash;
  await assert.rejects(exportManifest(text.replace('0123456789abcdef', hash), store, { computeFullHashes: true, signal: aborted.signal }), /abort/i);
  store.close();
});

test('export with full hashes: one progress report per file before it is read, then the end; index rows for each', async () => {
  const dir = tempDir('cm-share-progress-');
  writeFile(join(dir, 'models/loras/one.safetensors'), 'one');
  writeFile(join(dir, 'models/loras/two.safetensors'), 'two!');
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  await syncRoots(store, [{ path: join(dir, 'models'), category: null, origin: 'test' }]);
  const [one, two] = store.snapshot().locations;
  const entry = (l: typeof one) => `"${l.hash}" = { filename = "${l.filename}", category = "loras", relative_path = "${l.relativePath}", size = ${l.size}, sources = [] }`;
  const text = ['[tool.comfydock.models.required]', entry(one), entry(two), ''].join('\n');
  const seen: string[] = [];
  const report = await exportManifest(text, store, { computeFullHashes: true, onProgress: (p) => seen.push(`${p.done}/${p.total} ${p.filename}`) });
  assert.deepEqual(seen, ['0/2 one.safetensors', '1/2 two.safetensors', '2/2 ']);
  assert.deepEqual(report.indexOps.map((o) => o.op === 'fullHashes' && o.sha256), [createHash('sha256').update('one').digest('hex'), createHash('sha256').update('two!').digest('hex')]);
  assert.deepEqual(readManifest(report.text).models.map((m) => m.sha256), report.indexOps.map((o) => o.op === 'fullHashes' && o.sha256));
  store.close();
});
