// The first fuzzy candidate of a missing model is one the workflow can load: stems are compared (not
// the shared `.safetensors`), candidates of another family (from the file's header or the tokens of its
// name, against the reference's name or the workflow's own checkpoint / UNet) are dropped. Over real
// model names: a table written here, and comfyui-manager's model-list.json read in place from the corpus.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { familyOfName, resolveReferences, type Resolution } from '../../server/src/core/resolve';
import type { ModelReference } from '../../server/src/core/types';
import { IndexSnapshot, type IndexedLocation } from '../../server/src/core/index/snapshot';
import type { BaseModel } from '../../server/src/core/modelInfo/types';
import { location } from './resolve-library';

function ref(value: string, category: string, nodeId = '1'): ModelReference {
  return { nodeId, nodeType: 'X', widgetIndex: 0, value, category, active: true, offset: 0, length: value.length, kind: 'loader' };
}

function libraryOf(files: readonly (string | { path: string; baseModel: BaseModel })[]): IndexSnapshot {
  return new IndexSnapshot(1, files.map((f) => (typeof f === 'string' ? location({ path: f }) : { ...location({ path: f.path }), baseModel: f.baseModel })));
}

function missing(res: Resolution) {
  assert.equal(res.status, 'missing');
  return res.status === 'missing' ? res.candidates : [];
}

const VAES = ['vae/sdxl_vae.safetensors', 'vae/vae-ft-mse-840000-ema-pruned.safetensors', 'vae/ae.safetensors', 'vae/hunyuan_video_vae_bf16.safetensors'];
const ENCODERS = ['clip/clip_l.safetensors', 'clip/clip_g.safetensors', 'clip/t5xxl_fp8_e4m3fn.safetensors', 'clip/umt5_xxl_fp8_e4m3fn_scaled.safetensors'];

test('the demo\'s flux_ae.safetensors gets the FLUX VAE first, never sdxl_vae', () => {
  const [first, ...rest] = missing(resolveReferences([ref('flux_ae.safetensors', 'vae')], { index: libraryOf(VAES) })[0].resolution);
  assert.equal(first?.relativePath, 'vae/ae.safetensors');
  assert.ok(![first, ...rest].some((c) => c.relativePath === 'vae/sdxl_vae.safetensors'), JSON.stringify([first, ...rest]));
});

test('ae.safetensors in a Flux workflow is not offered sdxl_vae (97 % by whole names before); the workflow\'s UNet says Flux', () => {
  const lib = libraryOf(['vae/sdxl_vae.safetensors', 'vae/vae-ft-mse-840000-ema-pruned.safetensors', 'vae/flux_vae.safetensors']);
  const refs = [ref('flux1-dev.safetensors', 'diffusion_models', '1'), ref('ae.safetensors', 'vae', '2')];
  const [, vae] = resolveReferences(refs, { index: lib });
  const candidates = missing(vae.resolution);
  assert.deepEqual(candidates.map((c) => c.relativePath), ['vae/flux_vae.safetensors']);
  // Without the workflow's family the SDXL VAE may be a candidate, but a weak one (stems `ae` vs `sdxl_vae`).
  const alone = missing(resolveReferences([ref('ae.safetensors', 'vae')], { index: lib })[0].resolution);
  assert.ok(alone.every((c) => c.confidence !== 'high'), JSON.stringify(alone));
});

test('t5xxl_fp16 gets a T5 encoder, never clip_l or UMT5', () => {
  const candidates = missing(resolveReferences([ref('t5xxl_fp16.safetensors', 'text_encoders')], { index: libraryOf(ENCODERS) })[0].resolution);
  assert.deepEqual(candidates.map((c) => c.relativePath), ['clip/t5xxl_fp8_e4m3fn.safetensors']);
  assert.equal(candidates[0].sameFamily, true);
});

test('the family a header names wins over a name without tokens; another family in the header drops the file', () => {
  const lib = libraryOf([{ path: 'loras/detail_tweaker_v2.safetensors', baseModel: 'sd1' }, { path: 'loras/detail-tweaker.safetensors', baseModel: 'sdxl' }]);
  const refs = [ref('sd_xl_base_1.0.safetensors', 'checkpoints', '1'), ref('detail_tweaker.safetensors', 'loras', '2')];
  const candidates = missing(resolveReferences(refs, { index: lib })[1].resolution);
  assert.deepEqual(candidates.map((c) => [c.relativePath, c.sameFamily]), [['loras/detail-tweaker.safetensors', true]]);
});

test('a candidate whose family is unknown while the reference names one is never "high" (so never the preferred fix)', () => {
  const lib = libraryOf(['loras/add_detail.safetensors']);
  const [c] = missing(resolveReferences([ref('add_detail_xl.safetensors', 'loras')], { index: lib })[0].resolution);
  assert.equal(c.relativePath, 'loras/add_detail.safetensors');
  assert.equal(c.confidence, 'good');
  assert.equal(c.sameFamily, false);
});

test('family tokens of real names', () => {
  const table: [string, string | undefined, string | undefined][] = [
    ['sd_xl_base_1.0.safetensors', 'sdxl', undefined],
    ['juggernautXL_v9Rdphoto2Lightning.safetensors', 'sdxl', undefined],
    ['v1-5-pruned-emaonly.ckpt', 'sd1', undefined],
    ['flux1-dev-Q4_K_S.gguf', 'flux', undefined],
    ['t5xxl_fp16.safetensors', undefined, 't5'],
    ['umt5_xxl_fp8_e4m3fn_scaled.safetensors', undefined, 'umt5'],
    ['clip_l.safetensors', undefined, 'clip-l'],
    ['PixArt-XL-2-1024-MS.safetensors', 'pixart', undefined],
    ['wan2.1_t2v_14B_fp16.safetensors', 'wan', undefined],
    ['sd3.5_large.safetensors', 'sd3', undefined],
    ['dreamshaper_8.safetensors', undefined, undefined],
  ];
  for (const [name, base, encoder] of table) assert.deepEqual(familyOfName(name), { ...(base && { base }), ...(encoder && { encoder }) }, name);
});

const MODEL_LIST = join(__dirname, '../../../../shared/corpus/comfyui-manager/model-list.json');
const corpusTest = existsSync(MODEL_LIST) ? test : test.skip;

/** comfyui-manager's `base` field folded onto the families of family.ts (the ones it names alike). */
const MANAGER_BASES: Record<string, string> = { 'FLUX.1': 'flux', SDXL: 'sdxl', 'SD1.5': 'sd1', 'SD1.x': 'sd1', SD3: 'sd3', 'SD3.5': 'sd3', 'Hunyuan Video': 'hunyuan' };

corpusTest('model-list.json: a missing model of a known family never gets a candidate of another family', () => {
  const entries = (JSON.parse(readFileSync(MODEL_LIST, 'utf8')) as { models: { type: string; base: string; filename: string; save_path: string }[] }).models;
  const typed = entries.filter((m) => MANAGER_BASES[m.base] && ['VAE', 'lora', 'checkpoint', 'controlnet', 'diffusion_model'].includes(m.type));
  const category = (m: (typeof typed)[number]) => ({ VAE: 'vae', lora: 'loras', checkpoint: 'checkpoints', controlnet: 'controlnet', diffusion_model: 'diffusion_models' })[m.type]!;
  const files = typed.map((m) => ({ path: `${category(m)}/${m.filename}`, baseModel: MANAGER_BASES[m.base] as BaseModel }));
  assert.ok(files.length > 50, `expected many typed models, found ${files.length}`);
  const lib = libraryOf(files.filter((f) => ['sd1', 'sdxl', 'sd3', 'flux'].includes(f.baseModel)));
  let checked = 0;
  for (const m of typed) {
    const family = MANAGER_BASES[m.base];
    // The model is missing under a variant name (`_v2` added); its workflow's checkpoint names its family.
    const missingName = m.filename.replace(/(\.[a-z0-9]+)$/i, '_v2$1');
    const checkpoint = { sd1: 'v1-5-pruned-emaonly.ckpt', sdxl: 'sd_xl_base_1.0.safetensors', sd3: 'sd3.5_large.safetensors', flux: 'flux1-dev.safetensors' }[family];
    if (!checkpoint) continue;
    const [, r] = resolveReferences([ref(checkpoint, 'checkpoints', '1'), ref(missingName, category(m), '2')], { index: lib });
    if (r.resolution.status !== 'missing') continue;
    for (const c of r.resolution.candidates) {
      const other = (c.location as IndexedLocation).baseModel;
      assert.equal(other, family, `${missingName} (${m.base}) got ${c.relativePath} (${other})`);
    }
    checked++;
  }
  assert.ok(checked > 50, `checked ${checked}`);
});
