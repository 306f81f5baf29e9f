import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli';
import { tempDir, writeFile, writePatternFile } from '../helpers/files';


function library() {
  const dir = tempDir('cm-cli-');
  const models = join(dir, 'models');
  writeFile(join(models, 'checkpoints/sd15.safetensors'), 'checkpoint bytes');
  writeFile(join(models, 'loras/a.safetensors'), 'same lora');
  writeFile(join(models, 'loras/copy/a.safetensors'), 'same lora');
  writeFile(join(models, 'clip/t5.safetensors'), 't5 bytes');
  return { dir, models, index: join(dir, 'index.sqlite') };
}

test('hash prints quick hashes (and with --full both full hashes) in the DESIGN §12 shape', async () => {
  const dir = tempDir('cm-cli-');
  writePatternFile(join(dir, 'p1000.bin'), 1000);
  const r = await cli(dir, 'hash', 'p1000.bin', '--json', '--full');
  assert.equal(r.code, 0);
  assert.deepEqual(r.json(), [{ path: join(dir, 'p1000.bin'), size: 1000, quickHash: '43b58e2f2f386e8a', blake3: 'b43670a52d1af24abdac5d2c3ed19ff4e62b60a618e823ad555888b1b0b91cff', sha256: r.json()[0].sha256 }]);
  assert.match(r.json()[0].sha256, /^[0-9a-f]{64}$/);
  const quick = await cli(dir, 'hash', 'p1000.bin');
  assert.equal(quick.stdout, `43b58e2f2f386e8a  1000  ${join(dir, 'p1000.bin')}\n`);
  const missing = await cli(dir, 'hash', 'p1000.bin', 'nope.bin', '--json');
  assert.equal(missing.code, 2);
  assert.equal(missing.json().length, 1);
  assert.match(missing.stderr, /nope\.bin/);
  assert.equal((await cli(dir, 'hash')).code, 2);
});

test('index sync / status / list / find over --models-dir', async () => {
  const { dir, models, index } = library();
  const sync = await cli(dir, '--index', index, '--models-dir', models, 'index', 'sync', '--json');
  assert.equal(sync.code, 0, sync.stderr);
  const s = sync.json();
  assert.deepEqual(Object.keys(s).sort(), ['hashed', 'models', 'moved', 'removed', 'scanned', 'seconds', 'unchanged']);
  assert.deepEqual([s.scanned, s.hashed, s.unchanged, s.removed, s.models], [4, 4, 0, 0, 3]);
  const again = (await cli(dir, '--index', index, '--models-dir', models, 'index', 'sync', '--json')).json();
  assert.deepEqual([again.hashed, again.unchanged], [0, 4]);

  const status = (await cli(dir, '--index', index, '--models-dir', models, 'index', 'status', '--json')).json();
  assert.deepEqual([status.models, status.locations], [3, 4]);

  const list = (await cli(dir, '--index', index, '--models-dir', models, 'index', 'list', '--category', 'clip', '--json')).json();
  assert.deepEqual(list, [{ hash: list[0].hash, filename: 't5.safetensors', category: 'text_encoders', relativePath: 'clip/t5.safetensors', root: models, size: 8, sources: [] }]);
  const dups = (await cli(dir, '--index', index, '--models-dir', models, 'index', 'list', '--duplicates', '--json')).json();
  assert.equal(dups.length, 1);
  assert.deepEqual(dups[0].locations.map((l: { relativePath: string }) => l.relativePath).sort(), ['loras/a.safetensors', 'loras/copy/a.safetensors']);

  const find = (await cli(dir, '--index', index, '--models-dir', models, 'index', 'find', 'sd15', '--json')).json();
  assert.equal(find[0].relativePath, 'checkpoints/sd15.safetensors');
  const text = await cli(dir, '--index', index, '--models-dir', models, 'index', 'list');
  assert.match(text.stdout, /text_encoders {2}clip\/t5\.safetensors/);
});

test('dir add / list / remove remember roots in the index; index sync then needs no --models-dir', async () => {
  const { dir, models, index } = library();
  assert.equal((await cli(dir, '--index', index, 'index', 'sync')).code, 2, 'no roots yet');
  assert.equal((await cli(dir, '--index', index, 'dir', 'add', 'models')).code, 0);
  assert.deepEqual((await cli(dir, '--index', index, 'dir', 'list', '--json')).json(), [{ path: models, category: null }]);
  assert.equal((await cli(dir, '--index', index, 'index', 'sync', '--json')).json().scanned, 4);
  assert.equal((await cli(dir, '--index', index, 'dir', 'add', 'no-such-dir')).code, 2);
  assert.equal((await cli(dir, '--index', index, 'dir', 'remove', 'elsewhere')).code, 2);
  assert.equal((await cli(dir, '--index', index, 'dir', 'remove', models)).code, 0);
  assert.deepEqual((await cli(dir, '--index', index, 'dir', 'list', '--json')).json(), []);
  assert.equal((await cli(dir, '--index', index, 'dir')).code, 2);
});

test('the bundled CLI (server/dist/cli.js) hashes and syncs with its worker beside it', { timeout: 120_000 }, () => {
  // The bundles come from the build step of `npm test` (test/run.mjs): rebuilding them here would
  // rewrite cli.js under the feet of other test files running at the same time.
  const repo = join(__dirname, '..', '..', '..');
  const cliJs = join(repo, 'server', 'dist', 'cli.js');
  assert.ok(existsSync(join(repo, 'server', 'dist', 'hashWorker.js')));
  const { dir, models, index } = library();
  for (let i = 0; i < 10; i++) writeFile(join(models, `loras/many/${i}.safetensors`), `lora ${i}`);
  mkdirSync(join(dir, 'cwd'));
  const r = spawnSync(process.execPath, [cliJs, '--index', index, '--models-dir', models, 'index', 'sync', '--json'], { cwd: join(dir, 'cwd'), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).hashed, 14);
  writePatternFile(join(dir, 'p.bin'), 31457281);
  const h = spawnSync(process.execPath, [cliJs, 'hash', join(dir, 'p.bin'), '--json'], { encoding: 'utf8' });
  assert.equal(JSON.parse(h.stdout)[0].quickHash, 'b5bde378252d2825');
});
