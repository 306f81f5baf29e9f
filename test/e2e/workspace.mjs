// Generates a small ComfyUI project for the e2e tests and the `npm start` demo: workflows that
// exercise each resolution outcome, a pyproject.toml manifest, and a tiny model library of
// generated safetensors-shaped files. Everything here is written by the project (never the corpus).
//
//   writeWorkspace(root, { downloads? }) -> fixture: { folder, modelsDir, indexPath, workflows, models, downloads? }
// With `downloads` (the e2e run's loopback stand-ins for CivitAI / Hugging Face), the provider settings
// point at them and two workflows carry `models` metadata URLs on them; the demo uses the real hosts.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { blake3 } from 'hash-wasm';

/** The library: key -> path under the models root. */
const MODELS = {
  sdxlBase: 'checkpoints/sd_xl_base_1.0.safetensors',
  dreamshaper: 'checkpoints/dreamshaper_8.safetensors',
  detailLora: 'loras/add-detail-xl.safetensors',
  pixelArtLora: 'loras/styles/pixel-art-xl.safetensors',
  sdxlVae: 'vae/sdxl_vae.safetensors',
  upscaler: 'upscale_models/4x-UltraSharp.pth',
};

/** A safetensors-shaped file of a few KB: 8-byte header length, JSON header, deterministic tensor bytes. */
function modelBytes(relativePath) {
  const size = 2048 + (relativePath.length * 97) % 2048;
  const header = Buffer.from(JSON.stringify({ __metadata__: { generator: 'comfy-models demo', name: relativePath }, w: { dtype: 'F16', shape: [size / 2], data_offsets: [0, size] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  const data = Buffer.alloc(size);
  let x = [...relativePath].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0; // LCG: distinct, reproducible content per file
    data[i] = x >>> 24;
  }
  return Buffer.concat([len, header, data]);
}

/** ComfyDock's quick hash for files ≤ 5 MiB: BLAKE3 of the decimal size then the bytes, 16 hex. */
async function quickHash(bytes) {
  return (await blake3(Buffer.concat([Buffer.from(String(bytes.length)), bytes]))).slice(0, 16);
}

/** A UI-format (litegraph, schema 0.4) workflow from [type, widgets_values] pairs, laid out left to right. */
function uiWorkflow(nodes) {
  return {
    last_node_id: nodes.length,
    last_link_id: 0,
    nodes: nodes.map(([type, widgets_values], i) => ({
      id: i + 1, type, pos: [60 + 340 * i, 120], size: [315, 98], flags: {}, order: i, mode: 0,
      inputs: [], outputs: [], properties: { 'Node name for S&R': type }, widgets_values,
    })),
    links: [], groups: [], config: {}, extra: { ds: { scale: 1, offset: [0, 0] } }, version: 0.4,
  };
}

const SAMPLING = [
  ['CLIPTextEncode', ['a lighthouse on a cliff at dawn, detailed, 35mm photo']],
  ['CLIPTextEncode', ['blurry, low quality']],
  ['EmptyLatentImage', [1024, 1024, 1]],
  ['KSampler', [156680208700286, 'randomize', 25, 7, 'dpmpp_2m', 'karras', 1]],
  ['VAEDecode', []],
  ['SaveImage', ['ComfyUI']],
];

const WORKFLOWS = {
  // Every model is in the library where the workflow says.
  allPresent: ['workflows/sdxl-all-present.json', uiWorkflow([
    ['CheckpointLoaderSimple', ['sd_xl_base_1.0.safetensors']],
    ['LoraLoader', ['add-detail-xl.safetensors', 0.8, 0.8]],
    ['VAELoader', ['sdxl_vae.safetensors']],
    ...SAMPLING,
  ])],
  // The checkpoint is missing; the library has a near miss (dreamshaper_8.safetensors) to map to.
  missing: ['workflows/dreamshaper-missing.json', uiWorkflow([
    ['CheckpointLoaderSimple', ['dreamshaper_8_pruned.safetensors']],
    ['UpscaleModelLoader', ['4x-UltraSharp.pth']],
    ...SAMPLING,
  ])],
  // The LoRA exists, but in loras/styles/: ComfyUI will not load it as written.
  wrongFolder: ['workflows/pixel-art-wrong-folder.json', uiWorkflow([
    ['CheckpointLoaderSimple', ['sd_xl_base_1.0.safetensors']],
    ['LoraLoader', ['pixel-art-xl.safetensors', 1, 1]],
    ...SAMPLING,
  ])],
  // API format (what "Save (API)" exports).
  api: ['workflows/api/sdxl-api.json', {
    4: { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' }, _meta: { title: 'Load Checkpoint' } },
    6: { class_type: 'CLIPTextEncode', inputs: { text: 'a lighthouse', clip: ['4', 1] } },
    10: { class_type: 'VAELoader', inputs: { vae_name: 'sdxl_vae.safetensors' } },
  }],
};

/** Workflows whose missing models carry a download URL in their `models` metadata (as ComfyUI templates do). */
function downloadWorkflows(urls) {
  return {
    download: ['workflows/flux-download.json', { ...uiWorkflow([['VAELoader', ['flux_ae.safetensors']], ...SAMPLING]), models: [{ name: 'flux_ae.safetensors', url: urls.vae, directory: 'vae' }] }],
    downloadPlan: ['workflows/flux-plan.json', { ...uiWorkflow([['CLIPLoader', ['clip_l_demo.safetensors', 'flux']], ['VAELoader', ['flux_ae.safetensors']], ...SAMPLING]), models: [{ name: 'clip_l_demo.safetensors', url: urls.clip, directory: 'text_encoders' }, { name: 'flux_ae.safetensors', url: urls.vae, directory: 'vae' }] }],
  };
}

const LIVE_URLS = {
  vae: 'https://huggingface.co/black-forest-labs/FLUX.1-schnell/resolve/main/ae.safetensors',
  clip: 'https://huggingface.co/comfyanonymous/flux_text_encoders/resolve/main/clip_l.safetensors',
};

function pyproject(models) {
  const m = models.sdxlBase;
  return `[project]
name = "comfy-models-demo"
version = "0.1.0"
description = "A ComfyUI environment whose models are named by content hash"
requires-python = ">=3.10"

# Models this environment needs, keyed by quick hash (see the Comfy Models README).
[tool.comfydock.models.required]
"${m.quickHash}" = { filename = "sd_xl_base_1.0.safetensors", category = "checkpoints", relative_path = "${m.relativePath}", size = ${m.size}, sources = [{ type = "huggingface", url = "https://huggingface.co/stabilityai/stable-diffusion-xl-base-1.0/resolve/main/sd_xl_base_1.0.safetensors" }] }
"5e1f0c2d9a8b7c6d" = { filename = "juggernaut_xl_v9.safetensors", category = "checkpoints", relative_path = "checkpoints/juggernaut_xl_v9.safetensors", size = 7105348188, sources = [{ type = "civitai", url = "https://civitai.com/api/download/models/348913" }] }

[tool.comfydock.workflows."sdxl-all-present"]
path = "workflows/sdxl-all-present.json"
`;
}

function write(path, content) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Settings the generated folder opens with: the library and a private index. */
function workspaceSettings(fixture, downloads) {
  return {
    ...(downloads && { 'comfyModels.civitai.baseUrl': downloads.civitaiBaseUrl, 'comfyModels.huggingface.endpoint': downloads.huggingFaceEndpoint }),
    'comfyModels.modelDirectories': [fixture.modelsDir],
    'comfyModels.indexPath': fixture.indexPath,
    'files.exclude': { '.comfy-models': true },
    // The demo lives inside this repository's .cache: do not offer to open the parent git repository.
    'git.openRepositoryInParentFolders': 'never',
  };
}

/** (Re)creates the project at `root` and returns its description. */
export async function writeWorkspace(root, { downloads } = {}) {
  rmSync(root, { recursive: true, force: true });
  const modelsDir = join(root, 'models');
  const fixture = { folder: root, modelsDir, indexPath: join(root, '.comfy-models', 'index.sqlite'), workflows: {}, models: {} };
  for (const [key, relativePath] of Object.entries(MODELS)) {
    const bytes = modelBytes(relativePath);
    write(join(modelsDir, relativePath), bytes);
    fixture.models[key] = { relativePath, size: bytes.length, quickHash: await quickHash(bytes) };
  }
  if (downloads) fixture.downloads = downloads;
  for (const [key, [relativePath, json]] of Object.entries({ ...WORKFLOWS, ...downloadWorkflows(downloads?.urls ?? LIVE_URLS) })) {
    write(join(root, relativePath), `${JSON.stringify(json, null, 2)}\n`);
    fixture.workflows[key] = join(root, relativePath);
  }
  write(join(root, 'pyproject.toml'), pyproject(fixture.models));
  mkdirSync(dirname(fixture.indexPath), { recursive: true });
  write(join(root, '.vscode', 'settings.json'), `${JSON.stringify(workspaceSettings(fixture, downloads), null, 2)}\n`);
  return fixture;
}
