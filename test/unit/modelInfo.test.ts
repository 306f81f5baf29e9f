import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readModelInfo } from '../../server/src/core/modelInfo';
import { findPreview } from '../../server/src/core/modelInfo/previews';
import { parseBaseFilter } from '../../server/src/core/modelInfo/baseModelName';
import { tempDir, writeFile } from '../helpers/files';
import {
  checkpointTensors, fluxTensors, kohyaMetadata, lohaTensors, loraTensors, safetensorsHeader, sd3Tensors, writeGguf, writeRawSafetensors, writeSafetensors,
  type Shapes,
} from '../helpers/modelFiles';

const dir = tempDir('cm-info-');
let n = 0;

async function info(tensors: Shapes, metadata?: Record<string, string>) {
  const path = join(dir, `m${n++}.safetensors`);
  writeSafetensors(path, tensors, metadata);
  const warnings: string[] = [];
  return { info: await readModelInfo(path, (w) => warnings.push(w)), warnings };
}

async function hostile(write: (path: string) => void, ext = '.safetensors') {
  const path = join(dir, `h${n++}${ext}`);
  write(path);
  const warnings: string[] = [];
  const result = await readModelInfo(path, (w) => warnings.push(w));
  return { result, warnings };
}

test('checkpoints of each family are recognised by their tensors alone', async () => {
  for (const family of ['sd1', 'sd2', 'sdxl'] as const) {
    const { info: i, warnings } = await info(checkpointTensors(family));
    assert.deepEqual([i?.baseModel, i?.kind, warnings], [family, 'checkpoint', []], family);
  }
  assert.deepEqual(await info(sd3Tensors()).then((r) => [r.info?.baseModel, r.info?.kind]), ['sd3', 'checkpoint']);
  assert.deepEqual(await info(fluxTensors()).then((r) => [r.info?.baseModel, r.info?.kind]), ['flux', 'diffusion_model']);
});

test('LoRAs and LyCORIS of each family are recognised by their key names and widths', async () => {
  for (const family of ['sd1', 'sd2', 'sdxl', 'flux'] as const) {
    const { info: i } = await info(loraTensors(family));
    assert.deepEqual([i?.baseModel, i?.kind], [family, 'lora'], family);
  }
  const loha = await info(lohaTensors());
  assert.deepEqual([loha.info?.baseModel, loha.info?.kind], ['sd1', 'lycoris']);
});

test('metadata wins over tensors: modelspec architecture, kohya base version, title, trained words, thumbnail', async () => {
  // Tensors say SD 1; the trainer says SDXL: metadata first.
  const kohya = await info(loraTensors('sd1'), kohyaMetadata('sdxl_base_v1-0', { 'blue hair': 3, 'red eyes': 9, solo: 9 }, 'anime_style'));
  assert.equal(kohya.info?.baseModel, 'sdxl');
  assert.deepEqual(kohya.info?.trainedWords, ['red eyes', 'solo', 'blue hair']);
  assert.equal(kohya.info?.title, 'anime_style');
  const thumb = 'data:image/png;base64,iVBORw0KGgo=';
  const spec = await info({}, { 'modelspec.architecture': 'stable-diffusion-xl-v1-base/lora', 'modelspec.title': 'Pixel Art XL', 'modelspec.thumbnail': thumb, 'modelspec.trigger_phrase': 'pixel art, 8bit' });
  assert.deepEqual([spec.info?.baseModel, spec.info?.kind, spec.info?.title, spec.info?.thumbnail, spec.info?.trainedWords], ['sdxl', 'lora', 'Pixel Art XL', thumb, ['pixel art', '8bit']]);
  for (const [name, base] of [['sd_v1', 'sd1'], ['sd_2', 'sd2'], ['flux1', 'flux'], ['stable-diffusion-v3-medium', 'sd3'], ['AuraFlow', 'other:auraflow']] as const) {
    assert.equal((await info({}, { ss_base_model_version: name })).info?.baseModel, base, name);
  }
  // A thumbnail that is not an image data URI is not kept.
  assert.equal((await info({}, { 'modelspec.thumbnail': 'javascript:alert(1)' })).info?.thumbnail, undefined);
});

test('a file with no cue has no base model; other formats are not read', async () => {
  const { info: i, warnings } = await info({ 'some.weight': [3, 3] });
  assert.deepEqual([i?.baseModel, i?.kind, warnings], [null, null, []]);
  const ckpt = join(dir, 'old.ckpt');
  writeFile(ckpt, 'pickle');
  assert.equal(await readModelInfo(ckpt, () => assert.fail('no warning for a format that is not read')), null);
});

test('GGUF metadata and tensor names: general.architecture, general.name, tensor layout', async () => {
  const path = join(dir, 'flux-q4.gguf');
  writeGguf(path, { 'general.architecture': 'flux', 'general.name': 'FLUX.1 dev Q4', 'general.quantization_version': 2, 'tokenizer.tokens': ['a', 'b', 'c'] }, fluxTensors());
  const i = await readModelInfo(path, assert.fail);
  assert.deepEqual([i?.format, i?.baseModel, i?.kind, i?.title], ['gguf', 'flux', 'diffusion_model', 'FLUX.1 dev Q4']);
  const sdxl = join(dir, 'sdxl.gguf');
  writeGguf(sdxl, {}, checkpointTensors('sdxl'));
  assert.equal((await readModelInfo(sdxl, assert.fail))?.baseModel, 'sdxl', 'from tensor shapes (GGUF dims are reversed back)');
  const llm = join(dir, 'llm.gguf');
  writeGguf(llm, { 'general.architecture': 'llama' }, {});
  assert.equal((await readModelInfo(llm, assert.fail))?.baseModel, 'other:llama');
});

test('hostile safetensors headers are refused with a warning, never thrown, never allocated', async () => {
  const cases: [string, (p: string) => void][] = [
    ['length 2^63', (p) => writeRawSafetensors(p, Buffer.from('{}'), 0, 2n ** 63n)],
    ['length 2^64 - 1', (p) => writeRawSafetensors(p, Buffer.from('{}'), 0, 2n ** 64n - 1n)],
    ['length above 100 MB', (p) => writeRawSafetensors(p, Buffer.from('{}'), 0, 200n * 1024n * 1024n)],
    ['length beyond the file', (p) => writeRawSafetensors(p, Buffer.from('{"a":1}'), 0, 4096n)],
    ['truncated (shorter than 8 bytes)', (p) => writeFile(p, 'abc')],
    ['not JSON', (p) => writeRawSafetensors(p, Buffer.from('{this is not json}'), 0)],
    ['plain text model', (p) => writeFile(p, 'sd15 weights, not a real file')],
    ['deeply nested metadata', (p) => writeRawSafetensors(p, Buffer.from(`{"__metadata__":{"x":${'['.repeat(200_000)}${']'.repeat(200_000)}}}`), 0)],
    ['deeply nested tensor', (p) => writeRawSafetensors(p, Buffer.from(`{"t":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`), 0)],
    ['absurd shape', (p) => writeRawSafetensors(p, Buffer.from(JSON.stringify({ t: { dtype: 'F16', shape: [2 ** 40, 2 ** 40], data_offsets: [0, 0] } })), 0)],
    ['offsets past the end', (p) => {
      const { json } = safetensorsHeader(loraTensors('sd1'));
      writeRawSafetensors(p, Buffer.from(json), 10); // far less data than the offsets claim
    }],
  ];
  for (const [name, write] of cases) {
    const { result, warnings } = await hostile(write);
    assert.equal(result, null, name);
    assert.equal(warnings.length, 1, name);
    assert.match(warnings[0], /ignored the safetensors header/, name);
  }
});

test('hostile GGUF headers are refused with a warning', async () => {
  const cases: [string, (p: string) => void][] = [
    ['tensor count 2^63', (p) => writeGguf(p, {}, {}, { tensors: 2n ** 63n })],
    ['kv count beyond the file', (p) => writeGguf(p, { a: 'b' }, {}, { kv: 1000n })],
    ['not GGUF', (p) => writeFile(p, 'GGML and more')],
    ['huge string length', (p) => {
      const b = Buffer.concat([Buffer.from('GGUF'), Buffer.from([3, 0, 0, 0]), Buffer.alloc(8), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]), Buffer.from([0, 0, 0, 0, 0, 0, 0, 0x80])]);
      writeFile(p, b);
    }],
  ];
  for (const [name, write] of cases) {
    const { result, warnings } = await hostile(write, '.gguf');
    assert.equal(result, null, name);
    assert.match(warnings[0] ?? '', /ignored the gguf header/, name);
  }
});

test('previews beside a model: <stem>.preview.<ext> first, then <stem>.<ext>', async () => {
  const d = tempDir('cm-preview-');
  const model = join(d, 'loras/style.safetensors');
  writeFile(model, 'x');
  assert.equal(await findPreview(model), undefined);
  writeFile(join(d, 'loras/style.png'), 'png');
  assert.equal(await findPreview(model), join(d, 'loras/style.png'));
  writeFile(join(d, 'loras/style.preview.jpeg'), 'jpeg');
  assert.equal(await findPreview(model), join(d, 'loras/style.preview.jpeg'));
});

test('base: filter values', () => {
  assert.deepEqual(['sdxl', 'SD1.5', 'sd15', 'sd2.1', 'Flux', 'other:aura', 'sd3'].map(parseBaseFilter), ['sdxl', 'sd1', 'sd1', 'sd2', 'flux', 'other:aura', 'sd3']);
});
