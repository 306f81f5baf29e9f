import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IndexStore } from '../../server/src/core/index/store';
import { syncRoots } from '../../server/src/core/index/sync';
import { findManifest, workflowKey, workflowRelativePath } from '../../server/src/core/manifest/discover';
import { editManifest } from '../../server/src/core/manifest/edit';
import { manifestModelStatus, workflowMappings } from '../../server/src/core/manifest/query';
import { readManifest } from '../../server/src/core/manifest/read';
import { resolveReferences } from '../../server/src/core/resolve';
import { applySplices } from '../../server/src/core/text';
import { parseWorkflow } from '../../server/src/core/workflow';
import { tempDir, writeFile } from '../helpers/files';
import { fixture } from './manifestFixtures';

test('findManifest: the nearest pyproject.toml at or above the workflow, never above the folder', () => {
  const ws = tempDir('cm-discover-');
  const wf = join(ws, 'envs/a/workflows/deep/x.json');
  writeFile(wf, '{}');
  assert.deepEqual(findManifest(wf, ws), { path: join(ws, 'pyproject.toml'), exists: false });
  writeFile(join(ws, 'pyproject.toml'), '');
  assert.deepEqual(findManifest(wf, ws), { path: join(ws, 'pyproject.toml'), exists: true });
  writeFile(join(ws, 'envs/a/pyproject.toml'), '');
  assert.deepEqual(findManifest(wf, ws), { path: join(ws, 'envs/a/pyproject.toml'), exists: true });
  // A pyproject.toml above the workspace folder is not ours.
  const inner = join(ws, 'envs/b');
  writeFile(join(inner, 'w.json'), '{}');
  assert.deepEqual(findManifest(join(inner, 'w.json'), inner), { path: join(inner, 'pyproject.toml'), exists: false });
  assert.equal(workflowRelativePath(join(ws, 'envs/a/pyproject.toml'), wf), 'workflows/deep/x.json');
});

test('workflowKey: the stem, or the path without .json when stems collide', () => {
  assert.equal(workflowKey('workflows/portrait.json', ['workflows/txt2img.json']), 'portrait');
  assert.equal(workflowKey('workflows/portrait.json', ['workflows/portrait.json']), 'portrait');
  assert.equal(workflowKey('a/portrait.json', ['b/portrait.json']), 'a/portrait');
  assert.equal(workflowKey('a\\portrait.JSON', ['b/portrait.json']), 'a/portrait');
});

test('workflowMappings: by key or path, only safe mappings to safe models', () => {
  const ours = readManifest(fixture('ours-full.toml'));
  const byKey = workflowMappings(ours, 'portrait');
  assert.deepEqual([...byKey], [['sd15-missing.safetensors', { hash: '9f2c51a0b7e4d3c1' }], ['style\\détail.safetensors', { hash: '0a1b2c3d4e5f6071' }]]);
  assert.deepEqual([...workflowMappings(ours, 'workflows/portrait.json')], [...byKey]);
  assert.equal(workflowMappings(ours, 'nope').size, 0);
  const hostile = readManifest(fixture('hostile.toml'));
  // evil → an unsafe model entry; badhash and unknown are unsafe mappings; orphan is safe (unknown hash).
  assert.deepEqual([...workflowMappings(hostile, 'w').keys()], ['good.safetensors', 'orphan.safetensors']);
  const comfygit = readManifest(fixture('comfygit.toml'));
  assert.deepEqual([...workflowMappings(comfygit, 'txt2img')], [['SD1.5/sd15.safetensors', { hash: 'f2d331535a62da4e' }]]);
});

/** A real index over a temp model folder. */
async function library(files: Record<string, string>) {
  const dir = tempDir('cm-mq-');
  const models = join(dir, 'models');
  for (const [p, content] of Object.entries(files)) writeFile(join(models, p), content);
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  const sync = () => syncRoots(store, [{ path: models, category: null, origin: 'test' }]);
  await sync();
  return { models, store, sync };
}

test('manifestModelStatus: local by quick hash, and mapped hashes missing from the models tables', async () => {
  const { store, models, sync } = await library({ 'checkpoints/base.safetensors': 'base model bytes' });
  try {
    const hash = store.snapshot().byCategory('checkpoints')[0].hash;
    let text = applySplices('', editManifest('', [
      { kind: 'add-model', table: 'required', model: { hash, filename: 'base.safetensors', category: 'checkpoints', relativePath: 'checkpoints/base.safetensors', size: 16, sources: [] } },
      { kind: 'add-model', table: 'optional', model: { hash: '0000000000000000', filename: 'gone.safetensors', category: 'loras', relativePath: 'loras/gone.safetensors', size: 1, sources: [] } },
    ]));
    text = applySplices(text, editManifest(text, [{ kind: 'add-mapping', mapping: { workflow: 'w', workflowPath: 'w.json', reference: 'x.safetensors', hash: '1111111111111111', nodes: [] } }]));
    const manifest = readManifest(text);
    const status = manifestModelStatus(manifest, store.snapshot());
    assert.deepEqual(status.models.map((s) => [s.model.hash, s.local]), [[hash, true], ['0000000000000000', false]]);
    assert.deepEqual(status.unknownMappedHashes.map((u) => [u.workflow, u.reference, u.hash, text.slice(u.span.offset, u.span.offset + u.span.length)]),
      [['w', 'x.safetensors', '1111111111111111', '1111111111111111']]);
    rmSync(join(models, 'checkpoints/base.safetensors'));
    await sync();
    assert.deepEqual(manifestModelStatus(manifest, store.snapshot()).models.map((s) => s.local), [false, false]);
  } finally {
    store.close();
  }
});

test('resolution: a mapping resolves a renamed model; deleting the file makes it mapped-model-gone', async () => {
  const { store, models, sync } = await library({ 'checkpoints/renamed by me.safetensors': 'the checkpoint' });
  try {
    const hash = store.snapshot().byCategory('checkpoints')[0].hash;
    const workflow = JSON.stringify({ nodes: [{ id: 4, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['original.safetensors'] }], links: [], version: 0.4 });
    const refs = parseWorkflow(workflow).references;
    const text = applySplices('', editManifest('', [
      { kind: 'add-model', table: 'required', model: { hash, filename: 'renamed by me.safetensors', category: 'checkpoints', relativePath: 'checkpoints/renamed by me.safetensors', size: 14, sources: [{ type: 'url', url: 'https://example.com/original.safetensors' }] } },
      { kind: 'add-mapping', mapping: { workflow: 'wf', workflowPath: 'wf.json', reference: 'original.safetensors', hash, nodes: [{ nodeId: '4', widgetIndex: 0 }] } },
    ]));
    const mappings = workflowMappings(readManifest(text), 'wf.json');

    const [without] = resolveReferences(refs, { index: store.snapshot() });
    assert.equal(without.resolution.status, 'missing');
    const [mapped] = resolveReferences(refs, { index: store.snapshot(), mappings });
    assert.equal(mapped.resolution.status, 'resolved');
    assert.equal(mapped.resolution.status === 'resolved' && mapped.resolution.via, 'mapping');

    rmSync(join(models, 'checkpoints/renamed by me.safetensors'));
    await sync();
    const [gone] = resolveReferences(refs, { index: store.snapshot(), mappings });
    assert.equal(gone.resolution.status, 'missing');
    assert.equal(gone.resolution.status === 'missing' && gone.resolution.reason, 'mapped-model-gone');
    assert.equal(gone.resolution.status === 'missing' && gone.resolution.hash, hash);
  } finally {
    store.close();
  }
});
