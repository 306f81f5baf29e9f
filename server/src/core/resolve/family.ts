// Model families, so a missing model's candidates are of the kind the workflow can load: a FLUX VAE is
// not replaced by an SDXL one, a T5 text encoder not by CLIP-L, however alike their names. Two axes:
// the base family (SD 1.x, SDXL, Flux, Wan, …: from the index's header reading, else tokens in the
// name) and, for text encoders, the encoder (T5, UMT5, CLIP-L, CLIP-G, …: tokens in the name).
import type { BaseModel } from '../modelInfo/types';
import type { ModelLocation, ModelReference } from '../types';
import { locationBaseModel } from './compatibility';
import type { Candidate } from './fuzzy';
import type { ResolvedReference } from './resolve';

export interface Family {
  base?: string;
  encoder?: string;
}

/**
 * Base families named in file names, first match wins: the specific families first (`PixArt-XL` is
 * PixArt, not SDXL), then SDXL before SD 1/2 spellings. `xl` ends a word in SDXL fine-tunes
 * (`juggernautXL`, `add_detail_xl`) but `xxl` is T5's size, not SDXL.
 */
const BASE_TOKENS: [RegExp, string][] = [
  [/pixart/, 'pixart'],
  [/(^|[^a-z])(wan2|wan_|wan-)/, 'wan'],
  [/hunyuan/, 'hunyuan'],
  [/(^|[^a-z])ltx/, 'ltx'],
  [/cosmos/, 'cosmos'],
  [/kolors/, 'kolors'],
  [/(cascade|(^|[^a-z])stage_[abc]($|[^a-z]))/, 'cascade'],
  [/hidream/, 'hidream'],
  [/lumina/, 'lumina'],
  [/(^|[^a-z])(sdxl|sd_xl|sd-xl|pony|illustrious|noobai)|(^|[^x])xl($|[^a-z])/, 'sdxl'],
  [/(^|[^a-z])(sd3|sd_3|sd-3|sd35)/, 'sd3'],
  [/flux/, 'flux'],
  [/(^|[^a-z])(sd2|sd_2|sd-2|sd_v2|sd21|v2-1)/, 'sd2'],
  [/(^|[^a-z])(sd1|sd15|sd_1|sd-1|sd_v1|v1-5|v1_5)/, 'sd1'],
];

/** Text encoders named in file names (UMT5 before T5: `umt5` contains `t5`). */
const ENCODER_TOKENS: [RegExp, string][] = [
  [/umt5/, 'umt5'],
  [/(^|[^a-z])t5/, 't5'],
  [/(clip_l|clip-l|vit-l)/, 'clip-l'],
  [/(clip_g|clip-g|vit-bigg|vit-g)/, 'clip-g'],
  [/(llama|llava)/, 'llama'],
  [/qwen/, 'qwen'],
  [/gemma/, 'gemma'],
];

/** Categories whose files belong to one base family, so the workflow's own family tells what fits. */
const FAMILY_CATEGORIES = new Set(['checkpoints', 'diffusion_models', 'unet', 'loras', 'vae', 'vae_approx', 'controlnet', 'ipadapter']);
/** Categories whose models define the workflow's family. */
const DEFINING_CATEGORIES = new Set(['checkpoints', 'diffusion_models', 'unet']);
/** The base families the header reading names reliably (its `other:` names are spelled as metadata writes them). */
const HEADER_FAMILIES = new Set<BaseModel>(['sd1', 'sd2', 'sdxl', 'sd3', 'flux']);

function firstMatch(table: readonly [RegExp, string][], name: string): string | undefined {
  return table.find(([pattern]) => pattern.test(name))?.[1];
}

/** The family a file or reference name names (lower-cased base name, extension included or not). */
export function familyOfName(name: string): Family {
  const lower = name.toLowerCase();
  const base = lower.slice(lower.lastIndexOf('/') + 1);
  const family: Family = {};
  const b = firstMatch(BASE_TOKENS, base);
  const e = firstMatch(ENCODER_TOKENS, base);
  if (b) family.base = b;
  if (e) family.encoder = e;
  return family;
}

/** An indexed file's family: the base model its header names, else its name's tokens. */
export function familyOfLocation(location: ModelLocation): Family {
  const named = familyOfName(location.filename);
  const header = locationBaseModel(location);
  return header && HEADER_FAMILIES.has(header) ? { ...named, base: header } : named;
}

/**
 * The workflow's own family, from its checkpoint / diffusion models: what the index read from their
 * headers when they resolved, else the tokens of their names (a missing `flux1-dev.safetensors`
 * still says Flux). Undefined when none says one or they disagree.
 */
export function workflowFamily(resolved: readonly ResolvedReference[]): string | undefined {
  const families = new Set<string>();
  for (const r of resolved) {
    const ref = r.reference;
    if (!ref.active || !DEFINING_CATEGORIES.has(ref.category ?? '')) continue;
    const res = r.resolution;
    const base = res.status === 'resolved' ? familyOfLocation(res.location).base : familyOfName(ref.value).base;
    if (base) families.add(base);
  }
  return families.size === 1 ? [...families][0] : undefined;
}

/** The family a missing reference needs: its name's tokens, else (for family-bound categories) the workflow's. */
export function wantedFamily(ref: Pick<ModelReference, 'value' | 'category'>, workflow: string | undefined): Family {
  const named = familyOfName(ref.value);
  if (!named.base && workflow && FAMILY_CATEGORIES.has(ref.category ?? '')) named.base = workflow;
  return named;
}

const differs = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a !== b;

/**
 * Candidates that fit `wanted`: those of another family are dropped; those whose family is unknown
 * while the reference's is known keep their place but at most "good" confidence (never the preferred
 * fix); `sameFamily` marks those whose family is known equal.
 */
export function byFamily(candidates: readonly Candidate[], wanted: Family, limit = Infinity): Candidate[] {
  // The fuzzy cache hands out the same array while the category is unchanged; so does this filter, so
  // a diagnostics pass over an unchanged index recomputes (and re-sends) nothing.
  const key = `${wanted.base ?? ''}|${wanted.encoder ?? ''}|${limit}`;
  let seen = FILTERED.get(candidates);
  if (!seen) FILTERED.set(candidates, (seen = new Map()));
  let out = seen.get(key);
  if (!out) seen.set(key, (out = filterByFamily(candidates, wanted).slice(0, limit)));
  return out;
}

const FILTERED = new WeakMap<readonly Candidate[], Map<string, Candidate[]>>();

function filterByFamily(candidates: readonly Candidate[], wanted: Family): Candidate[] {
  const out: Candidate[] = [];
  for (const c of candidates) {
    const has = familyOfLocation(c.location);
    if (differs(wanted.base, has.base) || differs(wanted.encoder, has.encoder)) continue;
    const wantsOne = wanted.base !== undefined || wanted.encoder !== undefined;
    const unknown = (wanted.base !== undefined && has.base === undefined) || (wanted.encoder !== undefined && has.encoder === undefined);
    const sameFamily = wantsOne && !unknown;
    out.push(unknown && c.confidence === 'high' ? { ...c, confidence: 'good', sameFamily } : { ...c, sameFamily });
  }
  return out;
}
