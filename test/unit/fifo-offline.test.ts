// FIFOs where files should be, and model folders that go away (issue 13): nothing hangs, nothing is
// dropped from the index because a drive is unplugged.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { quickHashFile } from '../../server/src/core/hash/quickHash';
import { IndexStore } from '../../server/src/core/index/store';
import { syncRoots } from '../../server/src/core/index/sync';
import { cli } from '../helpers/cli';
import { tempDir, writeFile } from '../helpers/files';

const mkfifo = (path: string) => execFileSync('mkfifo', [path]);

test('hash, refs and check on a FIFO answer at once with a clear error (exit 2)', { timeout: 30_000 }, async () => {
  const dir = tempDir('cm-fifo-');
  const fifo = join(dir, 'pipe.safetensors');
  mkfifo(fifo);
  const h = await cli(dir, 'hash', fifo);
  assert.equal(h.code, 2);
  assert.match(h.stderr, /not a regular file/);
  const wf = join(dir, 'wf.json');
  mkfifo(wf);
  const r = await cli(dir, '--index', join(dir, 'i.sqlite'), 'refs', wf);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not a regular file/);
  const c = await cli(dir, '--index', join(dir, 'i.sqlite'), 'check', wf);
  assert.equal(c.code, 2);
  assert.match(c.stdout + c.stderr, /not a regular file/);
});

test('a model file swapped for a FIFO after the scan is skipped with a warning; the sync finishes', { timeout: 30_000 }, async () => {
  const dir = tempDir('cm-fifo-');
  const model = join(dir, 'models/loras/a.safetensors');
  writeFile(model, 'a');
  rmSync(model);
  mkfifo(model);
  // The scan sees a FIFO and skips it; the hash of a path that became one must not block either.
  await assert.rejects(quickHashFile(model), /not a regular file/);
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  const report = await syncRoots(store, [{ path: join(dir, 'models'), category: null, origin: 'test' }]);
  assert.equal(report.hashed, 0);
  assert.ok(report.warnings.some((w) => /not a regular file/.test(w)), report.warnings.join('\n'));
  store.close();
});

test('refs on a missing file exits 2 naming the file', async () => {
  const dir = tempDir('cm-fifo-');
  const r = await cli(dir, 'refs', 'nope.json');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nope\.json/);
});

test('a model folder that vanishes or becomes unreadable keeps its rows, with a warning (offline)', async () => {
  const dir = tempDir('cm-offline-');
  const models = join(dir, 'models');
  writeFile(join(models, 'loras/a.safetensors'), 'a');
  writeFile(join(models, 'checkpoints/b.safetensors'), 'b');
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  const root = { path: models, category: null, origin: 'test' };
  await syncRoots(store, [root]);
  assert.equal(store.snapshot().locations.length, 2);

  renameSync(models, join(dir, 'unplugged'));
  const gone = await syncRoots(store, [root]);
  assert.equal(store.snapshot().locations.length, 2, 'rows of a vanished root are kept');
  assert.equal(gone.removed, 0);
  assert.deepEqual(gone.offlineRoots, [models]);
  assert.ok(gone.warnings.some((w) => w.includes(models) && /offline/.test(w)), gone.warnings.join('\n'));

  renameSync(join(dir, 'unplugged'), models);
  if (process.getuid?.() !== 0) {
    chmodSync(join(models, 'loras'), 0o000); // an unreadable subfolder keeps its rows too
    const locked = await syncRoots(store, [root]);
    chmodSync(join(models, 'loras'), 0o755);
    assert.equal(store.snapshot().locations.length, 2, 'rows under an unreadable folder are kept');
    assert.equal(locked.removed, 0);
  }
  mkdirSync(join(models, 'vae'));
  const back = await syncRoots(store, [root]);
  assert.deepEqual(back.offlineRoots, []);
  rmSync(join(models, 'loras/a.safetensors'));
  const removed = await syncRoots(store, [root]);
  assert.equal(removed.removed, 1, 'a file that is really gone from a readable folder still goes');
  store.close();
});
