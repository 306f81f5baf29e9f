// The categories a user picks a download's folder from. ComfyUI reads some categories from two folders
// (`clip` and `text_encoders`, `unet` and `diffusion_models`): the picker offers the canonical one only,
// and names the alias folder beside it, so the user never chooses between two names for one thing.
import { CATEGORY_ALIASES, canonicalCategory } from '../core/categories';

/** The usual model categories, canonical names only, in the order a user looks for them. */
const COMMON = [
  'checkpoints', 'loras', 'vae', 'controlnet', 'text_encoders', 'clip_vision', 'diffusion_models', 'upscale_models',
  'embeddings', 'ipadapter', 'style_models', 'gligen', 'hypernetworks',
];

export interface CategoryChoice {
  category: string;
  /** The alias folders ComfyUI also reads this category from (`clip` for `text_encoders`). */
  aliases: string[];
}

export function categoryChoices(): CategoryChoice[] {
  const seen = new Set<string>();
  const out: CategoryChoice[] = [];
  for (const name of COMMON) {
    const category = canonicalCategory(name);
    if (seen.has(category)) continue;
    seen.add(category);
    out.push({ category, aliases: Object.keys(CATEGORY_ALIASES).filter((alias) => CATEGORY_ALIASES[alias] === category) });
  }
  return out;
}
