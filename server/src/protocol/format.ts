// Pure text helpers both sides show to the user (sizes in hovers, completion and the search palette).

export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** Human names of the base models the index stores (`sdxl` → SDXL, `other:aura` → aura). */
export function baseModelLabel(base: string): string {
  switch (base) {
    case 'sd1':
      return 'SD 1.x';
    case 'sd2':
      return 'SD 2.x';
    case 'sdxl':
      return 'SDXL';
    case 'sd3':
      return 'SD 3';
    case 'flux':
      return 'Flux';
    default:
      return base.startsWith('other:') ? base.slice('other:'.length) : base;
  }
}

const KIND_LABEL: Record<string, string> = {
  checkpoint: 'checkpoint', diffusion_model: 'diffusion model', lora: 'LoRA', lycoris: 'LyCORIS', controlnet: 'ControlNet', vae: 'VAE', text_encoder: 'text encoder', embedding: 'embedding',
};

/** Human names of the model kinds a header reveals (`lora` → LoRA). */
export const modelKindLabel = (kind: string): string => KIND_LABEL[kind] ?? kind;
