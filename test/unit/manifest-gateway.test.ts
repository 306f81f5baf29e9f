// The manifest gateway (core/manifest/file.ts) as the bundled CLI uses it, in real processes on real
// files: `export` on a symlinked, mode-600 pyproject.toml with a byte order mark keeps the link, the mode
// and the mark; a `model add` that lands while `export --full-hashes` is computing is not overwritten.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { withFileLock } from '../../server/src/core/index/lock';
import { readManifest } from '../../server/src/core/manifest/read';
import { tempDir, writeFile } from '../helpers/files';

const CLI = join(__dirname, '../../../server/dist/cli.js');
const tmp = tempDir('cm-gateway-');
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(cwd: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, COMFY_MODELS_INDEX: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** A library of two models, indexed, and a project; `run` passes the global options. */
async function setup(name: string) {
  const dir = join(tmp, name);
  const models = join(dir, 'models');
  const project = join(dir, 'project');
  writeFile(join(models, 'checkpoints/base.safetensors'), Buffer.alloc(30_000, 'base checkpoint '));
  writeFile(join(models, 'loras/style.safetensors'), Buffer.alloc(20_001, 'style lora '));
  mkdirSync(project, { recursive: true });
  const index = join(dir, 'index.sqlite');
  const run = async (...args: string[]) => {
    const result = await cli(project, ['--index', index, '--models-dir', models, '--project', project, ...args]);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
    return result;
  };
  await run('index', 'sync');
  return { dir, project, index, models, run };
}

test('export on a symlinked mode-600 pyproject.toml with a BOM keeps the link, the mode and the BOM', async () => {
  const { dir, project, run } = await setup('symlink');
  await run('model', 'add', 'base.safetensors');
  // The real file lives elsewhere (a dotfiles folder); the project holds a link to it.
  const real = join(dir, 'dotfiles/pyproject.toml');
  mkdirSync(dirname(real), { recursive: true });
  writeFileSync(real, '\uFEFF' + readFileSync(join(project, 'pyproject.toml'), 'utf8'));
  rmSync(join(project, 'pyproject.toml'));
  symlinkSync(real, join(project, 'pyproject.toml'));
  chmodSync(real, 0o600);

  const exported = await run('export', '--full-hashes');
  assert.match(exported.stdout, /updated/);

  assert.ok(lstatSync(join(project, 'pyproject.toml')).isSymbolicLink(), 'the link is still a link');
  assert.equal(statSync(real).mode & 0o777, 0o600, 'the mode is kept');
  const bytes = readFileSync(real);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the byte order mark is kept');
  const manifest = readManifest(bytes.toString('utf8').slice(1));
  assert.deepEqual(manifest.problems, []);
  assert.equal(manifest.models.length, 1);
  assert.match(manifest.models[0].sha256 ?? '', /^[0-9a-f]{64}$/, 'the export wrote the full hash into the real file');
});

test('a model add that lands while export --full-hashes computes is kept', async () => {
  const { index, project, run, dir } = await setup('concurrent');
  await run('model', 'add', 'base.safetensors');

  // Another process holds the index: export computes the full hashes, then waits to record them.
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked = () => {};
  const lockHeld = new Promise<void>((resolve) => (locked = resolve));
  const holding = withFileLock(index, () => {
    locked();
    return held;
  });
  await lockHeld;

  // The export process trying the index lock means it has read the manifest and computed its export.
  let exportWaits = () => {};
  const waiting = new Promise<void>((resolve) => (exportWaits = resolve));
  let exportPid = -1;
  const watcher = watch(dirname(index), (_event, file) => {
    if (file?.startsWith(`${basename(index)}.lock.${exportPid}.`)) exportWaits();
  });
  const models = join(dir, 'models');
  const exporting = spawn(process.execPath, [CLI, '--index', index, '--models-dir', models, '--project', project, 'export', '--full-hashes'], {
    cwd: project,
    env: { ...process.env, COMFY_MODELS_INDEX: '' },
  });
  exportPid = exporting.pid ?? -1;
  let exportErr = '';
  exporting.stderr.on('data', (d: Buffer) => (exportErr += d.toString()));
  const exited = new Promise<number>((resolve) => exporting.on('close', (code) => resolve(code ?? 1)));
  await waiting;
  watcher.close();

  await run('model', 'add', 'style.safetensors');
  release();
  await holding;
  assert.equal(await exited, 0, exportErr);

  const manifest = readManifest(readFileSync(join(project, 'pyproject.toml'), 'utf8'));
  assert.deepEqual(manifest.problems, []);
  assert.deepEqual(manifest.models.map((m) => m.filename).sort(), ['base.safetensors', 'style.safetensors'], 'the model added during the export is still there');
  const base = manifest.models.find((m) => m.filename === 'base.safetensors');
  assert.match(base?.sha256 ?? '', /^[0-9a-f]{64}$/, 'and the export filled the full hash');
});
