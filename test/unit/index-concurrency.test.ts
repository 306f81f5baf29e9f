import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IndexStore } from '../../server/src/core/index/store';
import { tempDir } from '../helpers/files';
import { lineFrom } from '../helpers/childOutput';

const childJs = join(__dirname, '..', 'helpers', 'syncChild.js');

test('two processes syncing different roots into one index file lose nothing (and keep existing sources)', async () => {
  const dir = tempDir('cm-two-');
  const indexPath = join(dir, 'index.sqlite');
  const seed = await IndexStore.open(indexPath);
  seed.apply([
    { op: 'model', hash: '0123456789abcdef', algorithm: 'blake3-sample-v1', size: 1, firstSeen: 1 },
    { op: 'source', hash: '0123456789abcdef', source: { type: 'huggingface', url: 'https://huggingface.co/x/y/resolve/main/z.safetensors' }, addedAt: 1 },
  ]);
  await seed.save();
  seed.close();

  const roots = ['a', 'b'].map((n) => join(dir, n));
  roots.forEach((r) => mkdirSync(r));
  const rounds = 4;
  const perRound = 5;
  const children = roots.map((r) => spawn(process.execPath, [childJs, indexPath, r, String(rounds), String(perRound)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  // Both load the same file before either saves, so every save after the first must merge.
  await Promise.all(children.map((c) => lineFrom(c, 'ready')));
  const finished = children.map((c) => lineFrom(c, 'done'));
  children.forEach((c) => c.stdin!.write('go\n'));
  await Promise.all(finished);
  await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)));
  assert.deepEqual(children.map((c) => c.exitCode), [0, 0]);

  const store = await IndexStore.open(indexPath);
  const snap = store.snapshot();
  for (const r of roots) assert.equal(snap.locations.filter((l) => l.root === r).length, rounds * perRound, `all files of ${r}`);
  assert.equal(store.sources('0123456789abcdef').length, 1);
});
