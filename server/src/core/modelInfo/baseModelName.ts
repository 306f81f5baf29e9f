// Family names as metadata writes them (modelspec.architecture, kohya ss_base_model_version, GGUF
// general.architecture, a user's `base:` filter) folded onto one BaseModel.
import type { BaseModel } from './types';

/** Ordered: the first pattern that matches the lower-cased name wins (SDXL before SD 1/2 spellings). */
const FAMILIES: [RegExp, BaseModel][] = [
  [/(^|[^a-z])(sdxl|stable-diffusion-xl|sd_xl|xl_base|pony|illustrious)/, 'sdxl'],
  [/(^|[^a-z])(sd3|sd_3|sd-3|stable-diffusion-v?3|stable-diffusion-3)/, 'sd3'],
  [/(^|[^a-z])(flux)/, 'flux'],
  [/(^|[^a-z])(sd2|sd_v2|sd_2|sd-2|stable-diffusion-v2|stable-diffusion-2)/, 'sd2'],
  [/(^|[^a-z])(sd1|sd15|sd_v1|sd_1|sd-1|stable-diffusion-v1|stable-diffusion-1|sd 1\.5)/, 'sd1'],
];

/** Longest name kept after `other:` (metadata is untrusted text). */
const MAX_OTHER = 40;

/**
 * The family a metadata name denotes, `other:<name>` for a name we do not group, or null for an empty
 * or unusable value. A `/lora`-style suffix of modelspec names is ignored.
 */
export function baseModelFromName(raw: unknown): BaseModel | null {
  if (typeof raw !== 'string') return null;
  const name = raw.trim().toLowerCase().split('/')[0];
  if (!name) return null;
  for (const [pattern, base] of FAMILIES) if (pattern.test(name)) return base;
  const other = name.replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, MAX_OTHER);
  return other ? `other:${other}` : null;
}

/** A `base:` filter value as the user types it (`sdxl`, `SD1.5`, `flux`, `other:aura`). */
export function parseBaseFilter(value: string): BaseModel | null {
  const v = value.trim().toLowerCase();
  if (v.startsWith('other:')) return v.length > 'other:'.length ? (v as BaseModel) : null;
  if (/^sd-?1(\.5|\.x|5)?$/.test(v)) return 'sd1';
  if (/^sd-?2(\.1|\.x|1)?$/.test(v)) return 'sd2';
  return baseModelFromName(v);
}
