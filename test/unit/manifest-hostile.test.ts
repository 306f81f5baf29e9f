// Hostile pyproject.toml files and concurrent writers (issue 13): nothing the user wrote is lost.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, linkSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../server/src/core/manifest/file';
import { readManifest } from '../../server/src/core/manifest/read';
import { cli } from '../helpers/cli';
import { tempDir, writeFile } from '../helpers/files';

const CLI_JS = join(__dirname, '..', '..', 'server', 'src', 'cli.js');

function setup(loras = 1) {
  const dir = tempDir('cm-mh-');
  const models = join(dir, 'models');
  const project = join(dir, 'project');
  for (let i = 0; i < loras; i++) writeFile(join(models, `loras/l${i}.safetensors`), `lora ${i} bytes`);
  mkdirSync(project, { recursive: true });
  const globals = ['--index', join(dir, 'index.sqlite'), '--models-dir', models, '--project', project];
  const run = (...argv: string[]) => cli(project, ...globals, ...argv);
  return { dir, project, manifest: join(project, 'pyproject.toml'), globals, run };
}

/** The CLI as a separate process (tsc output), so writers really run concurrently. */
function spawnCli(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_JS, ...args], { cwd }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('six concurrent `model add` processes on one pyproject.toml: all six entries are in the file', { timeout: 120_000 }, async () => {
  const n = 6;
  const { project, manifest, globals, run } = setup(n);
  writeFileSync(manifest, '[project]\nname = "demo"\n');
  assert.equal((await run('index', 'sync')).code, 0); // hashes once, so the writers race on the manifest
  const results = await Promise.all(Array.from({ length: n }, (_, i) => spawnCli(project, [...globals, 'model', 'add', `l${i}.safetensors`])));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const m = readManifest(readFileSync(manifest, 'utf8'));
  assert.deepEqual(m.problems, []);
  assert.deepEqual(m.models.map((x) => x.filename).sort(), Array.from({ length: n }, (_, i) => `l${i}.safetensors`));
  assert.match(readFileSync(manifest, 'utf8'), /^\[project\]\nname = "demo"\n/);
});

test('invalid UTF-8 in pyproject.toml: the edit is refused with a clear message and no byte changes', async () => {
  const { manifest, run } = setup();
  const bytes = Buffer.concat([Buffer.from('[project]\nname = "demo"\n# caf'), Buffer.from([0xe9, 0xff]), Buffer.from(' latin-1 comment\n')]);
  writeFileSync(manifest, bytes);
  const r = await run('model', 'add', 'l0.safetensors');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not valid UTF-8/);
  assert.match(r.stderr, /pyproject\.toml/);
  assert.deepEqual(readFileSync(manifest), bytes);
});

test('a symlinked pyproject.toml: the target is edited, the link stays, the mode is kept', async () => {
  const { dir, manifest, run } = setup();
  const target = join(dir, 'elsewhere', 'pyproject.toml');
  writeFile(target, '[project]\nname = "demo"\n');
  chmodSync(target, 0o600);
  symlinkSync(target, manifest);
  const r = await run('model', 'add', 'l0.safetensors');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(lstatSync(manifest).isSymbolicLink(), 'the link is still a link');
  assert.equal(readManifest(readFileSync(target, 'utf8')).models.length, 1);
  assert.equal(statSync(target).mode & 0o777, 0o600);
});

test('a hard-linked pyproject.toml: the edit says the other link keeps the old text', async () => {
  const { dir, manifest, run } = setup();
  writeFileSync(manifest, '[project]\nname = "demo"\n');
  linkSync(manifest, join(dir, 'other-link.toml'));
  const r = await run('model', 'add', 'l0.safetensors');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /hard link/);
  assert.equal(readManifest(readFileSync(manifest, 'utf8')).models.length, 1);
});

test('a UTF-8 BOM at the start of pyproject.toml is accepted and kept', async () => {
  const { manifest, run } = setup();
  writeFileSync(manifest, '\uFEFF[project]\nname = "demo"\n');
  const r = await run('model', 'add', 'l0.safetensors');
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(manifest, 'utf8');
  assert.ok(text.startsWith('\uFEFF[project]\nname = "demo"\n'), JSON.stringify(text.slice(0, 20)));
  assert.equal(readManifest(text.slice(1)).models.length, 1);
  assert.equal((await run('model', 'list', '--json')).json().required.length, 1);
});

test('a folder or a FIFO where pyproject.toml should be: exit 2 with a clear message, no errno, no hang', async () => {
  const { manifest, run } = setup();
  mkdirSync(manifest);
  const dirResult = await run('model', 'add', 'l0.safetensors');
  assert.equal(dirResult.code, 2);
  assert.match(dirResult.stderr, /pyproject\.toml is not a regular file/);
  assert.doesNotMatch(dirResult.stderr, /EISDIR/);

  const other = setup();
  execFileSync('mkfifo', [other.manifest]);
  const fifoResult = await other.run('model', 'list');
  assert.equal(fifoResult.code, 2);
  assert.match(fifoResult.stderr, /pyproject\.toml is not a regular file/);
});

test('a failed manifest write names pyproject.toml, not the temp file', async () => {
  const path = join(tempDir('cm-mh-'), 'no-such-folder', 'pyproject.toml');
  await assert.rejects(writeFileAtomic(path, 'x'), (err: Error) => err.message === `cannot write ${path}: ENOENT`);
});
