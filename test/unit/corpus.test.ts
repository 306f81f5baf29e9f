// Conformance over the real-workflow corpus, read in place (never copied): every file parses,
// every hand-checked ground-truth row of SOURCES.md is found, UI/API twins agree.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseWorkflow } from '../../server/src/core/workflow';
import type { ModelReference } from '../../server/src/core/types';

const CORPUS = join(__dirname, '../../../../shared/corpus/workflows');
const present = existsSync(join(CORPUS, 'SOURCES.md'));
if (!present) console.log(`# corpus not found at ${CORPUS}: corpus conformance tests are skipped`);
const corpusTest = present ? test : test.skip;

const read = (file: string): string => readFileSync(join(CORPUS, file), 'utf8');

function allFiles(): string[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(CORPUS, d.name)).filter((f) => f.endsWith('.json')).map((f) => `${d.name}/${f}`))
    .sort();
}

/** [node id, node type, widget index or input name, value, category, active] */
type Row = [string, string, number | string, string, string | null, boolean];

const T = true;
const F = false;
const GROUND_TRUTH: Record<string, Row[]> = {
  // GT-1
  'comfyui_examples/png__sdxl__sdxl_refiner_prompt_example.workflow.json': [
    ['4', 'CheckpointLoaderSimple', 0, 'sd_xl_base_1.0.safetensors', 'checkpoints', T],
    ['12', 'CheckpointLoaderSimple', 0, 'sd_xl_refiner_1.0.safetensors', 'checkpoints', T],
  ],
  'comfyui_examples/png__sdxl__sdxl_refiner_prompt_example.prompt.json': [
    ['4', 'CheckpointLoaderSimple', 'ckpt_name', 'sd_xl_base_1.0.safetensors', 'checkpoints', T],
    ['12', 'CheckpointLoaderSimple', 'ckpt_name', 'sd_xl_refiner_1.0.safetensors', 'checkpoints', T],
  ],
  // GT-2
  'comfyui_examples/png__lora__lora_multiple.workflow.json': [
    ['4', 'CheckpointLoaderSimple', 0, 'v1-5-pruned-emaonly.ckpt', 'checkpoints', T],
    ['10', 'LoraLoader', 0, 'epiNoiseoffset_v2.safetensors', 'loras', T],
    ['11', 'LoraLoader', 0, 'theovercomer8sContrastFix_sd15.safetensors', 'loras', T],
  ],
  // GT-3
  'comfyui_examples/png__flux__flux_dev_example.workflow.json': [
    ['11', 'DualCLIPLoader', 0, 't5xxl_fp16.safetensors', 'text_encoders', T],
    ['11', 'DualCLIPLoader', 1, 'clip_l.safetensors', 'text_encoders', T],
    ['12', 'UNETLoader', 0, 'flux1-dev.safetensors', 'diffusion_models', T],
    ['10', 'VAELoader', 0, 'ae.safetensors', 'vae', T],
  ],
  // GT-4
  'comfyui_examples/png__sd3__sd3.5_text_encoders_example.workflow.json': [
    ['4', 'CheckpointLoaderSimple', 0, 'sd3.5_large.safetensors', 'checkpoints', T],
    ['41', 'CLIPLoader', 0, 't5xxl_fp16.safetensors', 'text_encoders', T],
    ['42', 'DualCLIPLoader', 0, 'clip_l.safetensors', 'text_encoders', T],
    ['42', 'DualCLIPLoader', 1, 'clip_g.safetensors', 'text_encoders', T],
    ['43', 'TripleCLIPLoader', 0, 'clip_l.safetensors', 'text_encoders', T],
    ['43', 'TripleCLIPLoader', 1, 'clip_g.safetensors', 'text_encoders', T],
    ['43', 'TripleCLIPLoader', 2, 't5xxl_fp16.safetensors', 'text_encoders', T],
  ],
  // GT-5
  'comfyui_examples/png__controlnet__depth_controlnet.workflow.json': [
    ['33', 'DiffControlNetLoader', 0, 'diff_control_sd15_depth_fp16.safetensors', 'controlnet', T],
    ['34', 'CheckpointLoaderSimple', 0, 'v1-5-pruned-emaonly.ckpt', 'checkpoints', T],
  ],
  'comfyui_examples/png__controlnet__depth_controlnet.prompt.json': [
    ['33', 'DiffControlNetLoader', 'control_net_name', 'diff_control_sd15_depth_fp16.safetensors', 'controlnet', T],
    ['34', 'CheckpointLoaderSimple', 'ckpt_name', 'v1-5-pruned-emaonly.ckpt', 'checkpoints', T],
  ],
  // GT-6
  'comfyui_examples/png__hidream__hidream_full_example.workflow.json': [
    ['54', 'QuadrupleCLIPLoader', 0, 'clip_l_hidream.safetensors', 'text_encoders', T],
    ['54', 'QuadrupleCLIPLoader', 1, 'clip_g_hidream.safetensors', 'text_encoders', T],
    ['54', 'QuadrupleCLIPLoader', 2, 't5xxl_fp8_e4m3fn_scaled.safetensors', 'text_encoders', T],
    ['54', 'QuadrupleCLIPLoader', 3, 'llama_3.1_8b_instruct_fp8_scaled.safetensors', 'text_encoders', T],
    ['55', 'VAELoader', 0, 'ae.safetensors', 'vae', T],
    ['69', 'UNETLoader', 0, 'hidream_i1_full_fp16.safetensors', 'diffusion_models', T],
  ],
  // GT-7
  'comfyui_examples/png__flux__flux_redux_model_example.workflow.json': [
    ['11', 'DualCLIPLoader', 0, 't5xxl_fp16.safetensors', 'text_encoders', T],
    ['11', 'DualCLIPLoader', 1, 'clip_l.safetensors', 'text_encoders', T],
    ['12', 'UNETLoader', 0, 'flux1-dev.safetensors', 'diffusion_models', T],
    ['10', 'VAELoader', 0, 'ae.safetensors', 'vae', T],
    ['42', 'StyleModelLoader', 0, 'flux1-redux-dev.safetensors', 'style_models', T],
    ['38', 'CLIPVisionLoader', 0, 'sigclip_vision_patch14_384.safetensors', 'clip_vision', T],
  ],
  // GT-8
  'comfyui_examples/hunyuan_video__hunyuan_video_image_to_video.json': [
    ['82', 'CLIPVisionLoader', 0, 'llava_llama3_vision.safetensors', 'clip_vision', T],
    ['11', 'DualCLIPLoader', 0, 'clip_l.safetensors', 'text_encoders', T],
    ['11', 'DualCLIPLoader', 1, 'llava_llama3_fp8_scaled.safetensors', 'text_encoders', T],
    ['10', 'VAELoader', 0, 'hunyuan_video_vae_bf16.safetensors', 'vae', T],
    ['12', 'UNETLoader', 0, 'hunyuan_video_image_to_video_720p_bf16.safetensors', 'diffusion_models', T],
  ],
  // GT-9
  'workflow_templates/image_qwen_image_controlnet_patch.json': [
    ['70', 'ModelPatchLoader', 0, 'qwen_image_canny_diffsynth_controlnet.safetensors', 'model_patches', T],
    ['39', 'VAELoader', 0, 'qwen_image_vae.safetensors', 'vae', T],
    ['37', 'UNETLoader', 0, 'qwen_image_fp8_e4m3fn.safetensors', 'diffusion_models', T],
    ['38', 'CLIPLoader', 0, 'qwen_2.5_vl_7b_fp8_scaled.safetensors', 'text_encoders', T],
    ['80', 'LoraLoaderModelOnly', 0, 'Qwen-Image-Lightning-4steps-V1.0.safetensors', 'loras', F],
  ],
  // GT-10
  'workflow_templates/video_wan2_2_14B_s2v.json': [
    ['38', 'CLIPLoader', 0, 'umt5_xxl_fp8_e4m3fn_scaled.safetensors', 'text_encoders', T],
    ['39', 'VAELoader', 0, 'wan_2.1_vae.safetensors', 'vae', T],
    ['57', 'AudioEncoderLoader', 0, 'wav2vec2_large_english_fp16.safetensors', 'audio_encoders', T],
    ['107', 'LoraLoaderModelOnly', 0, 'wan2.2_t2v_lightx2v_4steps_lora_v1.1_high_noise.safetensors', 'loras', T],
    ['37', 'UNETLoader', 0, 'wan2.2_s2v_14B_fp8_scaled.safetensors', 'diffusion_models', T],
    ['147', 'CLIPLoader', 0, 'umt5_xxl_fp8_e4m3fn_scaled.safetensors', 'text_encoders', F],
    ['150', 'VAELoader', 0, 'wan_2.1_vae.safetensors', 'vae', F],
    ['151', 'AudioEncoderLoader', 0, 'wav2vec2_large_english_fp16.safetensors', 'audio_encoders', F],
    ['161', 'UNETLoader', 0, 'wan2.2_s2v_14B_fp8_scaled.safetensors', 'diffusion_models', F],
  ],
  // GT-11
  'workflow_templates/image_qwen_image_instantx_controlnet.json': [
    ['38', 'CLIPLoader', 0, 'qwen_2.5_vl_7b_fp8_scaled.safetensors', 'text_encoders', T],
    ['39', 'VAELoader', 0, 'qwen_image_vae.safetensors', 'vae', T],
    ['84', 'ControlNetLoader', 0, 'Qwen-Image-InstantX-ControlNet-Union.safetensors', 'controlnet', T],
    ['37', 'UNETLoader', 0, 'qwen_image_fp8_e4m3fn.safetensors', 'diffusion_models', T],
    ['80', 'LoraLoaderModelOnly', 0, 'Qwen-Image-Lightning-4steps-V1.0.safetensors', 'loras', F],
    ['106', 'VAELoader', 0, 'vae-ft-mse-840000-ema-pruned.safetensors', 'vae', T],
    ['106', 'UNETLoader', 1, 'lotus-depth-d-v1-1.safetensors', 'diffusion_models', T],
  ],
  // GT-12
  'frontend_browser_tests/missing__missing_models_in_subgraph.json': [['2:1', 'CheckpointLoaderSimple', 0, 'fake_model.safetensors', 'checkpoints', T]],
  'frontend_browser_tests/missing__missing_models_in_bypassed_subgraph.json': [['2:1', 'CheckpointLoaderSimple', 0, 'fake_model.safetensors', 'checkpoints', F]],
  // GT-13
  'frontend_browser_tests/missing__model_metadata_widget_mismatch.json': [['1', 'CheckpointLoaderSimple', 0, 'current_selected_model.safetensors', 'checkpoints', T]],
  // GT-14
  'frontend_browser_tests/missing__nested_subgraph_installed_model.json': [['205:76:203', 'UNETLoader', 0, 'lotus-depth-d-v1-1.safetensors', 'diffusion_models', T]],
  // GT-15
  'frontend_browser_tests/groupnodes__group_node_v1.3.3.json': [['10', 'CheckpointLoaderSimple', 3, 'v1-5-pruned-emaonly.ckpt', 'checkpoints', T]],
  // GT-16
  'cubiq_workflows/in-out_painting__SDXL_inpaint_SD15.json': [
    ['14', 'CheckpointLoaderSimple', 0, 'sd_xl_base_1.0.safetensors', 'checkpoints', T],
    ['15', 'CheckpointLoaderSimple', 0, 'sd_xl_refiner_1.0.safetensors', 'checkpoints', T],
    ['33', 'VAELoader', 0, 'sdxl_vae.safetensors', 'vae', T],
    ['46', 'VAELoader', 0, 'vae-ft-mse-840000-ema-pruned.safetensors', 'vae', T],
    ['39', 'CheckpointLoaderSimple', 0, 'v15/dreamshaper_8Inpainting.safetensors', 'checkpoints', T],
  ],
  // GT-17
  'cubiq_workflows/text2img__embeddings.json': [
    ['4', 'CheckpointLoaderSimple', 0, 'v1-5-pruned-emaonly.safetensors', 'checkpoints', T],
    ['11', 'VAELoader', 0, 'vae-ft-mse-840000-ema-pruned.safetensors', 'vae', T],
    ['7', 'CLIPTextEncode', 0, 'UnrealisticDream', 'embeddings', T],
    ['7', 'CLIPTextEncode', 0, 'BadDream', 'embeddings', T],
  ],
  'comfyui_examples/png__textual_inversion_embeddings__embedding_example.workflow.json': [
    ['6', 'CLIPTextEncode', 0, 'SDA768.pt', 'embeddings', T],
    ['4', 'CheckpointLoaderSimple', 0, 'v2-1_768-ema-pruned.ckpt', 'checkpoints', T],
  ],
  // GT-18
  'comfyui_tests/default_graph_sdxl1_0.json': [
    ['4', 'CheckpointLoaderSimple', 'ckpt_name', 'sd_xl_base_1.0.safetensors', 'checkpoints', T],
    ['16', 'CheckpointLoaderSimple', 'ckpt_name', 'sd_xl_refiner_1.0.safetensors', 'checkpoints', T],
  ],
  'comfy_cli/default_text2img.json': [['4', 'CheckpointLoaderSimple', 'ckpt_name', 'v1-5-pruned-emaonly-fp16.safetensors', 'checkpoints', T]],
  // GT-19
  'comfyui_examples/png__unclip__unclip_example.workflow.json': [['32', 'unCLIPCheckpointLoader', 0, 'sd21-unclip-h.ckpt', 'checkpoints', T]],
  'comfyui_examples/png__3d__stable_zero123_example.workflow.json': [['15', 'ImageOnlyCheckpointLoader', 0, 'stable_zero123.ckpt', 'checkpoints', T]],
  'comfyui_examples/png__hypernetworks__hypernetwork_example.workflow.json': [['10', 'HypernetworkLoader', 0, 'dantionMarbleStatues_10.pt', 'hypernetworks', T]],
  'comfyui_examples/png__upscale_models__esrgan_example.workflow.json': [['13', 'UpscaleModelLoader', 0, 'RealESRGAN_x2.pth', 'upscale_models', T]],
  'comfyui_examples/png__gligen__gligen_textbox_example.workflow.json': [['10', 'GLIGENLoader', 0, 'gligen_sd14_textbox_pruned.safetensors', 'gligen', T]],
  'comfyui_examples/png__controlnet__depth_t2i_adapter.workflow.json': [['31', 'ControlNetLoader', 0, 't2iadapter_depth_sd14v1.pth', 'controlnet', T]],
  'vhs_tests/old-vae-conversion.json': [['10', 'VAELoader', 0, 'taesd', 'vae_approx', T]],
  'cubiq_workflows/image_conditioning__IPAdapter_basic_SDXL.json': [
    ['46', 'IPAdapterModelLoader', 0, 'ip-adapter_sdxl.bin', 'ipadapter', T],
    ['38', 'CLIPVisionLoader', 0, 'IP-Adapter_sdxl_pytorch_model.bin', 'clip_vision', T],
  ],
  'frontend_browser_tests/missing__deprecated_nodes_complex.json': [['1', 'T2IAdapterLoader', 0, 't2iadapter_model.safetensors', 'controlnet', T]],
  'comfygit_fixtures/with_custom_node.json': [['86', 'DownloadAndLoadDepthAnythingV2Model', 0, 'depth_anything_v2_vits_fp16.safetensors', 'depthanything', T]],
};

const rowOf = (r: ModelReference): Row => [r.nodeId, r.nodeType, r.widgetIndex ?? r.inputName ?? -1, r.value, r.category, r.active];

corpusTest('every corpus file parses without throwing, with exact spans', () => {
  const files = allFiles();
  assert.ok(files.length >= 240, `expected the 243-file corpus, found ${files.length}`);
  let refs = 0;
  for (const file of files) {
    const text = read(file);
    const result = parseWorkflow(text);
    assert.notEqual(result.format, null, `${file} is a workflow`);
    assert.deepEqual(result.errors, [], `${file} is valid JSON`);
    for (const r of result.references) {
      const raw = text.slice(r.offset, r.offset + r.length);
      assert.equal(JSON.parse(`"${raw}"`), r.value, `${file} node ${r.nodeId}: span holds the value`);
    }
    refs += result.references.length;
  }
  assert.ok(refs > 500, `found ${refs} references`);
});

for (const [file, rows] of Object.entries(GROUND_TRUTH)) {
  corpusTest(`ground truth: ${file}`, () => {
    const found = parseWorkflow(read(file)).references.map(rowOf);
    for (const row of rows) assert.ok(found.some((f) => JSON.stringify(f) === JSON.stringify(row)), `missing ${JSON.stringify(row)} in ${JSON.stringify(found)}`);
  });
}

corpusTest('GT-3 traps: Note nodes naming model files are no references', () => {
  const refs = parseWorkflow(read('comfyui_examples/png__flux__flux_dev_example.workflow.json')).references;
  assert.deepEqual(refs.filter((r) => r.nodeId === '28' || r.nodeId === '37'), []);
  assert.equal(refs.length, 4);
});

corpusTest('GT-13: unselected properties.models entries are ignored', () => {
  const refs = parseWorkflow(read('frontend_browser_tests/missing__model_metadata_widget_mismatch.json')).references;
  assert.equal(refs.length, 1);
  assert.deepEqual(refs[0].metadata ?? [], []);
  const names = refs.flatMap((r) => r.metadata ?? []).map((m) => m.name);
  assert.ok(!names.includes('outdated_model.safetensors'));
});

corpusTest('GT-8: top-level models metadata enriches the selected references with their download URLs', () => {
  const refs = parseWorkflow(read('comfyui_examples/hunyuan_video__hunyuan_video_image_to_video.json')).references.filter((r) => r.active);
  for (const r of refs) assert.match(r.metadata?.[0]?.url ?? '', /^https:\/\/huggingface\.co\/Comfy-Org\/HunyuanVideo_repackaged\/resolve\/main\/split_files\/.*\?download=true$/, r.value);
});

corpusTest('GT-18: an API file with an unknown node type has no references', () => {
  const result = parseWorkflow(read('frontend_browser_tests/nodes__api_workflow_with_missing_nodes.json'));
  assert.equal(result.format, 'api');
  assert.deepEqual(result.references, []);
});

corpusTest('UI/API twins (png__*.workflow.json / .prompt.json) yield the same active values', () => {
  const files = allFiles().filter((f) => f.endsWith('.workflow.json') && existsSync(join(CORPUS, f.replace(/\.workflow\.json$/, '.prompt.json'))));
  assert.ok(files.length >= 50, `found ${files.length} twins`);
  const values = (file: string): string[] =>
    [...new Set(parseWorkflow(read(file)).references.filter((r) => r.active).map((r) => `${r.category}:${r.value}`))].sort();
  for (const ui of files) assert.deepEqual(values(ui), values(ui.replace(/\.workflow\.json$/, '.prompt.json')), ui);
});
