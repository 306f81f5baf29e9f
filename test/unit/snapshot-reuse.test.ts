import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { carryOver, IndexSnapshot, type IndexedLocation } from '../../server/src/core/index/snapshot';
import { nullLogger } from '../../server/src/core/log';
import { resolveReferences } from '../../server/src/core/resolve';
import { FuzzyCache } from '../../server/src/core/resolve/fuzzy';
import type { ModelLocation, ModelReference } from '../../server/src/core/types';
import { IndexHost } from '../../server/src/engine/indexHost';
import { warmUpSteps } from '../../server/src/engine/warmUp';
import { normalizeSettings } from '../../server/src/settings';
import { tempDir, writeFile } from '../helpers/files';
import { location } from './resolve-library';

/** Fresh location objects every call, as the store reads them from its database for each snapshot. */
function library(extra: string[] = []): IndexedLocation[] {
  const paths = ['checkpoints/sd_xl_base_1.0.safetensors', 'checkpoints/SDXL/juggernautXL_v9.safetensors', 'loras/detail.safetensors', 'vae/sdxl_vae.safetensors', ...extra];
  return paths.map((path, i) => location({ path, hash: (i + 1).toString(16).padStart(16, '0') }));
}

/** The snapshot the store builds from these rows after `previous`: unchanged locations are its objects. */
function successor(locations: IndexedLocation[], previous?: IndexSnapshot): IndexSnapshot {
  const snapshot = new IndexSnapshot(previous ? previous.generation + 1 : 1, locations.map(carryOver(previous)));
  if (previous) snapshot.follow(previous);
  return snapshot;
}

function built(locations: IndexedLocation[], previous?: IndexSnapshot): IndexSnapshot {
  const snapshot = successor(locations, previous);
  snapshot.prepare();
  return snapshot;
}

/** Every list a snapshot hands out, copied: to check later that none was written into. */
function handedOut(snapshot: IndexSnapshot): Map<string | null | 'ALL', IndexedLocation[]> {
  const lists = new Map<string | null | 'ALL', IndexedLocation[]>([['ALL', [...snapshot.byCategory(null)] as IndexedLocation[]]]);
  for (const [category, list] of snapshot.categoryLists()) lists.set(category, [...list]);
  return lists;
}

function assertUnchanged(snapshot: IndexSnapshot, copies: Map<string | null | 'ALL', IndexedLocation[]>): void {
  for (const [category, copy] of copies) {
    const list = category === 'ALL' ? snapshot.byCategory(null) : snapshot.categoryLists().get(category);
    assert.ok(list && list.length === copy.length && copy.every((l, i) => l === list[i]), `${category}: the same objects as before`);
  }
}

test('a new snapshot hands out the previous array for each unchanged category, a new one where it changed', () => {
  const first = built(library());
  const checkpoints = first.byCategory('checkpoints');
  const loras = first.byCategory('loras');
  const copies = handedOut(first);
  const second = built(library(['loras/new_style.safetensors']), first);
  assertUnchanged(first, copies);

  assert.equal(second.byCategory('checkpoints'), checkpoints, 'checkpoints did not change: same array');
  assert.equal(second.byCategory('vae'), first.byCategory('vae'));
  assert.notEqual(second.byCategory('loras'), loras, 'a file was added to loras');
  assert.deepEqual(second.byCategory('loras').map((l) => l.name), ['detail.safetensors', 'new_style.safetensors']);
  assert.notEqual(second.byCategory(null), first.byCategory(null), 'every location: changed');
  // The reused array holds the new snapshot's objects: lookups by name and by category agree.
  assert.equal(second.byName('checkpoints', 'sd_xl_base_1.0.safetensors')[0], second.byCategory('checkpoints')[0]);
  assert.equal(second.byHash('0000000000000001')[0], second.byCategory('checkpoints')[0]);
});

test('fuzzy candidates reuse per unchanged category and follow the change where there is one', () => {
  const fuzzy = new FuzzyCache();
  const fuzzyCandidates = (value: string, list: readonly ModelLocation[]) => fuzzy.candidates(value, list);
  const first = built(library());
  const before = fuzzyCandidates('detail_v2.safetensors', first.byCategory('loras'));
  assert.deepEqual(before.map((c) => c.relativePath), ['loras/detail.safetensors']);
  const second = built(library(['loras/detail_v2.safetensors']), first);
  const after = fuzzyCandidates('detail_v2.safetensors', second.byCategory('loras'));
  assert.equal(after[0].relativePath, 'loras/detail_v2.safetensors');
  assert.equal(after[0].confidence, 'high');

  // Through the resolver (its candidate cache is per list): unchanged checkpoints give the cached result.
  const ref: ModelReference = { nodeId: '1', nodeType: 'CheckpointLoaderSimple', value: 'juggernaut_v9.safetensors', category: 'checkpoints', active: true, offset: 0, length: 0, kind: 'loader' };
  const [a] = resolveReferences([ref], { index: first, fuzzy });
  const [b] = resolveReferences([ref], { index: second, fuzzy });
  assert.equal(a.resolution.status, 'missing');
  assert.ok(a.resolution.status === 'missing' && b.resolution.status === 'missing');
  assert.equal(b.resolution.candidates, a.resolution.candidates, 'same candidates array: nothing recomputed');
});

test('a changed value (size, full hash, moved file) or a category that went away is not reused', () => {
  const withFullHash = () => library().map((l, i) => (i === 0 ? { ...l, sha256: 'f'.repeat(64) } : l));
  const first = built(library());
  const copies = handedOut(first);
  const second = built(withFullHash(), first);
  assertUnchanged(first, copies);
  assert.notEqual(second.byCategory('checkpoints'), first.byCategory('checkpoints'));
  assert.equal(first.byFullHash('sha256', 'f'.repeat(64)).length, 0, 'the earlier snapshot still answers as it did');
  assert.equal(second.byFullHash('sha256', 'F'.repeat(64)).length, 1);
  assert.equal(second.byCategory('loras'), first.byCategory('loras'));

  const third = built(withFullHash().filter((l) => l.category !== 'vae'), second);
  assert.deepEqual(third.byCategory('vae'), []);
  assert.equal(third.byCategory('checkpoints'), second.byCategory('checkpoints'));

  const resized = withFullHash().filter((l) => l.category !== 'vae');
  resized[2].size = 5;
  const fourth = built(resized, third);
  assert.notEqual(fourth.byCategory('loras'), third.byCategory('loras'));
  assert.equal(fourth.byCategory('checkpoints'), third.byCategory('checkpoints'));

  const moved = withFullHash().filter((l) => l.category !== 'vae');
  moved[2] = location({ path: 'loras/sub/detail.safetensors', hash: moved[2].hash });
  assert.notEqual(built(moved, fourth).byCategory('loras'), fourth.byCategory('loras'));
});

test('warming up a snapshot asks the queries of a changed list again, of its successor', () => {
  const fuzzy = new FuzzyCache();
  const fuzzyQueries = (list: readonly ModelLocation[], max: number) => fuzzy.queries(list, max);
  const first = built(library());
  fuzzy.candidates('detail_v2.safetensors', first.byCategory('loras'), 3);
  fuzzy.candidates('juggernaut.safetensors', first.byCategory('checkpoints'));
  const second = successor(library(['loras/detail_v2.safetensors']), first);
  second.prepare();
  assert.deepEqual(fuzzyQueries(second.byCategory('loras'), 10), []);
  for (const _ of warmUpSteps(second, first, fuzzy));
  assert.deepEqual(fuzzyQueries(second.byCategory('loras'), 10), [{ value: 'detail_v2.safetensors', limit: 3 }]);
  assert.equal(second.byCategory('checkpoints'), first.byCategory('checkpoints'), 'taken over, answers and all');
  assert.deepEqual(fuzzyQueries(second.byCategory('checkpoints'), 10), [{ value: 'juggernaut.safetensors', limit: 5 }]);
});

test('a previous snapshot whose lookups were never built passes nothing on', () => {
  const unbuilt = new IndexSnapshot(1, library());
  const next = built(library(), unbuilt);
  assert.deepEqual(next.byCategory('checkpoints').map((l) => l.name), ['sd_xl_base_1.0.safetensors', 'SDXL/juggernautXL_v9.safetensors']);
  assert.equal(built(library(), next).byCategory(null), next.byCategory(null), 'nothing changed: every list reused');
});

test('lookups keep their answers: several locations under one key, names by path, case folding', () => {
  const twice = [
    location({ path: 'loras/a.safetensors', hash: '00000000000000aa', root: '/r1' }),
    location({ path: 'loras/A.safetensors', hash: '00000000000000bb', root: '/r2' }),
    location({ path: 'checkpoints/a.safetensors', hash: '00000000000000aa', root: '/r2' }),
  ];
  const s = built(twice);
  assert.deepEqual(s.byNameIgnoreCase('loras', 'A.SAFETENSORS').map((l) => l.root), ['/r1', '/r2']);
  assert.deepEqual(s.byName('loras', 'A.safetensors').map((l) => l.root), ['/r2']);
  assert.deepEqual(s.byName(null, 'a.safetensors').map((l) => l.relativePath), ['loras/a.safetensors', 'checkpoints/a.safetensors']);
  assert.deepEqual(s.byName(null, 'checkpoints/a.safetensors').map((l) => l.root), ['/r2']);
  assert.deepEqual(s.byName('checkpoints', 'checkpoints/a.safetensors'), [], 'with a category: by name only');
  assert.deepEqual(s.byFilename('a.SAFETENSORS').length, 3);
  assert.deepEqual(s.byHash('00000000000000AA').map((l) => l.category), ['loras', 'checkpoints']);
  assert.equal(s.modelCount, 2);
  assert.deepEqual(s.duplicates().map((d) => d.length), [2]);
});

test('the index host announces an index change once the snapshot is warmed up, keeping unchanged categories', async () => {
  const dir = tempDir('cm-warm-');
  const models = join(dir, 'models');
  writeFile(join(models, 'checkpoints/base.safetensors'), 'checkpoint');
  writeFile(join(models, 'loras/detail.safetensors'), 'lora');
  const service = new IndexHost({ version: 'test', defaultIndexPath: join(dir, 'index.db'), log: nullLogger, onChanged() {} });
  /** Resolves at the first announcement after which `ready` holds of the snapshot. */
  const announced = (ready: (s: IndexSnapshot) => boolean) =>
    new Promise<IndexSnapshot>((resolve) => {
      const sub = service.onDidChangeIndex(() => {
        const snapshot = service.query();
        if (!ready(snapshot)) return;
        sub.dispose();
        resolve(snapshot);
      });
    });
  try {
    const first = announced((s) => s.locations.length === 2);
    await service.configure(normalizeSettings({ modelDirectories: [models] }));
    const before = await first;
    assert.ok(before.prepared, 'lookups built before the listeners are told');
    const checkpoints = before.byCategory('checkpoints');
    const loras = before.byCategory('loras');

    const second = announced((s) => s.byCategory('loras').length === 2);
    writeFile(join(models, 'loras/style.safetensors'), 'another lora');
    await service.sync();
    const after = await second;
    assert.notEqual(after, before);
    assert.ok(after.prepared);
    assert.equal(after.byCategory('checkpoints'), checkpoints, 'unchanged: the same array');
    assert.notEqual(after.byCategory('loras'), loras);
  } finally {
    service.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
