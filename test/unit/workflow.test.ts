// Parser rules on the project's own small fixtures (one per rule of DESIGN.md §5 and the
// reference's parser checklist), each checking values, identities and exact spans.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ModelReference } from '../../server/src/core/types';
import { buildLoaderTable, findEmbeddings, looksLikeWorkflow, parseWorkflow } from '../../server/src/core/workflow';

type Node = Record<string, unknown>;
const ui = (nodes: Node[], extra: Record<string, unknown> = {}): string => JSON.stringify({ last_node_id: 9, nodes, links: [], version: 0.4, ...extra }, null, 1);
const node = (id: number | string, type: string, widgets_values: unknown, more: Node = {}): Node => ({ id, type, mode: 0, properties: {}, widgets_values, ...more });

function refs(text: string, options = {}): ModelReference[] {
  const result = parseWorkflow(text, options);
  assert.deepEqual(result.errors, []);
  for (const r of result.references) {
    const raw = text.slice(r.offset, r.offset + r.length);
    if (r.kind === 'embedding') assert.equal(JSON.parse(`"${raw}"`), r.value);
    else assert.equal(raw, JSON.stringify(r.value).slice(1, -1), 'span = the raw string token inside the quotes');
  }
  return result.references;
}

const brief = (r: ModelReference) => [r.nodeId, r.nodeType, r.widgetIndex ?? r.inputName, r.value, r.category, r.active];

test('Windows paths, .gguf, CheckpointLoader (configs at 0, checkpoints at 1)', () => {
  const text = ui([
    node(1, 'CheckpointLoaderSimple', ['SDXL\\juggernaut.safetensors']),
    node(2, 'UnetLoaderGGUF', ['flux1-dev-Q4_K_S.gguf']),
    node(3, 'CheckpointLoader', ['v1-inference.yaml', 'sd15/model.ckpt']),
  ]);
  assert.deepEqual(refs(text).map(brief), [
    ['1', 'CheckpointLoaderSimple', 0, 'SDXL\\juggernaut.safetensors', 'checkpoints', true],
    ['2', 'UnetLoaderGGUF', 0, 'flux1-dev-Q4_K_S.gguf', 'diffusion_models', true],
    ['3', 'CheckpointLoader', 0, 'v1-inference.yaml', 'configs', true],
    ['3', 'CheckpointLoader', 1, 'sd15/model.ckpt', 'checkpoints', true],
  ]);
});

test('Dual/Triple/Quadruple CLIP loaders (and their GGUF twins) report every file, not type or device', () => {
  const text = ui([
    node(1, 'DualCLIPLoader', ['t5.safetensors', 'clip_l.safetensors', 'flux', 'default']),
    node(2, 'TripleCLIPLoader', ['a.safetensors', 'b.safetensors', 'c.safetensors']),
    node(3, 'QuadrupleCLIPLoader', ['a.safetensors', 'b.safetensors', 'c.safetensors', 'd.safetensors']),
    node(4, 'DualCLIPLoaderGGUF', ['t5-Q8.gguf', 'clip_l.safetensors', 'flux']),
  ]);
  const found = refs(text);
  assert.deepEqual(found.map((r) => `${r.nodeId}:${r.widgetIndex}`), ['1:0', '1:1', '2:0', '2:1', '2:2', '3:0', '3:1', '3:2', '3:3', '4:0', '4:1']);
  assert.ok(found.every((r) => r.category === 'text_encoders'));
});

test('muted (2) and bypassed (4) nodes are reported inactive', () => {
  const text = ui([node(1, 'LoraLoader', ['a.safetensors', 1, 1], { mode: 2 }), node(2, 'LoraLoader', ['b.safetensors', 1, 1], { mode: 4 }), node(3, 'LoraLoader', ['c.safetensors', 1, 1])]);
  assert.deepEqual(refs(text).map((r) => r.active), [false, false, true]);
});

const subgraph = (id: string, inputs: Node[], nodes: Node[], links: Node[]): Node => ({ id, version: 1, name: id, inputs, outputs: [], widgets: [], nodes, links });
const fromInput = (slot: number, target: number, targetSlot = 0): Node => ({ id: 100 + slot, origin_id: -10, origin_slot: slot, target_id: target, target_slot: targetSlot, type: 'COMBO' });
const widgetInput = (name: string, link: number | null = 101): Node => ({ name, type: 'COMBO', widget: { name }, link });

test('older subgraphs: promoted values are reported on the instance with the inner class; the stale inner value is not', () => {
  const def = subgraph('sg-a', [{ name: 'pixels', type: 'IMAGE' }, { name: 'vae_name', type: 'COMBO' }, { name: 'steps', type: 'INT' }], [
    node(5, 'VAELoader', ['stale.safetensors'], { inputs: [widgetInput('vae_name')] }),
    node(6, 'LoraLoader', ['inner-lora.safetensors', 1, 1]),
  ], [fromInput(1, 5)]);
  const text = ui([node(10, 'sg-a', ['promoted-vae.safetensors', 20])], { definitions: { subgraphs: [def] } });
  assert.deepEqual(refs(text).map(brief), [
    ['10', 'VAELoader', 0, 'promoted-vae.safetensors', 'vae', true],
    ['10:6', 'LoraLoader', 0, 'inner-lora.safetensors', 'loras', true],
  ]);
});

test('newer subgraphs (proxyWidgets), nested: the value lives in the inner node, reported with its execution path; bypassed instance → inactive', () => {
  const inner = subgraph('sg-inner', [{ name: 'unet_name', type: 'COMBO' }], [node(203, 'UNETLoader', ['lotus.safetensors', 'default'], { inputs: [widgetInput('unet_name')] })], [fromInput(0, 203)]);
  const outer = subgraph('sg-outer', [{ name: 'unet_name_1', type: 'COMBO' }], [node(76, 'sg-inner', [], { inputs: [widgetInput('unet_name')], properties: { proxyWidgets: [['203', 'unet_name']] } })], [fromInput(0, 76)]);
  const text = ui(
    [node(205, 'sg-outer', [], { properties: { proxyWidgets: [['76', 'unet_name']] } }), node(206, 'sg-outer', [], { mode: 4 })],
    { definitions: { subgraphs: [outer, inner] } },
  );
  assert.deepEqual(refs(text).map(brief), [
    ['205:76:203', 'UNETLoader', 0, 'lotus.safetensors', 'diffusion_models', true],
    ['206:76:203', 'UNETLoader', 0, 'lotus.safetensors', 'diffusion_models', false],
  ]);
});

test('a subgraph that contains itself does not loop', () => {
  const def = subgraph('loop', [], [node(1, 'loop', []), node(2, 'VAELoader', ['v.safetensors'])], []);
  assert.deepEqual(refs(ui([node(9, 'loop', [])], { definitions: { subgraphs: [def] } })).map((r) => r.nodeId), ['9:2']);
});

test('legacy group nodes: instance id, index in the concatenated values (seed control extras counted), inner class', () => {
  const groupNodes = { g: { nodes: [
    { index: 0, type: 'KSampler', widgets_values: [1, 'randomize', 20, 8, 'euler', 'normal', 1] },
    { index: 1, type: 'Note', widgets_values: ['see model.safetensors'] },
    { index: 2, type: 'LoraLoader', widgets_values: ['x.safetensors', 1, 1] },
  ] } };
  const text = ui([node(4, 'workflow>g', [5, 'fixed', 20, 8, 'euler', 'normal', 1, 'note model.safetensors', 'detail.safetensors', 0.5, 0.5])], { extra: { groupNodes } });
  assert.deepEqual(refs(text).map(brief), [['4', 'LoraLoader', 8, 'detail.safetensors', 'loras', true]]);
});

test('object-shaped widgets_values, null values, seed control extras, short value lists', () => {
  const text = ui([
    node(1, 'VAELoader', { vae_name: 'kl-f8.safetensors' }),
    node(2, 'CheckpointLoaderSimple', [null]),
    node(3, 'KSampler', [42, 'randomize', 20, 8, 'euler', 'normal', 1]),
    node(4, 'CLIPLoader', []),
    node(5, 'CLIPLoader', null),
  ]);
  assert.deepEqual(refs(text).map(brief), [['1', 'VAELoader', 'vae_name', 'kl-f8.safetensors', 'vae', true]]);
});

test('unknown node types: strings with a model extension, also one level inside objects; Note/Markdown/Primitive never', () => {
  const text = ui([
    node(1, 'Power Lora Loader (rgthree)', [{}, { on: true, lora: 'SDXL/detail.safetensors', strength: 1 }, { type: 'x' }, '']),
    node(2, 'MyCustomLoader', ['model.onnx', 'config.yaml', 'image.png', 7]),
    node(3, 'Note', ['download model.safetensors first']),
    node(4, 'MarkdownNote', ['x.safetensors']),
    node(5, 'PrimitiveNode', ['y.safetensors']),
  ]);
  assert.deepEqual(refs(text).map(brief), [
    ['1', 'Power Lora Loader (rgthree)', 1, 'SDXL/detail.safetensors', null, true],
    ['2', 'MyCustomLoader', 0, 'model.onnx', null, true],
  ]);
});

test('embeddings: weight syntax and trailing commas removed, extension kept, span = NAME inside the string', () => {
  const prompt = 'photo, (embedding:Unreal\\istic:1.2), embedding:BadDream, embedding:sub/SDA768.pt\nembedding:x,notembedding:y';
  const text = ui([node(7, 'CLIPTextEncode', [prompt])]);
  const found = refs(text);
  assert.deepEqual(found.map((r) => [r.value, r.category, r.kind, r.widgetIndex]), [
    ['Unreal\\istic', 'embeddings', 'embedding', 0],
    ['BadDream', 'embeddings', 'embedding', 0],
    ['sub/SDA768.pt', 'embeddings', 'embedding', 0],
    ['x', 'embeddings', 'embedding', 0],
  ]);
  assert.equal(text.slice(found[0].offset, found[0].offset + found[0].length), 'Unreal\\\\istic');
  assert.deepEqual(findEmbeddings('embedding:a'), [{ name: 'a', index: 10 }]);
});

test('VAELoader pseudo-values: taesd* → vae_approx, pixel_space → no reference', () => {
  const text = ui([node(1, 'VAELoader', ['taesdxl']), node(2, 'VAELoader', ['pixel_space']), node(3, 'TrainLoraNode', [1, 1, 1, 1, 1, 'a', 'b', 1, 'fixed', 'c', 'd', 'e', true, '[None]'])]);
  assert.deepEqual(refs(text).map((r) => [r.value, r.category, r.kind]), [['taesdxl', 'vae_approx', 'vae-approx']]);
});

test('models metadata: only entries selected by a value count, node-level and top-level', () => {
  const text = ui(
    [node(1, 'CheckpointLoaderSimple', ['SD15/picked.safetensors'], { properties: { models: [
      { name: 'picked.safetensors', url: 'https://huggingface.co/o/r/resolve/main/picked.safetensors', directory: 'checkpoints', hash: 'ab', hash_type: 'sha256' },
      { name: 'stale.safetensors', url: 'https://huggingface.co/o/r/resolve/main/stale.safetensors', directory: 'checkpoints' },
    ] } })],
    { models: [{ name: 'unused.safetensors', url: 'https://x/unused', directory: 'loras' }, { name: 'picked.safetensors', url: 'https://civitai.com/api/download/models/1', directory: 'loras' }] },
  );
  const [r] = refs(text);
  assert.deepEqual(r.metadata, [{ name: 'picked.safetensors', url: 'https://huggingface.co/o/r/resolve/main/picked.safetensors', directory: 'checkpoints', hash: 'ab', hashType: 'sha256' }]);
});

test('API format: inputs by name, links skipped, unknown nodes by extension, _meta never read', () => {
  const text = JSON.stringify({
    '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'SDXL\\base.safetensors' }, _meta: { title: 'x.safetensors' } },
    '5': { class_type: 'LoraLoader', inputs: { lora_name: 'l.safetensors', model: ['4', 0], clip: ['4', 1], strength_model: 1 } },
    '6': { class_type: 'Power Lora Loader (rgthree)', inputs: { lora_1: { on: true, lora: 'p.safetensors' }, model: ['4', 0] } },
    '7': { class_type: 'CLIPTextEncode', inputs: { text: 'embedding:neg', clip: ['4', 1] } },
    '12:5': { class_type: 'VAELoader', inputs: { vae_name: 'ae.safetensors' } },
  });
  const result = parseWorkflow(text);
  assert.equal(result.format, 'api');
  assert.deepEqual(refs(text).map(brief), [
    ['4', 'CheckpointLoaderSimple', 'ckpt_name', 'SDXL\\base.safetensors', 'checkpoints', true],
    ['5', 'LoraLoader', 'lora_name', 'l.safetensors', 'loras', true],
    ['6', 'Power Lora Loader (rgthree)', 'lora_1', 'p.safetensors', null, true],
    ['7', 'CLIPTextEncode', 'text', 'neg', 'embeddings', true],
    ['12:5', 'VAELoader', 'vae_name', 'ae.safetensors', 'vae', true],
  ]);
});

test('broken JSON: errors with position, no throw; foreign JSON: format null; sniffing', () => {
  const broken = '{"nodes": [{"id": 1, "type": "VAELoader", "widgets_values": ["a.safetensors"]}';
  const r = parseWorkflow(broken);
  assert.ok(r.errors.length > 0);
  assert.equal(r.errors[0].offset, broken.length);
  assert.match(r.errors[0].message, /invalid JSON/);
  assert.ok(looksLikeWorkflow(broken));
  assert.ok(!looksLikeWorkflow('{"name": "my-package", "version": "1.0.0"}'));
  for (const text of ['', '[]', '42', '{"name":"x"}', '{"nodes": {}}', '{"a": {"class_type": 1}}', 'null', '{"nodes":[null, 1, {"type": 5}]}']) {
    const p = parseWorkflow(text);
    assert.deepEqual(p.references, [], text);
  }
  assert.equal(parseWorkflow('{"name":"x"}').format, null);
});

test('the comfyModels.loaders setting adds loaders and replaces built-in entries', () => {
  const loaders = buildLoaderTable({ MyLoader: [{ index: 1, category: 'loras' }, { input: 'extra', category: 'ipadapter' }], LoraLoader: [{ index: 2, category: 'custom' }], Broken: [{ category: '' }] as never });
  const text = ui([node(1, 'MyLoader', ['name', 'mine.safetensors']), node(2, 'LoraLoader', ['x.safetensors', 1, 'y.safetensors']), node(3, 'MyLoader', { extra: 'ip.bin' })]);
  assert.deepEqual(refs(text, { loaders }).map(brief), [
    ['1', 'MyLoader', 1, 'mine.safetensors', 'loras', true],
    ['2', 'LoraLoader', 2, 'y.safetensors', 'custom', true],
    ['3', 'MyLoader', 'extra', 'ip.bin', 'ipadapter', true],
  ]);
  assert.equal(loaders.has('Broken'), false);
});
