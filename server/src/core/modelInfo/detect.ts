// From a header (tensor names + shapes, metadata) to what the model is. Metadata first
// (modelspec.architecture, kohya ss_base_model_version, GGUF general.architecture), else the tensor
// layout, following the cues ComfyUI's model detection (comfy/model_detection.py) keys on: MMDiT
// `joint_blocks` → SD 3, `double_blocks` + `single_blocks` → Flux, an LDM UNet's cross-attention width
// (`…transformer_blocks.0.attn2.to_k.weight` shape[1]: 768 SD 1, 1024 SD 2, 2048 SDXL) and SDXL's
// `label_emb`. LoRAs carry the same widths in their `attn2_to_k` down matrices, and their key prefixes
// name the families (`lora_te1_`/`lora_te2_` are SDXL's two text encoders).
import { baseModelFromName } from './baseModelName';
import type { TensorHeader } from './safetensors';
import type { BaseModel, ModelHeaderInfo, ModelKind } from './types';

/** Cross-attention context width → family (ComfyUI's supported_models: SD15, SD20, SDXL). */
const CONTEXT_DIM: Record<number, BaseModel> = { 768: 'sd1', 1024: 'sd2', 2048: 'sdxl', 1280: 'sdxl' };

const MAX_WORDS = 12;
/** Embedded thumbnails larger than this (data URI characters) are not kept. */
export const MAX_THUMBNAIL = 256 * 1024;
/** Tag-frequency JSON larger than this is not parsed. */
const MAX_TAG_JSON = 1024 * 1024;
const MAX_TITLE = 200;

export function describeHeader(format: ModelHeaderInfo['format'], header: TensorHeader): ModelHeaderInfo {
  const names = [...header.tensors.keys()];
  const kind = kindFromTensors(names) ?? kindFromMetadata(header.metadata);
  const info: ModelHeaderInfo = { format, baseModel: baseFromMetadata(header.metadata) ?? baseFromTensors(header.tensors, names, kind), kind };
  const words = trainedWords(header.metadata);
  if (words.length) info.trainedWords = words;
  const title = (header.metadata.get('modelspec.title') ?? header.metadata.get('ss_output_name') ?? header.metadata.get('general.name'))?.trim();
  if (title) info.title = title.slice(0, MAX_TITLE);
  const thumb = header.metadata.get('modelspec.thumbnail');
  if (thumb && thumb.length <= MAX_THUMBNAIL && /^data:image\/(png|jpeg|jpg|webp|gif);base64,[A-Za-z0-9+/=\s]+$/.test(thumb)) info.thumbnail = thumb;
  return info;
}

function baseFromMetadata(m: Map<string, string>): BaseModel | null {
  const arch = m.get('modelspec.architecture');
  if (arch) return baseModelFromName(arch);
  const kohya = m.get('ss_base_model_version');
  if (kohya) return baseModelFromName(kohya);
  if (m.get('ss_v2') === 'True') return 'sd2';
  return baseModelFromName(m.get('general.architecture'));
}

function kindFromMetadata(m: Map<string, string>): ModelKind | null {
  const suffix = m.get('modelspec.architecture')?.toLowerCase().split('/')[1];
  if (suffix === 'lora') return 'lora';
  if (suffix === 'lycoris' || suffix === 'loha' || suffix === 'lokr') return 'lycoris';
  if (suffix === 'controlnet') return 'controlnet';
  if (m.has('ss_network_module')) return /lycoris/.test(m.get('ss_network_module')!) ? 'lycoris' : 'lora';
  return null;
}

const has = (names: readonly string[], test: (n: string) => boolean) => names.some(test);

export function kindFromTensors(names: readonly string[]): ModelKind | null {
  if (has(names, (n) => /\.(hada_w[12]_[ab]|lokr_w[12](_[ab])?)$/.test(n))) return 'lycoris';
  if (has(names, (n) => /\.(lora_down|lora_up|lora_A|lora_B|lora\.down|lora\.up)\.weight$/.test(n))) return 'lora';
  if (has(names, (n) => n.startsWith('control_model.') || n.includes('input_hint_block.') || n.startsWith('controlnet_') || n.includes('.controlnet_'))) return 'controlnet';
  const diffusion = has(names, (n) => n.startsWith('model.diffusion_model.'));
  if (diffusion && has(names, (n) => n.startsWith('first_stage_model.') || n.startsWith('cond_stage_model.') || n.startsWith('conditioner.'))) return 'checkpoint';
  if (diffusion || has(names, (n) => /^(input_blocks\.0\.0\.weight|double_blocks\.0\.|joint_blocks\.0\.)/.test(n))) return 'diffusion_model';
  if (has(names, (n) => /^(encoder\.down\.0\.|decoder\.up\.0\.|encoder\.down_blocks\.0\.|decoder\.up_blocks\.0\.)/.test(n))) return 'vae';
  if (has(names, (n) => /^(text_model\.encoder\.layers\.|encoder\.block\.0\.layer\.|shared\.weight$|transformer\.resblocks\.)/.test(n))) return 'text_encoder';
  if (names.length > 0 && names.length <= 4 && names.every((n) => /^(emb_params|string_to_param\.\*|clip_l|clip_g)$/.test(n))) return 'embedding';
  return null;
}

/** The context width of the first cross-attention key projection found (UNet, diffusers UNet, LoRA down matrix). */
function contextWidth(tensors: Map<string, number[]>, names: readonly string[]): number | undefined {
  for (const n of names) {
    // Full weights: attn2.to_k.weight is [inner, context]. LoRA down / A / LoHa w1_b matrices are [rank, context].
    // IP-Adapter: to_k_ip is [inner, context] too.
    if (/(attn2[._]to_k(\.weight|\.lora_down\.weight|\.lora_A\.weight|\.lora\.down\.weight|\.hada_w1_b)|[._]to_k_ip\.weight)$/.test(n)) {
      const shape = tensors.get(n)!;
      if (shape.length >= 2 && CONTEXT_DIM[shape[1]]) return shape[1];
    }
  }
  return undefined;
}

/** The text-encoder width of a LoRA's CLIP part (q_proj down matrix): 768 CLIP-L (SD 1), 1024 OpenCLIP-H (SD 2). */
function textEncoderWidth(tensors: Map<string, number[]>, names: readonly string[]): number | undefined {
  for (const n of names) {
    if (/^lora_te_.*self_attn_q_proj\.lora_down\.weight$/.test(n)) return tensors.get(n)![1];
  }
  return undefined;
}

function baseFromTensors(tensors: Map<string, number[]>, names: readonly string[], kind: ModelKind | null): BaseModel | null {
  if (has(names, (n) => /(^|\.|_)joint_blocks[._]\d/.test(n))) return 'sd3';
  if (has(names, (n) => /(^|\.|_)(double_blocks|single_blocks)[._]\d/.test(n) || /(^|\.|_)single_transformer_blocks[._]\d/.test(n))) return 'flux';
  if (kind === 'lora' || kind === 'lycoris') {
    if (has(names, (n) => n.startsWith('lora_te1_') || n.startsWith('lora_te2_'))) return 'sdxl';
  }
  if (has(names, (n) => /(^|\.)label_emb\.0\.0\.weight$/.test(n) && tensors.get(n)![1] === 2816)) return 'sdxl';
  const width = contextWidth(tensors, names) ?? textEncoderWidth(tensors, names);
  return width ? CONTEXT_DIM[width] : null;
}

/** Kohya's tag frequencies (`{dataset: {tag: count}}`) summed, most frequent first; else the modelspec trigger phrase. */
function trainedWords(m: Map<string, string>): string[] {
  const raw = m.get('ss_tag_frequency');
  if (raw && raw.length <= MAX_TAG_JSON) {
    try {
      const counts = new Map<string, number>();
      const datasets = JSON.parse(raw) as unknown;
      for (const tags of Object.values(datasets && typeof datasets === 'object' ? datasets : {})) {
        if (!tags || typeof tags !== 'object') continue;
        for (const [tag, count] of Object.entries(tags as Record<string, unknown>)) {
          const word = tag.trim();
          if (word && typeof count === 'number' && Number.isFinite(count)) counts.set(word, (counts.get(word) ?? 0) + count);
        }
      }
      const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, MAX_WORDS).map(([w]) => w.slice(0, 100));
      if (top.length) return top;
    } catch {
      // damaged tag frequencies: no trained words from them
    }
  }
  const phrase = m.get('modelspec.trigger_phrase')?.trim();
  return phrase ? phrase.split(',').map((w) => w.trim()).filter(Boolean).slice(0, MAX_WORDS) : [];
}
