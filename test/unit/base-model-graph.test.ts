// Following the graph to the model a LoRA / ControlNet is applied to, over a real index of generated
// files: GGUF diffusion models, ControlNets with and without a model input, muted nodes, cycles.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IndexStore } from '../../server/src/core/index/store';
import { syncRoots } from '../../server/src/core/index/sync';
import { resolveReferences, workflowBaseModelMismatches } from '../../server/src/core/resolve';
import { parseWorkflow } from '../../server/src/core/workflow';
import { tempDir } from '../helpers/files';
import { checkpointTensors, fluxTensors, loraTensors, writeGguf, writeSafetensors } from '../helpers/modelFiles';

async function library() {
  const dir = tempDir('cm-graph-');
  const models = join(dir, 'models');
  mkdirSync(models);
  writeSafetensors(join(models, 'checkpoints/xl.safetensors'), checkpointTensors('sdxl'));
  writeGguf(join(models, 'diffusion_models/flux-q4.gguf'), { 'general.architecture': 'flux' }, fluxTensors());
  writeSafetensors(join(models, 'loras/flux_lora.safetensors'), loraTensors('flux'));
  writeSafetensors(join(models, 'loras/sd15_lora.safetensors'), loraTensors('sd1'));
  writeSafetensors(join(models, 'controlnet/sd15_canny.safetensors'), {
    'control_model.input_hint_block.0.weight': [16, 3, 3, 3],
    'control_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight': [320, 768],
  });
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  await syncRoots(store, [{ path: models, category: null, origin: 'test' }]);
  return store.snapshot();
}

/** API-format workflow from `id: [class, inputs]`. */
const api = (nodes: Record<string, [string, Record<string, unknown>]>) =>
  JSON.stringify(Object.fromEntries(Object.entries(nodes).map(([id, [class_type, inputs]]) => [id, { class_type, inputs }])));

async function mismatches(text: string) {
  const index = await library();
  const resolved = resolveReferences(parseWorkflow(text).references, { index });
  return workflowBaseModelMismatches(text, resolved).map((m) => `${m.location.name}:${m.baseModel}<-${m.sourceLocation.name}:${m.sourceBaseModel}`);
}

test('a GGUF Flux diffusion model (UnetLoaderGGUF) feeding a Flux LoRA and an SD 1.5 LoRA', async () => {
  const text = api({
    '1': ['UnetLoaderGGUF', { unet_name: 'flux-q4.gguf' }],
    '2': ['LoraLoaderModelOnly', { lora_name: 'flux_lora.safetensors', strength_model: 1, model: ['1', 0] }],
    '3': ['ModelSamplingFlux', { max_shift: 1.15, model: ['2', 0] }],
    '4': ['LoraLoaderModelOnly', { lora_name: 'sd15_lora.safetensors', strength_model: 1, model: ['3', 0] }],
  });
  assert.deepEqual(await mismatches(text), ['sd15_lora.safetensors:sd1<-flux-q4.gguf:flux']);
});

test('a ControlNet without a model input is compared with the workflow\'s one base model; with a model input, with what feeds it', async () => {
  const plain = api({
    '1': ['CheckpointLoaderSimple', { ckpt_name: 'xl.safetensors' }],
    '2': ['ControlNetLoader', { control_net_name: 'sd15_canny.safetensors' }],
  });
  assert.deepEqual(await mismatches(plain), ['sd15_canny.safetensors:sd1<-xl.safetensors:sdxl']);
  const diff = api({
    '1': ['CheckpointLoaderSimple', { ckpt_name: 'xl.safetensors' }],
    '5': ['UnetLoaderGGUF', { unet_name: 'flux-q4.gguf' }],
    '2': ['DiffControlNetLoader', { control_net_name: 'sd15_canny.safetensors', model: ['1', 0] }],
  });
  assert.deepEqual(await mismatches(diff), ['sd15_canny.safetensors:sd1<-xl.safetensors:sdxl']);
  // Two base models of different families and no model input: which one it is applied to is unknown.
  const two = api({
    '1': ['CheckpointLoaderSimple', { ckpt_name: 'xl.safetensors' }],
    '5': ['UnetLoaderGGUF', { unet_name: 'flux-q4.gguf' }],
    '2': ['ControlNetLoader', { control_net_name: 'sd15_canny.safetensors' }],
  });
  assert.deepEqual(await mismatches(two), []);
});

test('a cycle in the links, a muted LoRA and an unlinked LoRA produce nothing and do not hang', async () => {
  const cycle = api({
    '1': ['CheckpointLoaderSimple', { ckpt_name: 'xl.safetensors' }],
    '2': ['LoraLoaderModelOnly', { lora_name: 'sd15_lora.safetensors', model: ['3', 0] }],
    '3': ['ModelMergeSimple', { model: ['2', 0] }],
    '4': ['LoraLoaderModelOnly', { lora_name: 'sd15_lora.safetensors' }],
  });
  assert.deepEqual(await mismatches(cycle), []);
  const ui = JSON.stringify({
    nodes: [
      { id: 1, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['xl.safetensors'], inputs: [] },
      { id: 2, type: 'LoraLoaderModelOnly', mode: 4, widgets_values: ['sd15_lora.safetensors', 1], inputs: [{ name: 'model', type: 'MODEL', link: 1 }] },
    ],
    links: [{ id: 1, origin_id: 1, origin_slot: 0, target_id: 2, target_slot: 0, type: 'MODEL' }],
  });
  assert.deepEqual(await mismatches(ui), [], 'a bypassed LoRA is not checked');
  assert.deepEqual(await mismatches(ui.replace('"mode":4', '"mode":0')), ['sd15_lora.safetensors:sd1<-xl.safetensors:sdxl'], 'schema-1 link objects are read');
});

test('links are followed into and out of subgraph instances: a LoRA inside one, and a checkpoint inside one feeding a LoRA outside', async () => {
  const link = (id: number, from: number, slot: number, to: number) => ({ id, origin_id: from, origin_slot: slot, target_id: to, target_slot: 0, type: 'MODEL' });
  const modelIn = (link: number | null) => [{ name: 'model', type: 'MODEL', link }];
  const loraInside = {
    id: 'a1b2c3d4-0000-4000-8000-00000000000a',
    inputs: [{ name: 'model', type: 'MODEL', linkIds: [1] }],
    outputs: [{ name: 'MODEL', type: 'MODEL', linkIds: [2] }],
    nodes: [{ id: 3, type: 'LoraLoaderModelOnly', mode: 0, inputs: modelIn(1), widgets_values: ['sd15_lora.safetensors', 1] }],
    links: [link(1, -10, 0, 3), link(2, 3, 0, -20)],
  };
  const checkpointInside = {
    id: 'a1b2c3d4-0000-4000-8000-00000000000b',
    inputs: [],
    outputs: [{ name: 'MODEL', type: 'MODEL', linkIds: [5] }],
    nodes: [{ id: 1, type: 'CheckpointLoaderSimple', mode: 0, inputs: [], widgets_values: ['xl.safetensors'] }],
    links: [link(5, 1, 0, -20)],
  };
  const ui = JSON.stringify({
    nodes: [
      { id: 1, type: 'CheckpointLoaderSimple', mode: 0, inputs: [], widgets_values: ['xl.safetensors'] },
      { id: 2, type: loraInside.id, mode: 0, inputs: modelIn(10), widgets_values: [] },
      { id: 4, type: 'LoraLoaderModelOnly', mode: 0, inputs: modelIn(11), widgets_values: ['flux_lora.safetensors', 1] },
      { id: 5, type: checkpointInside.id, mode: 0, inputs: [], widgets_values: [] },
      { id: 6, type: 'LoraLoaderModelOnly', mode: 0, inputs: modelIn(12), widgets_values: ['sd15_lora.safetensors', 1] },
    ],
    links: [[10, 1, 0, 2, 0, 'MODEL'], [11, 2, 0, 4, 0, 'MODEL'], [12, 5, 0, 6, 0, 'MODEL']],
    definitions: { subgraphs: [loraInside, checkpointInside] },
    version: 0.4,
  });
  // 2:3 (inside instance 2) is fed by checkpoint 1 through the instance's input; LoRA 4 by the LoRA inside
  // instance 2 (and so by checkpoint 1); LoRA 6 by the checkpoint inside instance 5.
  assert.deepEqual(await mismatches(ui), [
    'sd15_lora.safetensors:sd1<-xl.safetensors:sdxl',
    'flux_lora.safetensors:flux<-xl.safetensors:sdxl',
    'sd15_lora.safetensors:sd1<-xl.safetensors:sdxl',
  ]);
  const index = await library();
  const nodes = workflowBaseModelMismatches(ui, resolveReferences(parseWorkflow(ui).references, { index })).map((m) => `${m.reference.nodeId}<-${m.source.nodeId}`);
  assert.deepEqual(nodes, ['2:3<-1', '4<-1', '6<-5:1']);
});
