import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodePacksOf } from '../../server/src/core/workflow/nodePacks';
import { cli } from '../helpers/cli';
import { pngWith } from '../helpers/embeddedFiles';
import { tempDir, writeFile } from '../helpers/files';

const LORA_URL = 'https://huggingface.co/someone/style/resolve/main/style.safetensors';
const WORKFLOW = JSON.stringify({
  nodes: [
    { id: 4, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['base.safetensors'], properties: { cnr_id: 'comfy-core', ver: '0.3.64' } },
    { id: 9, type: 'LoraLoader', mode: 0, widgets_values: ['style.safetensors', 1, 1] },
    { id: 10, type: 'VAELoader', mode: 0, widgets_values: ['ae.safetensors'] },
    { id: 11, type: 'UpscaleModelLoader', mode: 0, widgets_values: ['4x.pth'] },
    { id: 12, type: 'UpscaleModelLoader', mode: 0, widgets_values: ['4x.pth'] },
    { id: 20, type: 'SetNode', properties: { cnr_id: 'comfyui-kjnodes', ver: '1.1.0' } },
    { id: 21, type: 'GetNode', properties: { cnr_id: 'comfyui-kjnodes', ver: '1.1.0' } },
    { id: 22, type: 'FancyThing', properties: { aux_id: 'someone/fancy-pack', ver: 'abc123' } },
    { id: 23, type: 'MysteryNode', properties: { 'Node name for S&R': 'MysteryNode' } },
    { id: 24, type: 'Note', properties: {} },
    { id: 25, type: 'a7b9c0d1-0000-4000-8000-000000000001', properties: {} },
  ],
  links: [],
  definitions: { subgraphs: [{ id: 'a7b9c0d1-0000-4000-8000-000000000001', nodes: [{ id: 1, type: 'KSampler', properties: {} }, { id: 2, type: 'InnerCustom', properties: { cnr_id: 'inner-pack' } }] }] },
  models: [{ name: 'style.safetensors', url: LORA_URL, directory: 'loras' }],
  version: 0.4,
});

test('node packs: cnr_id / aux_id with versions, core nodes and containers left out, the rest unknown', () => {
  assert.deepEqual(nodePacksOf(WORKFLOW), {
    packs: [
      { id: 'comfyui-kjnodes', kind: 'registry', versions: ['1.1.0'], nodeTypes: ['SetNode', 'GetNode'] },
      { id: 'inner-pack', kind: 'registry', versions: [], nodeTypes: ['InnerCustom'] },
      { id: 'someone/fancy-pack', kind: 'github', versions: ['abc123'], nodeTypes: ['FancyThing'] },
    ],
    unknownNodeTypes: ['MysteryNode'],
  });
  assert.deepEqual(nodePacksOf(JSON.stringify({ '1': { class_type: 'KSampler', inputs: {} }, '2': { class_type: 'WeirdApiNode', inputs: {} } })).unknownNodeTypes, ['WeirdApiNode']);
  assert.deepEqual(nodePacksOf('{"nodes": [null, 3, {"type": 7}]'), { packs: [], unknownNodeTypes: [] });
});

test('plan: missing models with sizes, sources, targets, total and estimate; the same for the workflow inside a PNG', async () => {
  const dir = tempDir('cm-plan-');
  const models = join(dir, 'models');
  writeFile(join(models, 'checkpoints/base.safetensors'), 'present');
  writeFile(join(dir, 'project/workflows/wf.json'), WORKFLOW);
  writeFile(join(dir, 'project/out.png'), pngWith([{ type: 'tEXt', keyword: 'workflow', text: WORKFLOW }]));
  writeFile(join(dir, 'project/pyproject.toml'), [
    '[tool.comfydock.models.required]',
    `"0123456789abcdef" = { filename = "ae.safetensors", category = "vae", relative_path = "vae/ae.safetensors", size = 3000000, sources = [{ type = "url", url = "https://example.org/ae.safetensors" }] }`,
    '',
  ].join('\n'));
  const run = (...a: string[]) => cli(join(dir, 'project'), '--index', join(dir, 'index.sqlite'), '--models-dir', models, '--project', join(dir, 'project'), 'plan', ...a);
  const r = await run('workflows/wf.json', '--bandwidth', '2', '--json');
  assert.equal(r.code, 1, r.stderr);
  const plan = r.json();
  assert.deepEqual(plan.models.map((m: { value: string; size: number | null; sources: { url: string }[]; target: string | null; nodeIds: string[] }) => [m.value, m.size, m.sources.map((s) => s.url), m.target, m.nodeIds]), [
    ['style.safetensors', null, [LORA_URL], join(models, 'loras'), ['9']],
    ['ae.safetensors', 3000000, ['https://example.org/ae.safetensors'], join(models, 'vae'), ['10']],
    ['4x.pth', null, [], null, ['11', '12']],
  ]);
  assert.deepEqual(plan.totals, { models: 3, downloadBytes: 3000000, unknownSizes: 1, withoutSource: 1, bandwidth: 2e6, estimatedSeconds: 2 });
  assert.deepEqual(plan.targets.map((t: { folder: string; downloadBytes: number }) => [t.folder, t.downloadBytes]), [[join(models, 'loras'), 0], [join(models, 'vae'), 3000000]]);
  assert.deepEqual(plan.nodes.unknownNodeTypes, ['MysteryNode']);
  const text = await run('workflows/wf.json');
  assert.match(text.stdout, /3 missing models, 3\.0 MB to download \(\+1 of unknown size\), about 1 s at 50 MB/);
  assert.match(text.stdout, /node pack comfyui-kjnodes @1\.1\.0: SetNode, GetNode/);

  const fromPng = await run('out.png', '--json');
  assert.deepEqual(fromPng.json().models.map((m: { value: string }) => m.value), ['style.safetensors', 'ae.safetensors', '4x.pth']);
  assert.equal(fromPng.json().embeddedIn.container, 'png');
  assert.equal((await run('workflows/wf.json', '--bandwidth', 'fast')).code, 2);
});

test('plan --root: the downloads are planned into the chosen model folder; a value in a subfolder keeps it', async () => {
  const dir = tempDir('cm-plan-root-');
  const [first, second] = [join(dir, 'disk-a'), join(dir, 'disk-b')];
  writeFile(join(first, 'checkpoints/base.safetensors'), 'present');
  writeFile(join(second, 'vae/other.safetensors'), 'another disk');
  writeFile(join(dir, 'wf.json'), JSON.stringify({
    nodes: [{ id: 9, type: 'LoraLoader', mode: 0, widgets_values: ['sd15/style.safetensors', 1, 1] }],
    links: [],
    models: [{ name: 'sd15/style.safetensors', url: LORA_URL, directory: 'loras' }],
  }));
  const run = (...a: string[]) => cli(dir, '--index', join(dir, 'index.sqlite'), '--models-dir', first, '--models-dir', second, '--project', dir, 'plan', 'wf.json', '--json', ...a);
  const targetOf = async (...a: string[]) => (await run(...a)).json().models.map((m: { target: string | null }) => m.target);
  assert.deepEqual(await targetOf(), [join(first, 'loras/sd15')]);
  assert.deepEqual(await targetOf('--root', second), [join(second, 'loras/sd15')]);
  const wrong = await run('--root', join(dir, 'elsewhere'));
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /is not one of the model folders/);
});
