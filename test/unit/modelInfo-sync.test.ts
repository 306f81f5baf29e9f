import assert from 'node:assert/strict';
import { mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IndexStore } from '../../server/src/core/index/store';
import { syncRoots } from '../../server/src/core/index/sync';
import type { ModelRoot } from '../../server/src/core/roots';
import { tempDir } from '../helpers/files';
import { checkpointTensors, kohyaMetadata, loraTensors, writeRawSafetensors, writeSafetensors } from '../helpers/modelFiles';

async function fresh() {
  const dir = tempDir('cm-info-sync-');
  const models = join(dir, 'models');
  mkdirSync(models);
  const root: ModelRoot = { path: models, category: null, origin: 'test' };
  return { dir, models, root, store: await IndexStore.open(join(dir, 'index.sqlite')) };
}

test('sync reads each model header once: base model and kind land in the index; a warm sync reads nothing', async () => {
  const { models, root, store } = await fresh();
  writeSafetensors(join(models, 'checkpoints/xl.safetensors'), checkpointTensors('sdxl'));
  writeSafetensors(join(models, 'loras/old.safetensors'), loraTensors('sd1'), kohyaMetadata('sd_v1', { 'pixel art': 5 }, 'Old Style'));
  const first = await syncRoots(store, [root]);
  assert.deepEqual([first.hashed, first.headers, first.warnings], [2, 2, []]);
  const snap = store.snapshot();
  const [xl] = snap.byName('checkpoints', 'xl.safetensors') as typeof snap.locations;
  const [lora] = snap.byName('loras', 'old.safetensors') as typeof snap.locations;
  assert.deepEqual([xl.baseModel, xl.modelKind, lora.baseModel, lora.modelKind], ['sdxl', 'checkpoint', 'sd1', 'lora']);
  assert.deepEqual(store.model(lora.hash)?.header, { format: 'safetensors', baseModel: 'sd1', kind: 'lora', trainedWords: ['pixel art'], title: 'Old Style' });
  const warm = await syncRoots(store, [root]);
  assert.deepEqual([warm.hashed, warm.headers, warm.changed], [0, 0, false]);
});

test('a file changed since is read again; a file read by an older reader version is read again without re-hashing', async () => {
  const { models, root, store } = await fresh();
  const p = join(models, 'loras/a.safetensors');
  writeSafetensors(p, loraTensors('sd1'));
  await syncRoots(store, [root]);
  writeSafetensors(p, loraTensors('sdxl'));
  utimesSync(p, new Date(), new Date(Date.now() + 5000));
  const changed = await syncRoots(store, [root]);
  assert.deepEqual([changed.hashed, changed.headers], [1, 1]);
  const loc = store.snapshot().byName('loras', 'a.safetensors')[0] as ReturnType<IndexStore['snapshot']>['locations'][number];
  assert.equal(loc.baseModel, 'sdxl');
  // As if an older reader had read it (or an index from before header reading): only the header is read.
  store.apply([{ op: 'header', hash: loc.hash, info: null, root: loc.root, rootCategory: loc.rootCategory, relativePath: loc.relativePath, stamp: `0:${loc.size}:${loc.mtimeMs}` }]);
  assert.equal((store.snapshot().byName('loras', 'a.safetensors')[0] as typeof loc).baseModel, undefined);
  const reread = await syncRoots(store, [root]);
  assert.deepEqual([reread.hashed, reread.headers], [0, 1]);
  assert.equal((store.snapshot().byName('loras', 'a.safetensors')[0] as typeof loc).baseModel, 'sdxl');
});

test('a hostile header is a sync warning, never a crash; the file is still indexed, without a base model', async () => {
  const { models, root, store } = await fresh();
  writeRawSafetensors(join(models, 'loras/evil.safetensors'), Buffer.from('{}'), 16, 2n ** 63n);
  writeSafetensors(join(models, 'loras/good.safetensors'), loraTensors('flux'));
  const r = await syncRoots(store, [root]);
  assert.equal(r.hashed, 2);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0], /evil\.safetensors.*above the .*limit/);
  const snap = store.snapshot();
  assert.equal((snap.byName('loras', 'evil.safetensors')[0] as typeof snap.locations[number]).baseModel, undefined);
  assert.equal((snap.byName('loras', 'good.safetensors')[0] as typeof snap.locations[number]).baseModel, 'flux');
  assert.equal((await syncRoots(store, [root])).warnings.length, 0, 'not read (nor warned about) again until it changes');
});
