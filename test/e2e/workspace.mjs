// Generates a small ComfyUI project for the e2e tests and the `npm start` demo: workflows that
// exercise each resolution outcome, a pyproject.toml manifest, and a tiny model library of
// generated safetensors-shaped files. Everything here is written by the project (never the corpus).
//
//   writeWorkspace(root, { downloads? }) -> fixture: { folder, modelsDir, secondModelsDir, indexPath, workflows, models, embeddedImage, downloads? }
// With `downloads` (the e2e run's loopback stand-ins for CivitAI / Hugging Face), the provider settings
// point at them and two workflows carry `models` metadata URLs on them (npm start does this too); without,
// the URLs name the real hosts.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { blake3 } from 'hash-wasm';

/** The library: key -> path under the models root. */
const MODELS = {
  sdxlBase: 'checkpoints/sd_xl_base_1.0.safetensors',
  dreamshaper: 'checkpoints/dreamshaper_8.safetensors',
  detailLora: 'loras/add-detail-xl.safetensors',
  pixelArtLora: 'loras/styles/pixel-art-xl.safetensors',
  sdxlVae: 'vae/sdxl_vae.safetensors',
  upscaler: 'upscale_models/4x-UltraSharp.pth',
  // An SD 1.5 LoRA: loaded after the SDXL checkpoint in the base-model-mismatch workflow.
  sd15Lora: 'loras/sd15/watercolor-sd15.safetensors',
};

/** What the headers say (DESIGN.md §4): SAI modelspec on the SDXL checkpoint, kohya metadata and key names on the SD 1.5 LoRA. */
const HEADERS = {
  sdxlBase: { metadata: { 'modelspec.sai_model_spec': '1.0.0', 'modelspec.architecture': 'stable-diffusion-xl-v1-base', 'modelspec.title': 'SDXL 1.0 Base' } },
  sd15Lora: {
    metadata: {
      ss_base_model_version: 'sd_v1', ss_network_module: 'networks.lora', ss_output_name: 'watercolor-sd15',
      ss_tag_frequency: JSON.stringify({ '10_watercolor': { watercolor: 40, 'soft light': 12, 'paper texture': 9 } }),
    },
    tensors: {
      'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight': [4, 768],
      'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_up.weight': [320, 4],
    },
  },
};

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => (buf.reduce((c, b) => CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;

/** An RGB PNG of `size`² pixels coloured by `pixel(x, y) -> [r, g, b]`, with `texts` as tEXt chunks (keyword -> text). */
function png(size, pixel, texts = {}) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = [];
  for (let y = 0; y < size; y++) rows.push(Buffer.from([0, ...Array.from({ length: size }, (_, x) => pixel(x, y)).flat()]));
  // ComfyUI writes its `prompt` and `workflow` JSON as tEXt chunks (Latin-1 keyword, NUL, UTF-8 text).
  const text = Object.entries(texts).map(([keyword, value]) => chunk('tEXt', Buffer.concat([Buffer.from(`${keyword}\0`, 'latin1'), Buffer.from(value, 'utf8')])));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', ihdr), ...text, chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** The preview image the demo's SD 1.5 LoRA has beside it (`<stem>.preview.png`): a watercolour-ish wash. */
const PREVIEW_PNG = png(128, (x, y) => [120 + Math.round(100 * Math.sin(x / 20) ** 2), 150 + Math.round(80 * Math.cos((x + y) / 30) ** 2), 210 + Math.round(40 * Math.sin(y / 15))]);

/** A safetensors-shaped file of a few KB: 8-byte header length, JSON header, deterministic tensor bytes. */
function modelBytes(relativePath, { metadata = {}, tensors } = {}) {
  let size = 2048 + ((relativePath.length * 97) % 1024) * 2; // even: whole F16 elements
  const entries = {};
  if (tensors) {
    size = 0;
    for (const [name, shape] of Object.entries(tensors)) {
      const bytes = shape.reduce((a, b) => a * b, 1) * 2;
      entries[name] = { dtype: 'F16', shape, data_offsets: [size, size + bytes] };
      size += bytes;
    }
  } else entries.w = { dtype: 'F16', shape: [size / 2], data_offsets: [0, size] };
  const header = Buffer.from(JSON.stringify({ __metadata__: { generator: 'comfy-models demo', name: relativePath, ...metadata }, ...entries }));
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

/**
 * A UI-format (litegraph, schema 0.4) workflow from [type, widgets_values, modelFrom?] entries, laid out
 * left to right. `modelFrom` (1-based node number) links that node's MODEL output to this node's model input.
 */
function uiWorkflow(nodes) {
  const links = [];
  const built = nodes.map(([type, widgets_values, modelFrom], i) => {
    const inputs = [];
    if (modelFrom) {
      links.push([links.length + 1, modelFrom, 0, i + 1, 0, 'MODEL']);
      inputs.push({ name: 'model', type: 'MODEL', link: links.length });
    }
    return { id: i + 1, type, pos: [60 + 340 * i, 120], size: [315, 98], flags: {}, order: i, mode: 0, inputs, outputs: [], properties: { 'Node name for S&R': type }, widgets_values };
  });
  for (const [id, from] of links) built[from - 1].outputs = [{ name: 'MODEL', type: 'MODEL', links: [...(built[from - 1].outputs[0]?.links ?? []), id], slot_index: 0 }];
  return { last_node_id: nodes.length, last_link_id: links.length, nodes: built, links, groups: [], config: {}, extra: { ds: { scale: 1, offset: [0, 0] } }, version: 0.4 };
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
  // An SDXL checkpoint feeds an SD 1.5 LoRA: base-model-mismatch on the LoRA.
  baseMismatch: ['workflows/sd15-lora-on-sdxl.json', uiWorkflow([
    ['CheckpointLoaderSimple', ['sd_xl_base_1.0.safetensors']],
    ['LoraLoader', ['sd15/watercolor-sd15.safetensors', 0.8, 0.8], 1],
    ...SAMPLING.map(([type, values]) => (type === 'KSampler' ? [type, values, 2] : [type, values])),
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
    'comfyModels.modelDirectories': [fixture.modelsDir, fixture.secondModelsDir],
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
  // A second, empty model folder (another disk, say): downloads may be sent there instead.
  const secondModelsDir = join(root, 'models-2');
  mkdirSync(secondModelsDir, { recursive: true });
  const fixture = { folder: root, modelsDir, secondModelsDir, indexPath: join(root, '.comfy-models', 'index.sqlite'), workflows: {}, models: {} };
  for (const [key, relativePath] of Object.entries(MODELS)) {
    const bytes = modelBytes(relativePath, HEADERS[key]);
    write(join(modelsDir, relativePath), bytes);
    fixture.models[key] = { relativePath, size: bytes.length, quickHash: await quickHash(bytes) };
  }
  write(join(modelsDir, MODELS.sd15Lora.replace(/\.safetensors$/, '.preview.png')), PREVIEW_PNG);
  if (downloads) fixture.downloads = downloads;
  for (const [key, [relativePath, json]] of Object.entries({ ...WORKFLOWS, ...downloadWorkflows(downloads?.urls ?? LIVE_URLS) })) {
    write(join(root, relativePath), `${JSON.stringify(json, null, 2)}\n`);
    fixture.workflows[key] = join(root, relativePath);
  }
  // An image as ComfyUI saves it, its workflow inside (the one that downloads its VAE): "Open Embedded
  // Workflow" on it shows the workflow read-only with its missing model.
  fixture.embeddedImage = join(root, 'output', 'ComfyUI_00001_.png');
  const embedded = JSON.parse(readFileSync(fixture.workflows.download, 'utf8'));
  write(fixture.embeddedImage, png(64, (x, y) => [40 + 3 * x, 90 + 2 * y, 160], { prompt: '{}', workflow: JSON.stringify(embedded) }));
  write(join(root, 'pyproject.toml'), pyproject(fixture.models));
  mkdirSync(dirname(fixture.indexPath), { recursive: true });
  write(join(root, '.vscode', 'settings.json'), `${JSON.stringify(workspaceSettings(fixture, downloads), null, 2)}\n`);
  return fixture;
}
