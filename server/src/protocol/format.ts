// Pure text helpers both sides show to the user (sizes in hovers, completion and the search palette).

export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** Human names of the base models the index stores (`sdxl` → SDXL): core's, shared with the client. */
export { baseModelLabel } from '../core/modelInfo/types';

const KIND_LABEL: Record<string, string> = {
  checkpoint: 'checkpoint', diffusion_model: 'diffusion model', lora: 'LoRA', lycoris: 'LyCORIS', controlnet: 'ControlNet', vae: 'VAE', text_encoder: 'text encoder', embedding: 'embedding',
};

/** Human names of the model kinds a header reveals (`lora` → LoRA). */
export const modelKindLabel = (kind: string): string => KIND_LABEL[kind] ?? kind;
