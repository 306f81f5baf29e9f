// What a model file says about itself (DESIGN.md §4 "What a model is"): read from its header at sync
// time and stored in the index.

/** `sd1`, `sd2`, `sdxl`, `sd3`, `flux`, or `other:<name>` for any other family the file names. */
export type BaseModel = 'sd1' | 'sd2' | 'sdxl' | 'sd3' | 'flux' | `other:${string}`;

/** What the file holds, by its tensor names (used when the folder does not say it). */
export type ModelKind = 'checkpoint' | 'diffusion_model' | 'lora' | 'lycoris' | 'controlnet' | 'vae' | 'text_encoder' | 'embedding';

export interface ModelHeaderInfo {
  format: 'safetensors' | 'gguf';
  baseModel: BaseModel | null;
  kind: ModelKind | null;
  /** Trigger words: kohya's most frequent training tags, or the modelspec trigger phrase. */
  trainedWords?: string[];
  title?: string;
  /** An embedded preview (`data:image/...;base64,...`), bounded in size. */
  thumbnail?: string;
}

/** Human names of the families, for messages, hovers and the client's views (through protocol/format.ts). */
export function baseModelLabel(base: BaseModel): string {
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
      return base.slice('other:'.length);
  }
}
