import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { syncRoots } from '../../server/src/core/index/sync';
import { IndexStore } from '../../server/src/core/index/store';
import type { ModelRoot } from '../../server/src/core/roots';
import { tempDir, writeFile } from '../helpers/files';

const comfyRoot = (path: string): ModelRoot => ({ path, category: null, origin: 'test' });

async function fresh() {
  const dir = tempDir('cm-sync-');
  const models = join(dir, 'models');
  mkdirSync(models);
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  return { dir, models, store, root: comfyRoot(models) };
}

test('first sync hashes every model file; a second sync re-hashes nothing', async () => {
  const { models, store, root } = await fresh();
  writeFile(join(models, 'checkpoints/sd15.safetensors'), 'sd15 weights');
  writeFile(join(models, 'loras/style/anime.safetensors'), 'lora weights');
  writeFile(join(models, 'loras/notes.txt'), 'not a model');
  const first = await syncRoots(store, [root]);
  assert.deepEqual([first.scanned, first.hashed, first.unchanged, first.removed, first.models], [2, 2, 0, 0, 2]);
  const second = await syncRoots(store, [root]);
  assert.deepEqual([second.scanned, second.hashed, second.unchanged, second.removed], [2, 0, 2, 0]);
  assert.equal(second.changed, false);
  const [lora] = store.snapshot().byName('loras', 'style/anime.safetensors');
  assert.equal(lora.relativePath, 'loras/style/anime.safetensors');
  assert.equal(lora.filename, 'anime.safetensors');
});

test('a changed file is re-hashed and its location re-pointed; the old model row stays', async () => {
  const { models, store, root } = await fresh();
  const p = join(models, 'vae/vae.safetensors');
  writeFile(p, 'version one');
  await syncRoots(store, [root]);
  const oldHash = store.snapshot().byName('vae', 'vae.safetensors')[0].hash;
  writeFile(p, 'version two!');
  utimesSync(p, new Date(), new Date(Date.now() + 5000));
  const r = await syncRoots(store, [root]);
  assert.equal(r.hashed, 1);
  const newHash = store.snapshot().byName('vae', 'vae.safetensors')[0].hash;
  assert.notEqual(newHash, oldHash);
  assert.ok(store.model(oldHash), 'the old model row is kept');
  assert.equal(store.model(oldHash)!.locations.length, 0);
});

test('a deleted file loses its location; the model and its sources stay', async () => {
  const { models, store, root } = await fresh();
  writeFile(join(models, 'checkpoints/a.safetensors'), 'aaaa');
  await syncRoots(store, [root]);
  const hash = store.snapshot().byFilename('a.safetensors')[0].hash;
  store.apply([{ op: 'source', hash, source: { type: 'url', url: 'https://example.invalid/a.safetensors' }, addedAt: 1 }]);
  unlinkSync(join(models, 'checkpoints/a.safetensors'));
  const r = await syncRoots(store, [root]);
  assert.equal(r.removed, 1);
  assert.equal(store.snapshot().byHash(hash).length, 0);
  assert.deepEqual(store.model(hash)!.sources, [{ type: 'url', url: 'https://example.invalid/a.safetensors' }]);
});

test('a moved file (same size and mtime) follows to its new path without being hashed again', async () => {
  const { models, store, root } = await fresh();
  writeFile(join(models, 'loras/a.safetensors'), 'moving lora');
  await syncRoots(store, [root]);
  const hash = store.snapshot().byFilename('a.safetensors')[0].hash;
  mkdirSync(join(models, 'loras/sub'));
  renameSync(join(models, 'loras/a.safetensors'), join(models, 'loras/sub/b.safetensors'));
  const r = await syncRoots(store, [root]);
  assert.deepEqual([r.moved, r.hashed, r.removed], [1, 0, 0]);
  assert.deepEqual(store.snapshot().byHash(hash).map((l) => l.name), ['sub/b.safetensors']);
});

test('identical files are one model with two locations (duplicates)', async () => {
  const { models, store, root } = await fresh();
  writeFile(join(models, 'checkpoints/one.safetensors'), 'same bytes');
  writeFile(join(models, 'checkpoints/copy/two.safetensors'), 'same bytes');
  writeFile(join(models, 'checkpoints/three.safetensors'), 'other bytes');
  await syncRoots(store, [root]);
  const dups = store.snapshot().duplicates();
  assert.equal(dups.length, 1);
  assert.deepEqual(dups[0].map((l) => l.name).sort(), ['copy/two.safetensors', 'one.safetensors']);
  assert.equal(store.stats().duplicates, 1);
});

test('alias folders fold into canonical categories (clip → text_encoders, unet → diffusion_models)', async () => {
  const { models, store, root } = await fresh();
  writeFile(join(models, 'clip/t5xxl.safetensors'), 't5');
  writeFile(join(models, 'text_encoders/clip_l.safetensors'), 'clip l');
  writeFile(join(models, 'unet/flux.gguf'), 'flux gguf');
  writeFile(join(models, 'configs/v1.yaml'), 'model: {}');
  writeFile(join(models, 'loras/x.yaml'), 'not a model outside configs');
  writeFile(join(models, 'top.safetensors'), 'at the root');
  await syncRoots(store, [root]);
  const snap = store.snapshot();
  assert.deepEqual(snap.byCategory('text_encoders').map((l) => l.name).sort(), ['clip_l.safetensors', 't5xxl.safetensors']);
  assert.deepEqual(snap.byCategory('clip').map((l) => l.relativePath).sort(), ['clip/t5xxl.safetensors', 'text_encoders/clip_l.safetensors']);
  assert.equal(snap.byName('diffusion_models', 'flux.gguf')[0].relativePath, 'unet/flux.gguf');
  assert.equal(snap.byName('unet', 'flux.gguf').length, 1);
  assert.equal(snap.byName('configs', 'v1.yaml').length, 1);
  assert.equal(snap.byFilename('x.yaml').length, 0);
  assert.equal(snap.byName(null, 'top.safetensors')[0].category, null);
  assert.equal(snap.byName(null, 'flux.gguf').length, 1, 'no category: the name under any category folder');
  assert.equal(snap.byNameIgnoreCase('TEXT_ENCODERS', 'T5XXL.SAFETENSORS').length, 1);
});

test('hidden paths, partial downloads, sidecars and images are not indexed', async () => {
  const { models, store, root } = await fresh();
  writeFile(join(models, 'loras/.hidden.safetensors'), 'h');
  writeFile(join(models, '.cache/loras/x.safetensors'), 'h');
  writeFile(join(models, 'loras/dl.safetensors.part'), 'partial');
  writeFile(join(models, 'loras/a.safetensors'), 'a');
  writeFile(join(models, 'loras/a.preview.png'), 'png');
  writeFile(join(models, 'loras/a.metadata.json'), '{}');
  const r = await syncRoots(store, [root]);
  assert.equal(r.scanned, 1);
});

test('symlinks to files and folders are followed; a symlink loop is walked once', async () => {
  const { dir, models, store, root } = await fresh();
  writeFile(join(dir, 'elsewhere/big.safetensors'), 'linked checkpoint');
  mkdirSync(join(models, 'checkpoints'));
  symlinkSync(join(dir, 'elsewhere/big.safetensors'), join(models, 'checkpoints/link.safetensors'));
  writeFile(join(dir, 'shared-loras/l.safetensors'), 'shared lora');
  symlinkSync(join(dir, 'shared-loras'), join(models, 'loras'));
  symlinkSync(models, join(models, 'loras-loop-back')); // models/loras-loop-back → models: a loop
  symlinkSync(join(dir, 'shared-loras'), join(dir, 'shared-loras/again'));
  const r = await syncRoots(store, [root]);
  assert.equal(r.scanned, 2);
  const snap = store.snapshot();
  assert.equal(snap.byName('checkpoints', 'link.safetensors').length, 1);
  assert.equal(snap.byName('loras', 'l.safetensors').length, 1);
});

test('unreadable entries are skipped with warnings: dangling link, self-loop link, FIFO, missing root', async () => {
  // Tests run as root, where chmod 000 does not stop reads; these fail for root too.
  const { dir, models, store, root } = await fresh();
  writeFile(join(models, 'loras/ok.safetensors'), 'fine');
  symlinkSync(join(dir, 'gone.safetensors'), join(models, 'loras/dangling.safetensors'));
  symlinkSync(join(models, 'loras/self.safetensors'), join(models, 'loras/self.safetensors'));
  symlinkSync(join(dir, 'no-such-folder'), join(models, 'vae'));
  execFileSync('mkfifo', [join(models, 'loras/fifo.safetensors')]);
  const missing = comfyRoot(join(dir, 'not-there'));
  const r = await syncRoots(store, [root, missing]);
  assert.equal(r.scanned, 1);
  const text = r.warnings.join('\n');
  for (const bit of ['dangling.safetensors', 'self.safetensors', 'fifo.safetensors: not a regular file', 'not-there']) assert.ok(text.includes(bit), `warning about ${bit} in:\n${text}`);
});

test('a file that vanishes between the walk and its hashing is skipped with a warning', async () => {
  const { models, store, root } = await fresh();
  for (const n of ['a', 'b', 'c']) writeFile(join(models, `loras/${n}.safetensors`), `lora ${n}`);
  const r = await syncRoots(store, [root], {
    onProgress: (done) => {
      if (done === 0) unlinkSync(join(models, 'loras/b.safetensors'));
    },
  });
  assert.deepEqual([r.scanned, r.hashed], [3, 2]);
  assert.match(r.warnings.join('\n'), /b\.safetensors.*ENOENT|ENOENT.*b\.safetensors/);
  assert.equal(store.snapshot().byFilename('b.safetensors').length, 0);
});

test('sync is cancellable and keeps what it hashed', async () => {
  const { models, store, root } = await fresh();
  for (let i = 0; i < 20; i++) writeFile(join(models, `loras/${i}.safetensors`), `lora ${i}`);
  const ac = new AbortController();
  await assert.rejects(
    syncRoots(store, [root], { onProgress: (done) => done === 3 && ac.abort(new Error('cancelled by test')), signal: ac.signal }),
    /cancelled by test/,
  );
  const kept = store.snapshot().locations.length;
  assert.ok(kept >= 3 && kept < 20, `kept ${kept}`);
});

test('full hashes from a Stability Matrix sidecar are stored with their origin', async () => {
  const { models, store, root } = await fresh();
  const sha = 'A'.repeat(64);
  writeFile(join(models, 'loras/sm.safetensors'), 'sm lora');
  writeFile(join(models, 'loras/sm.cm-info.json'), JSON.stringify({ ModelName: 'x', Hashes: { SHA256: sha, BLAKE3: 'b'.repeat(64) } }));
  writeFile(join(models, 'loras/plain.safetensors'), 'no sidecar');
  await syncRoots(store, [root]);
  const snap = store.snapshot();
  const info = store.model(snap.byFilename('sm.safetensors')[0].hash)!;
  assert.equal(info.sha256, 'a'.repeat(64));
  assert.equal(info.blake3, 'b'.repeat(64));
  assert.equal(info.hashOrigin, 'sidecar:stability-matrix');
  assert.equal(snap.byFullHash('sha256', sha).length, 1);
  assert.equal(store.model(snap.byFilename('plain.safetensors')[0].hash)!.sha256, undefined);
});

test('the index survives a reopen: rows and sources are read back from disk', async () => {
  const { dir, models, store, root } = await fresh();
  writeFile(join(models, 'checkpoints/a.safetensors'), 'persisted');
  await syncRoots(store, [root]);
  store.close();
  const again = await IndexStore.open(join(dir, 'index.sqlite'));
  assert.equal(again.snapshot().byName('checkpoints', 'a.safetensors').length, 1);
  const r = await syncRoots(again, [root]);
  assert.equal(r.hashed, 0);
  assert.ok(!readdirSync(dir).some((f) => f.includes('.tmp-') || f.endsWith('.lock')), 'no temp or lock files left');
});

test('a corrupt index file is set aside with a message and rebuilt', async () => {
  const { dir, models, root } = await fresh();
  const path = join(dir, 'index.sqlite');
  writeFileSync(path, 'this is not an sqlite database, just garbage bytes'.repeat(100));
  writeFile(join(models, 'loras/a.safetensors'), 'a');
  const store = await IndexStore.open(path);
  assert.match(store.message ?? '', /could not be read.*corrupt-/);
  const aside = readdirSync(dir).filter((f) => f.startsWith('index.sqlite.corrupt-'));
  assert.equal(aside.length, 1);
  await syncRoots(store, [root]);
  assert.ok(existsSync(path));
  assert.equal((await IndexStore.open(path)).snapshot().locations.length, 1);
  rmSync(join(dir, aside[0]));
});

test('a sync that also hashes in this thread (the CLI) indexes the same hashes as one hashing on workers only', async () => {
  const a = await fresh();
  const b = await fresh();
  for (const { models } of [a, b]) for (let i = 0; i < 12; i++) writeFile(join(models, `loras/set/${i}.safetensors`), `lora weights ${i}`.repeat(i * 1000 + 1));
  const onWorkers = await syncRoots(a.store, [a.root]);
  const alsoHere = await syncRoots(b.store, [b.root], { hashInThisThread: true });
  assert.equal(onWorkers.hashed, 12);
  assert.equal(alsoHere.hashed, 12);
  const hashes = (store: IndexStore) => store.snapshot().locations.map((l) => `${l.relativePath} ${l.hash}`).sort();
  assert.deepEqual(hashes(b.store), hashes(a.store));
  assert.equal(new Set(hashes(b.store).map((h) => h.split(' ')[1])).size, 12);
});
