import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IndexStore } from '../../server/src/core/index/store';
import { readManifest } from '../../server/src/core/manifest/read';
import { cli } from '../helpers/cli';
import { tempDir, writeFile } from '../helpers/files';
import { fixture } from './manifestFixtures';


/** A project folder, a model library and an index; `run` passes the global options. */
function setup() {
  const dir = tempDir('cm-model-');
  const models = join(dir, 'models');
  const project = join(dir, 'project');
  writeFile(join(models, 'checkpoints/sd15.safetensors'), 'checkpoint bytes');
  writeFile(join(models, 'loras/style/détail.safetensors'), 'lora bytes');
  writeFile(join(models, 'loras/other.safetensors'), 'other lora bytes');
  writeFile(join(models, 'vae/sd15.safetensors'), 'a vae with the same file name');
  writeFile(join(project, 'workflows/portrait.json'), JSON.stringify({
    nodes: [
      { id: 4, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['sd15.safetensors'] },
      { id: 9, type: 'LoraLoader', mode: 0, widgets_values: ['style/détail.safetensors', 1, 1] },
    ],
    links: [],
    version: 0.4,
  }));
  const run = (...argv: string[]) => cli(project, '--index', join(dir, 'index.sqlite'), '--models-dir', models, '--project', project, ...argv);
  return { dir, models, project, index: join(dir, 'index.sqlite'), manifest: join(project, 'pyproject.toml'), run };
}

test('model add by file name creates pyproject.toml; list shows it local; remove takes it out', async () => {
  const { run, manifest, models } = setup();
  const added = await run('model', 'add', 'style/détail.safetensors', '--json');
  assert.equal(added.code, 0, added.stderr);
  const m = readManifest(readFileSync(manifest, 'utf8'));
  assert.deepEqual(m.problems, []);
  assert.deepEqual(m.models.map((x) => [x.table, x.filename, x.category, x.relativePath, x.size]), [['required', 'détail.safetensors', 'loras', 'loras/style/détail.safetensors', 10]]);
  const hash = m.models[0].hash;
  assert.equal(added.json().hash, hash);

  const listed = await run('model', 'list', '--json');
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(listed.json(), {
    required: [{ hash, filename: 'détail.safetensors', category: 'loras', relativePath: 'loras/style/détail.safetensors', size: 10, local: true, sources: [] }],
    optional: [],
  });

  // The file disappears: the entry is no longer local.
  rmSync(join(models, 'loras/style/détail.safetensors'));
  assert.equal((await run('model', 'list', '--json')).json().required[0].local, false);

  const removed = await run('model', 'remove', hash.slice(0, 8));
  assert.equal(removed.code, 0, removed.stderr);
  assert.equal(readManifest(readFileSync(manifest, 'utf8')).models.length, 0);
  const again = await run('model', 'remove', hash);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /not in/);
});

test('model add keeps an existing pyproject.toml byte for byte outside the new entry, --optional goes to optional', async () => {
  const { run, manifest } = setup();
  const original = fixture('ours-full.toml');
  writeFileSync(manifest, original);
  const r = await run('model', 'add', 'other.safetensors', '--optional');
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(manifest, 'utf8');
  const inserted = text.length - original.length;
  const at = [...original].findIndex((c, i) => text[i] !== c);
  assert.equal(text.slice(0, at) + text.slice(at + inserted), original);
  assert.equal(readManifest(text).models.find((x) => x.filename === 'other.safetensors')!.table, 'optional');
});

test('model add: ambiguous names, unknown names, URLs without an indexed model → exit 2 with the reason', async () => {
  const { run, manifest } = setup();
  const ambiguous = await run('model', 'add', 'sd15.safetensors');
  assert.equal(ambiguous.code, 2);
  assert.match(ambiguous.stderr, /matches 2 models/);
  assert.match(ambiguous.stderr, /checkpoints\/sd15\.safetensors/);
  assert.match(ambiguous.stderr, /vae\/sd15\.safetensors/);
  const unknown = await run('model', 'add', 'nothing.safetensors');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no indexed model/);
  const url = await run('model', 'add', 'https://huggingface.co/a/b/resolve/main/x.safetensors');
  assert.equal(url.code, 2);
  assert.match(url.stderr, /download it first/);
  assert.equal(existsSync(manifest), false, 'nothing written');
  assert.equal((await run('model', 'frobnicate', 'x')).code, 2);
});

test('model add --workflow maps the references that resolve to the model', async () => {
  const { run, manifest, project } = setup();
  const r = await run('model', 'add', 'checkpoints/sd15.safetensors', '--workflow', join(project, 'workflows/portrait.json'), '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json().mappings, 1);
  const m = readManifest(readFileSync(manifest, 'utf8'));
  const wf = m.workflows.get('portrait')!;
  assert.equal(wf.path, 'workflows/portrait.json');
  assert.deepEqual([...wf.mappings].map(([ref, x]) => [ref, x.hash, x.nodes]), [['sd15.safetensors', m.models[0].hash, [{ nodeId: '4', widgetIndex: 0 }]]]);
  // Removing the model takes its mappings along.
  const removed = await run('model', 'remove', m.models[0].hash, '--json');
  assert.deepEqual(removed.json(), { hash: m.models[0].hash, mappings: 1 });
  assert.equal(readManifest(readFileSync(manifest, 'utf8')).workflows.get('portrait')!.mappings.size, 0);
});

test('a malformed pyproject.toml is reported and left untouched', async () => {
  const { run, manifest } = setup();
  const broken = fixture('malformed.toml');
  writeFileSync(manifest, broken);
  for (const argv of [['model', 'add', 'other.safetensors'], ['model', 'list'], ['model', 'remove', '0123456789abcdef']]) {
    const r = await run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.stderr, /TOML syntax error/);
  }
  assert.equal(readFileSync(manifest, 'utf8'), broken);
});

test('model list marks hostile entries unsafe and shows download sources of missing models', async () => {
  const { run, manifest } = setup();
  writeFileSync(manifest, fixture('hostile.toml'));
  const r = await run('model', 'list', '--json');
  assert.equal(r.code, 0, r.stderr);
  const rows = r.json().required as { hash: string; unsafe?: boolean; local: boolean; sources: unknown[] }[];
  assert.deepEqual(rows.filter((x) => !x.unsafe).map((x) => x.hash), ['4444444444444444']);
  assert.deepEqual(rows.find((x) => x.hash === 'eeeeeeeeeeeeeeee')!.sources, []);
  assert.match(r.stderr, /etc\/passwd|'\.\.'/);
  const text = await run('model', 'list');
  assert.match(text.stdout, /download: https:\/\/example\.com\/good\.safetensors/);
});

test('model add <url> finds the indexed model with that source and records its sources', async () => {
  const { run, manifest, index } = setup();
  assert.equal((await run('index', 'sync')).code, 0);
  const url = 'https://civitai.com/api/download/models/155933';
  const store = await IndexStore.open(index);
  const hash = store.snapshot().locations.find((l) => l.filename === 'other.safetensors')!.hash;
  store.apply([{ op: 'source', hash, source: { type: 'civitai', url }, addedAt: Date.now() }]);
  await store.save();
  store.close();
  const r = await run('model', 'add', url);
  assert.equal(r.code, 0, r.stderr);
  const m = readManifest(readFileSync(manifest, 'utf8'));
  assert.deepEqual(m.models.map((x) => [x.hash, x.sources]), [[hash, [{ type: 'civitai', url }]]]);
});
