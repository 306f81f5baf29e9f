// Generated model files with real-looking headers (safetensors, GGUF): the tensor names and shapes each
// family's files carry, optional kohya / modelspec metadata, and hostile variants. Tensor data is left
// sparse (zeros), so even checkpoint-sized layouts cost no disk.
import { closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type Shapes = Record<string, number[]>;

/** The safetensors header JSON for `tensors` (F16, packed in order) and metadata. */
export function safetensorsHeader(tensors: Shapes, metadata?: Record<string, string>): { json: string; dataBytes: number } {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, shape] of Object.entries(tensors)) {
    const bytes = shape.reduce((a, b) => a * b, 1) * 2;
    header[name] = { dtype: 'F16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  return { json: JSON.stringify(header), dataBytes: offset };
}

/** Write 8-byte length + header bytes, then `dataBytes` of sparse zeros. `length` overrides the length field (hostile files). */
export function writeRawSafetensors(path: string, headerBytes: Buffer, dataBytes: number, length: bigint = BigInt(headerBytes.length)): void {
  mkdirSync(dirname(path), { recursive: true });
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(length);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, prefix, 0, 8, 0);
    writeSync(fd, headerBytes, 0, headerBytes.length, 8);
    ftruncateSync(fd, 8 + headerBytes.length + dataBytes);
  } finally {
    closeSync(fd);
  }
}

export function writeSafetensors(path: string, tensors: Shapes, metadata?: Record<string, string>): void {
  const { json, dataBytes } = safetensorsHeader(tensors, metadata);
  writeRawSafetensors(path, Buffer.from(json, 'utf8'), dataBytes);
}

// ---- tensor layouts by family (a handful of the keys ComfyUI's detection and LoRA loaders look at)

const unet = (prefix: string, context: number, attnBlock: number, sdxl: boolean): Shapes => ({
  [`${prefix}input_blocks.0.0.weight`]: [320, 4, 3, 3],
  [`${prefix}input_blocks.${attnBlock}.1.transformer_blocks.0.attn2.to_k.weight`]: [sdxl ? 640 : 320, context],
  [`${prefix}out.2.weight`]: [4, 320, 3, 3],
  ...(sdxl ? { [`${prefix}label_emb.0.0.weight`]: [1280, 2816] } : {}),
});

/** A full checkpoint: UNet under model.diffusion_model., VAE and text encoder beside it. */
export function checkpointTensors(family: 'sd1' | 'sd2' | 'sdxl'): Shapes {
  const context = { sd1: 768, sd2: 1024, sdxl: 2048 }[family];
  return {
    ...unet('model.diffusion_model.', context, family === 'sdxl' ? 4 : 1, family === 'sdxl'),
    'first_stage_model.decoder.conv_in.weight': [512, 4, 3, 3],
    [family === 'sdxl' ? 'conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight' : 'cond_stage_model.transformer.text_model.embeddings.token_embedding.weight']: [49408, 768],
  };
}

export function sd3Tensors(): Shapes {
  return { 'model.diffusion_model.joint_blocks.0.context_block.attn.qkv.weight': [4608, 1536], 'model.diffusion_model.x_embedder.proj.weight': [1536, 16, 2, 2], 'first_stage_model.decoder.conv_in.weight': [512, 16, 3, 3] };
}

/** A Flux diffusion model as UNETLoader loads it (no prefix). */
export function fluxTensors(): Shapes {
  return { 'double_blocks.0.img_attn.norm.key_norm.scale': [128], 'single_blocks.0.linear1.weight': [21504, 3072], 'img_in.weight': [3072, 64] };
}

/** A kohya LoRA of a family (SD 1 and SDXL by their attn2 widths and text-encoder prefixes, Flux by its blocks). */
export function loraTensors(family: 'sd1' | 'sd2' | 'sdxl' | 'flux', rank = 4): Shapes {
  if (family === 'flux') {
    return { 'lora_unet_double_blocks_0_img_attn_proj.lora_down.weight': [rank, 3072], 'lora_unet_double_blocks_0_img_attn_proj.lora_up.weight': [3072, rank], 'lora_unet_single_blocks_0_linear1.lora_down.weight': [rank, 3072] };
  }
  if (family === 'sdxl') {
    return {
      'lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_down.weight': [rank, 2048],
      'lora_unet_input_blocks_4_1_transformer_blocks_0_attn2_to_k.lora_up.weight': [640, rank],
      'lora_te1_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight': [rank, 768],
      'lora_te2_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight': [rank, 1280],
    };
  }
  const width = family === 'sd1' ? 768 : 1024;
  return {
    'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight': [rank, width],
    'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_up.weight': [320, rank],
    'lora_te_text_model_encoder_layers_0_self_attn_q_proj.lora_down.weight': [rank, width],
  };
}

/** A LyCORIS LoHa on SD 1 (hada_ matrices instead of lora_down/up). */
export function lohaTensors(): Shapes {
  return {
    'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.hada_w1_a': [320, 4],
    'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.hada_w1_b': [4, 768],
    'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.hada_w2_a': [320, 4],
    'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.hada_w2_b': [4, 768],
  };
}

/** kohya training metadata as sd-scripts writes it. */
export function kohyaMetadata(base: string, tags: Record<string, number> = {}, outputName = 'my_lora'): Record<string, string> {
  return { ss_base_model_version: base, ss_network_module: 'networks.lora', ss_output_name: outputName, ss_tag_frequency: JSON.stringify({ '10_dataset': tags }) };
}

// ---- GGUF

type GgufValue = string | number | boolean;

function ggufString(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(b.length));
  return Buffer.concat([len, b]);
}

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: number | bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};

function ggufValue(v: GgufValue): Buffer {
  if (typeof v === 'string') return Buffer.concat([u32(8), ggufString(v)]);
  if (typeof v === 'boolean') return Buffer.concat([u32(7), Buffer.from([v ? 1 : 0])]);
  return Buffer.concat([u32(4), u32(v)]);
}

/**
 * A GGUF v3 file: metadata (strings, u32 numbers, booleans, and string arrays given as arrays), tensor
 * infos (shapes outermost first, as safetensors writes them), sparse data. `counts` overrides the
 * header's tensor/kv counts (hostile files).
 */
export function writeGguf(path: string, metadata: Record<string, GgufValue | string[]>, tensors: Shapes, counts?: { tensors?: bigint; kv?: bigint }): void {
  const parts: Buffer[] = [Buffer.from('GGUF', 'latin1'), u32(3), u64(counts?.tensors ?? BigInt(Object.keys(tensors).length)), u64(counts?.kv ?? BigInt(Object.keys(metadata).length))];
  for (const [k, v] of Object.entries(metadata)) {
    parts.push(ggufString(k));
    if (Array.isArray(v)) parts.push(u32(9), u32(8), u64(v.length), ...v.map(ggufString));
    else parts.push(ggufValue(v));
  }
  for (const [name, shape] of Object.entries(tensors)) {
    parts.push(ggufString(name), u32(shape.length), ...[...shape].reverse().map(u64), u32(1), u64(0));
  }
  const head = Buffer.concat(parts);
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, head, 0, head.length, 0);
    ftruncateSync(fd, head.length + 4096);
  } finally {
    closeSync(fd);
  }
}
