// Hostile index files (issue 13): a folder, another program's database, a corrupt interior page, several
// processes opening one corrupt file at once, a broken lock file. Nothing of the user's is renamed or
// changed, nothing hangs, no rows are lost.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { withFileLock } from '../../server/src/core/index/lock';
import { sqlite } from '../../server/src/core/index/sqlite';
import { IndexStore } from '../../server/src/core/index/store';
import { syncRoots } from '../../server/src/core/index/sync';
import { cli } from '../helpers/cli';
import { tempDir, writeFile } from '../helpers/files';
import { lineFrom } from '../helpers/childOutput';

const childJs = join(__dirname, '..', 'helpers', 'syncChild.js');

test('--index naming a folder: exit 2, the folder is neither renamed nor touched', async () => {
  const dir = tempDir('cm-ih-');
  const folder = join(dir, 'my-folder');
  writeFile(join(folder, 'keep.txt'), 'mine');
  const r = await cli(dir, '--index', folder, 'index', 'list');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is not a file/);
  assert.ok(statSync(folder).isDirectory());
  assert.equal(readFileSync(join(folder, 'keep.txt'), 'utf8'), 'mine');
  assert.deepEqual(readdirSync(dir), ['my-folder']);
});

test("another program's SQLite database as --index: refused (exit 2), its bytes unchanged", async () => {
  const dir = tempDir('cm-ih-');
  const path = join(dir, 'app.db');
  const SQL = await sqlite();
  const db = new SQL.Database();
  db.run('CREATE TABLE users (name TEXT); INSERT INTO users VALUES (\'ann\')');
  writeFileSync(path, db.export());
  db.close();
  const before = readFileSync(path);
  const r = await cli(dir, '--index', path, '--models-dir', join(dir, 'models'), 'index', 'sync');
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not a Comfy Models index/);
  assert.deepEqual(readFileSync(path), before);
  assert.deepEqual(readdirSync(dir), ['app.db']);
});

test('our own index written before the application id existed is still opened, rows kept', async () => {
  const dir = tempDir('cm-ih-');
  const path = join(dir, 'index.sqlite');
  writeFile(join(dir, 'models/loras/a.safetensors'), 'a');
  const store = await IndexStore.open(path);
  await syncRoots(store, [{ path: join(dir, 'models'), category: null, origin: 'test' }]);
  store.close();
  const SQL = await sqlite();
  const db = new SQL.Database(readFileSync(path));
  db.run('PRAGMA application_id = 0');
  writeFileSync(path, db.export());
  db.close();
  const again = await IndexStore.open(path);
  assert.equal(again.message, undefined);
  assert.equal(again.snapshot().locations.length, 1);
  again.close();
});

/** An index with many rows whose model_locations b-tree root page is overwritten with garbage. */
async function indexWithCorruptInteriorPage(dir: string): Promise<string> {
  const path = join(dir, 'index.sqlite');
  const store = await IndexStore.open(path);
  const ops = [];
  for (let i = 0; i < 3000; i++) {
    const hash = i.toString(16).padStart(16, '0');
    ops.push({ op: 'model' as const, hash, algorithm: 'blake3-sample-v1', size: i, firstSeen: 1 });
    ops.push({ op: 'locate' as const, location: { hash, root: '/r', rootCategory: null, relativePath: `loras/f${i}.safetensors`, name: `f${i}.safetensors`, filename: `f${i}.safetensors`, category: 'loras', size: i, mtimeMs: 1 }, lastSeen: 1 });
  }
  store.apply(ops);
  await store.save();
  store.close();
  const SQL = await sqlite();
  const bytes = readFileSync(path);
  const db = new SQL.Database(bytes);
  const root = Number(db.exec(`SELECT rootpage FROM sqlite_master WHERE name = 'model_locations'`)[0].values[0][0]);
  const pageSize = Number(db.exec('PRAGMA page_size')[0].values[0][0]);
  db.close();
  bytes.fill(0x5a, (root - 1) * pageSize, root * pageSize);
  writeFileSync(path, bytes);
  return path;
}

test('a corrupt interior page: set aside once with a message, rebuilt, the next command is quiet', async () => {
  const dir = tempDir('cm-ih-');
  const path = await indexWithCorruptInteriorPage(dir);
  writeFile(join(dir, 'models/loras/a.safetensors'), 'a');
  const first = await cli(dir, '--index', path, '--models-dir', join(dir, 'models'), 'index', 'sync');
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stderr.match(/could not be read.*corrupt-/g)?.length, 1, first.stderr);
  const second = await cli(dir, '--index', path, '--models-dir', join(dir, 'models'), 'index', 'list', '--json');
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stderr, '');
  assert.equal(second.json().length, 1);
  assert.equal(readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 1);
});

test('four processes opening one corrupt index at once: none fails, every row of every process is kept', { timeout: 120_000 }, async () => {
  const dir = tempDir('cm-ih-');
  const path = join(dir, 'index.sqlite');
  writeFileSync(path, 'this is not a database at all, just some garbage bytes '.repeat(100));
  const roots = ['a', 'b', 'c', 'd'].map((n) => join(dir, n));
  roots.forEach((r) => mkdirSync(r));
  const children = roots.map((r) => spawn(process.execPath, [childJs, path, r, '1', '3'], { stdio: ['pipe', 'pipe', 'pipe'] }));
  let stderr = '';
  children.forEach((c) => c.stderr!.on('data', (d) => (stderr += d)));
  await Promise.all(children.map((c) => lineFrom(c, 'ready')));
  const finished = children.map((c) => lineFrom(c, 'done'));
  children.forEach((c) => c.stdin!.write('go\n'));
  await Promise.all(finished);
  await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : undefined)));
  assert.deepEqual(children.map((c) => c.exitCode), [0, 0, 0, 0], stderr);
  const store = await IndexStore.open(path);
  for (const r of roots) assert.equal(store.snapshot().locations.filter((l) => l.root === r).length, 3, `rows of ${r}`);
  store.close();
  assert.equal(readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 1, 'set aside once');
});

for (const [what, content] of [['an empty', ''], ['a garbage', 'not a pid\n']] as const) {
  test(`${what} lock file names no live holder: broken at once, nobody waits`, { timeout: 20_000 }, async () => {
    const index = join(tempDir('cm-ih-'), 'index.sqlite');
    writeFileSync(`${index}.lock`, content);
    let waited = false;
    assert.equal(await withFileLock(index, async () => 'ran', () => void (waited = true)), 'ran');
    assert.equal(waited, false);
    assert.equal(existsSync(`${index}.lock`), false);
  });
}

test('a failed save names the index file, not the temp file it writes first', async () => {
  const dir = tempDir('cm-ih-');
  const path = join(dir, 'index.sqlite');
  const store = await IndexStore.open(path);
  store.apply([{ op: 'model', hash: '0123456789abcdef', algorithm: 'blake3-sample-v1', size: 1, firstSeen: 1 }]);
  mkdirSync(`${path}.tmp-${process.pid}`); // the temp file's place is taken: the write fails
  await assert.rejects(store.save(), (err: Error) => err.message.includes(`model index ${path}:`) && !err.message.includes('.tmp-'));
  store.close();
});
