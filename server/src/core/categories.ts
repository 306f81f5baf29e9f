// ComfyUI folder categories: canonical keys, legacy alias folders, and which files count as models.
// Facts: reference/comfyui-formats.md §1.1 (folder_paths.py) and DESIGN.md §2.

/** Alias folder → canonical category (ComfyUI's map_legacy plus the T2I adapter folder). */
export const CATEGORY_ALIASES: Readonly<Record<string, string>> = {
  clip: 'text_encoders',
  unet: 'diffusion_models',
  t2i_adapter: 'controlnet',
};

/** Canonical categories ComfyUI core knows (custom categories are allowed on top of these). */
export const STANDARD_CATEGORIES: readonly string[] = [
  'audio_encoders', 'background_removal', 'checkpoints', 'classifiers', 'clip_vision', 'configs',
  'controlnet', 'detection', 'diffusers', 'diffusion_models', 'embeddings', 'frame_interpolation',
  'geometry_estimation', 'gligen', 'hypernetworks', 'latent_upscale_models', 'loras', 'model_patches',
  'optical_flow', 'photomaker', 'style_models', 'text_encoders', 'upscale_models', 'vae', 'vae_approx',
];

/** Model file extensions (lower case). `.yaml` counts only under `configs/`. */
export const MODEL_EXTENSIONS: readonly string[] = [
  '.safetensors', '.sft', '.ckpt', '.pt', '.pt2', '.pth', '.bin', '.pkl', '.gguf', '.onnx',
];

const STANDARD = new Set(STANDARD_CATEGORIES);

/** Canonical spelling of a folder name used as a category: aliases folded, standard keys case-folded. */
export function canonicalCategory(folder: string): string {
  const lower = folder.toLowerCase();
  const alias = CATEGORY_ALIASES[lower];
  if (alias) return alias;
  return STANDARD.has(lower) ? lower : folder;
}

/** Every folder name under a root that holds files of `category` (canonical first, then aliases). */
export function categoryFolders(category: string): string[] {
  const canonical = canonicalCategory(category);
  const folders = [canonical];
  for (const [alias, target] of Object.entries(CATEGORY_ALIASES)) if (target === canonical) folders.push(alias);
  return folders;
}

/** True when the name ends with a model extension (case-insensitive); `.yaml` is not included. */
export function hasModelExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return MODEL_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Relative path as stored in the index and compared by the resolver: `/` separators, no leading `./` or `/`. */
export function normalizeRelativePath(p: string): string {
  return p.replace(/\\/g, '/').replace(/\/{2,}/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}
