// `comfy-models mv`: a model renamed inside its root with its sidecars, the three workflows that use it
// rewritten token by token, the manifest entry's path, the index row moved without hashing; the
// refusals change nothing. Real files, a real index, the CLI in-process.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/files';
import { makeRenameWorkspace, type RenameWorkspace } from '../helpers/renameWorkspace';

const opts = (w: RenameWorkspace) => ['--index', join(w.dir, 'index.sqlite'), '--models-dir', w.models, '--project', w.ws];

function snapshotTexts(w: RenameWorkspace): Map<string, string> {
  return new Map([...Object.values(w.workflows), w.manifest].map((p) => [p, readFileSync(p, 'utf8')]));
}

test('mv --dry-run --json lists every file and span it would change, and changes nothing', async () => {
  const w = await makeRenameWorkspace(tempDir('cm-mv-dry-'));
  const before = snapshotTexts(w);
  const r = await cli(w.ws, ...opts(w), 'mv', 'styles/old.safetensors', 'styles/new.safetensors', '--dry-run', '--json');
  assert.equal(r.code, 0, r.stderr);
  const out = r.json() as {
    dryRun: boolean; model: { from: string; to: string }; sidecars: { from: string; to: string }[];
    workflows: { path: string; changes: { offset: number; length: number; from: string; to: string }[] }[]; manifests: { path: string }[];
  };
  assert.equal(out.dryRun, true);
  assert.deepEqual(out.model, { from: w.lora, to: join(w.models, 'loras/styles/new.safetensors') });
  assert.deepEqual(out.sidecars.map((s) => [s.from.slice(w.models.length), s.to.slice(w.models.length)]).sort(), [
    ['/loras/styles/old.civitai.info', '/loras/styles/new.civitai.info'],
    ['/loras/styles/old.preview.png', '/loras/styles/new.preview.png'],
  ]);
  const changes = out.workflows.map((x) => [x.path, x.changes.map((c) => [before.get(x.path)!.slice(c.offset, c.offset + c.length), c.from, c.to])]).sort();
  assert.deepEqual(changes, [
    [w.workflows.api, [['styles/old.safetensors', 'styles/old.safetensors', 'styles/new.safetensors']]],
    [w.workflows.backslash, [['styles\\\\old.safetensors', 'styles\\old.safetensors', 'styles\\new.safetensors']]],
    [w.workflows.subgraph, [['styles/old.safetensors', 'styles/old.safetensors', 'styles/new.safetensors']]],
  ]);
  assert.deepEqual(out.manifests.map((m) => m.path), [w.manifest]);
  assert.ok(existsSync(w.lora));
  assert.deepEqual(snapshotTexts(w), before);
});

test('mv moves the file and its sidecars, rewrites exactly the three tokens and the manifest path, and the index follows unhashed', async () => {
  const w = await makeRenameWorkspace(tempDir('cm-mv-real-'));
  const before = snapshotTexts(w);
  const r = await cli(w.ws, ...opts(w), 'mv', 'styles/old.safetensors', 'styles/new.safetensors', '--json');
  assert.equal(r.code, 0, r.stderr);
  const styles = join(w.models, 'loras', 'styles');
  assert.ok(!existsSync(w.lora));
  assert.ok(existsSync(join(styles, 'new.safetensors')));
  assert.ok(existsSync(join(styles, 'new.civitai.info')) && existsSync(join(styles, 'new.preview.png')));
  assert.ok(existsSync(join(styles, 'older.preview.png')), 'another model’s preview stays');
  const expect = (path: string, from: string, to: string) => {
    const old = before.get(path)!;
    assert.equal(old.split(from).length, 2, `one token ${from} in ${path}`);
    assert.equal(readFileSync(path, 'utf8'), old.replace(from, to));
  };
  expect(w.workflows.backslash, '"styles\\\\old.safetensors"', '"styles\\\\new.safetensors"');
  expect(w.workflows.api, '"styles/old.safetensors"', '"styles/new.safetensors"');
  expect(w.workflows.subgraph, '"styles/old.safetensors"', '"styles/new.safetensors"');
  assert.equal(readFileSync(w.workflows.sameBasename, 'utf8'), before.get(w.workflows.sameBasename), 'another file with the same basename is not touched');
  assert.equal(
    readFileSync(w.manifest, 'utf8'),
    before.get(w.manifest)!.replace('filename = "old.safetensors"', 'filename = "new.safetensors"').replace('"loras/styles/old.safetensors"', '"loras/styles/new.safetensors"'),
  );
  const sync = await cli(w.ws, ...opts(w), 'index', 'sync', '--json');
  assert.deepEqual([sync.json().hashed, sync.json().removed], [0, 0], 'the index already has the new place');
  const check = await cli(w.ws, ...opts(w), 'check', w.workflows.api, '--json');
  assert.equal(check.code, 0, check.stdout);
  assert.equal(check.json().workflows[0].references[0].hash, w.hash);
});

test('mv refuses a target that exists, a path leaving the root, another extension, an unknown model — nothing changes', async () => {
  const w = await makeRenameWorkspace(tempDir('cm-mv-refuse-'));
  const before = snapshotTexts(w);
  const cases: [string, string, RegExp][] = [
    ['styles/old.safetensors', 'other/old.safetensors', /already exists/],
    ['styles/old.safetensors', '../checkpoints/x.safetensors', /'\.\.' segment/],
    ['styles/old.safetensors', 'styles/new.ckpt', /does not end with '\.safetensors'/],
    ['styles/old.safetensors', '/tmp/x.safetensors', /absolute path/],
    ['nothing.safetensors', 'x.safetensors', /no indexed model is named/],
    ['old.safetensors', 'x.safetensors', /names 2 files/],
  ];
  for (const [model, name, message] of cases) {
    const r = await cli(w.ws, ...opts(w), 'mv', model, name);
    assert.equal(r.code, 2, `${model} → ${name}: ${r.stdout}`);
    assert.match(r.stderr, message);
  }
  assert.ok(existsSync(w.lora));
  assert.deepEqual(snapshotTexts(w), before);
});

test('a model moved by hand is followed by the next sync without hashing it again', async () => {
  const w = await makeRenameWorkspace(tempDir('cm-mv-hand-'));
  assert.equal((await cli(w.ws, ...opts(w), 'index', 'sync', '--json')).json().hashed, 2);
  renameSync(w.lora, join(w.models, 'loras', 'moved.safetensors'));
  const sync = (await cli(w.ws, ...opts(w), 'index', 'sync', '--json')).json() as { hashed: number; moved: number; removed: number };
  assert.deepEqual([sync.hashed, sync.moved, sync.removed], [0, 1, 0]);
  const check = await cli(w.ws, ...opts(w), 'index', 'find', 'moved', '--json');
  assert.match(check.stdout, new RegExp(w.hash));
});
