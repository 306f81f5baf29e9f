// Resolution of workflow references against the model index (DESIGN.md §6), in order, first hit
// wins: saved mapping → environment alias → exact → case-insensitive → same file name elsewhere in the category →
// embedded full hash → found only in another category → missing (with fuzzy candidates).
// Pure over IndexQuery: never touches the disk, never hashes.
import { normalizeRelativePath } from '../categories';
import type { IndexQuery, ModelLocation, ModelReference } from '../types';
import { fuzzyCandidates, fuzzyScore, confidenceOf, searchTerm, type Candidate, type FuzzyCache } from './fuzzy';
import { byFamily, wantedFamily, workflowFamily } from './family';
import { runSteps, runStepsCancellable, type Steps } from '../steps';

export type Via = 'mapping' | 'alias' | 'exact' | 'case-insensitive' | 'filename' | 'hash';
export type Flag = 'wrong-folder' | 'category-mismatch';
export type MissingReason = 'not-found' | 'mapped-model-gone';

export type Resolution =
  | { status: 'resolved'; via: Via; location: ModelLocation; flags: Flag[] }
  | { status: 'ambiguous'; candidates: Candidate[] }
  | { status: 'missing'; reason: MissingReason; hash?: string; candidates: Candidate[]; downloadUrls: string[] }
  | { status: 'inactive' };

export interface ResolvedReference {
  reference: ModelReference;
  resolution: Resolution;
}

export interface ResolveContext {
  index: IndexQuery;
  /** Saved mappings of this workflow (manifest), keyed by the reference value as written. */
  mappings?: ReadonlyMap<string, { hash: string }>;
  /** The environment's aliases (manifest `[tool.comfy-models.aliases]`), keyed by the value as written. */
  aliases?: ReadonlyMap<string, { hash: string }>;
  /** How many fuzzy candidates a missing reference gets (default 5). */
  candidateLimit?: number;
  /** Keeps fuzzy candidates per location list: a missing name is then searched once per index. */
  fuzzy?: FuzzyCache;
}

/** Embedding names ComfyUI tries, in order (reference/comfyui-formats.md §2.4). */
const EMBEDDING_SUFFIXES = ['', '.safetensors', '.pt', '.bin'];

function nameVariants(ref: ModelReference, name: string): string[] {
  return ref.kind === 'embedding' ? EMBEDDING_SUFFIXES.map((s) => name + s) : [name];
}

const baseName = (name: string): string => name.slice(name.lastIndexOf('/') + 1);

/** Distinct names (one ComfyUI list entry may live under several roots): keep the first of each. */
function distinctByName(locations: readonly ModelLocation[]): ModelLocation[] {
  const seen = new Map<string, ModelLocation>();
  for (const l of locations) {
    const key = `${l.category ?? ''}\u0000${l.name}`;
    if (!seen.has(key)) seen.set(key, l);
  }
  return [...seen.values()];
}

function flagsFor(ref: ModelReference, names: readonly string[], location: ModelLocation): Flag[] {
  if (ref.category !== null && location.category !== ref.category) return ['category-mismatch'];
  return names.includes(location.name) ? [] : ['wrong-folder'];
}

function downloadUrlsOf(ref: ModelReference): string[] {
  return [...new Set((ref.metadata ?? []).map((m) => m.url).filter((u): u is string => !!u))];
}

function scored(value: string, locations: readonly ModelLocation[]): Candidate[] {
  const term = searchTerm(value);
  return locations
    .map((location) => {
      const score = fuzzyScore(term, location.filename.toLowerCase());
      return { location, relativePath: location.relativePath, score, confidence: confidenceOf(score) };
    })
    .sort((a, b) => b.score - a.score || a.relativePath.localeCompare(b.relativePath));
}

/** Fuzzy candidates searched per missing reference before those of another family are dropped. */
const FAMILY_POOL = 20;

export class Resolver {
  /**
   * The family of the workflow being resolved (its checkpoint / diffusion models), set once all its
   * references are resolved: missing references read their candidates lazily, after that.
   */
  workflowFamily: string | undefined;

  constructor(private readonly ctx: ResolveContext) {}

  resolve(ref: ModelReference): Resolution {
    if (!ref.active) return { status: 'inactive' };
    const mapped = this.ctx.mappings?.get(ref.value);
    if (mapped) return this.viaMapping(ref, mapped.hash);
    const aliased = this.ctx.aliases?.get(ref.value);
    if (aliased) return this.viaMapping(ref, aliased.hash, 'alias');
    if (ref.kind === 'vae-approx') return this.vaeApprox(ref);
    return this.byName(ref) ?? this.missing(ref, 'not-found');
  }

  private viaMapping(ref: ModelReference, hash: string, via: 'mapping' | 'alias' = 'mapping'): Resolution {
    const locations = this.ctx.index.byHash(hash);
    if (!locations.length) return this.missing(ref, 'mapped-model-gone', hash);
    const name = normalizeRelativePath(ref.value);
    const location = locations.find((l) => l.category === ref.category && l.name === name) ?? locations.find((l) => l.category === ref.category) ?? locations[0];
    return { status: 'resolved', via, location, flags: [] };
  }

  /** `taesd` & co. load `<name>_encoder.*` and `<name>_decoder.*` from vae_approx. */
  private vaeApprox(ref: ModelReference): Resolution {
    const files = this.ctx.index.byCategory('vae_approx');
    const find = (part: string) => files.find((l) => l.filename.toLowerCase().startsWith(`${ref.value.toLowerCase()}_${part}.`));
    const decoder = find('decoder');
    if (decoder && find('encoder')) return { status: 'resolved', via: 'exact', location: decoder, flags: [] };
    return this.missing(ref, 'not-found');
  }

  private byName(ref: ModelReference): Resolution | undefined {
    const { index } = this.ctx;
    const names = nameVariants(ref, normalizeRelativePath(ref.value));
    const category = ref.category;
    for (const name of names) {
      const hit = index.byName(category, name)[0];
      if (hit) return { status: 'resolved', via: 'exact', location: hit, flags: [] };
    }
    for (const name of names) {
      const hit = index.byNameIgnoreCase(category, name)[0];
      if (hit) return { status: 'resolved', via: 'case-insensitive', location: hit, flags: [] };
    }
    const sameFile = (inCategory: boolean) =>
      distinctByName(names.flatMap((n) => index.byFilename(baseName(n))).filter((l) => category === null || (l.category === category) === inCategory));
    const elsewhere = sameFile(true);
    // Unknown category (a custom node's value): only `<category folder>/<value>` and the roots count
    // (DESIGN.md §6); the node resolves its own paths, so a same-name file elsewhere is only a candidate.
    if (category === null && elsewhere.length) {
      const byHash = this.byEmbeddedHash(ref);
      if (byHash) return { status: 'resolved', via: 'hash', location: byHash, flags: flagsFor(ref, names, byHash) };
      return { status: 'missing', reason: 'not-found', candidates: scored(ref.value, elsewhere), downloadUrls: downloadUrlsOf(ref) };
    }
    if (elsewhere.length === 1) return { status: 'resolved', via: 'filename', location: elsewhere[0], flags: ['wrong-folder'] };
    if (elsewhere.length > 1) return { status: 'ambiguous', candidates: scored(ref.value, elsewhere) };
    const byHash = this.byEmbeddedHash(ref);
    if (byHash) return { status: 'resolved', via: 'hash', location: byHash, flags: flagsFor(ref, names, byHash) };
    if (category === null) return undefined;
    for (const name of names) {
      const hit = index.byName(null, name).find((l) => l.category !== category);
      if (hit) return { status: 'resolved', via: 'exact', location: hit, flags: ['category-mismatch'] };
    }
    const otherCategory = sameFile(false);
    if (otherCategory.length === 1) return { status: 'resolved', via: 'filename', location: otherCategory[0], flags: ['category-mismatch'] };
    if (otherCategory.length > 1) return { status: 'ambiguous', candidates: scored(ref.value, otherCategory) };
    return undefined;
  }

  /** `models[].hash` with hash_type sha256/blake3, against full hashes the index already knows. */
  private byEmbeddedHash(ref: ModelReference): ModelLocation | undefined {
    for (const m of ref.metadata ?? []) {
      const kind = m.hashType?.toLowerCase();
      if (!m.hash || (kind !== 'sha256' && kind !== 'blake3')) continue;
      const locations = this.ctx.index.byFullHash(kind, m.hash.toLowerCase());
      const hit = locations.find((l) => l.category === ref.category) ?? locations[0];
      if (hit) return hit;
    }
    return undefined;
  }

  private missing(ref: ModelReference, reason: MissingReason, hash?: string): Resolution {
    const { index, candidateLimit, fuzzy } = this.ctx;
    const locations = index.byCategory(ref.category);
    const resolution = { status: 'missing' as const, reason, ...(hash ? { hash } : {}), downloadUrls: downloadUrlsOf(ref) };
    const limit = candidateLimit ?? 5;
    const search = () => byFamily(fuzzyCandidates(ref.value, locations, Math.max(limit, FAMILY_POOL), fuzzy), wantedFamily(ref, this.workflowFamily), limit);
    return withLazyCandidates(resolution, search);
  }
}

/**
 * A missing reference's fuzzy candidates are searched when first read, then kept: a workflow with
 * thousands of missing names would otherwise search its whole category list for each one before
 * anything is shown, while a hover or a quick fix asks for one reference at a time.
 */
function withLazyCandidates<T extends object>(resolution: T, search: () => Candidate[]): T & { candidates: Candidate[] } {
  let found: Candidate[] | undefined;
  return Object.defineProperty(resolution, 'candidates', { enumerable: true, get: () => (found ??= search()) }) as T & { candidates: Candidate[] };
}

export function resolveReferences(refs: readonly ModelReference[], ctx: ResolveContext): ResolvedReference[] {
  return runSteps(resolveSteps(refs, ctx));
}

/** How many references are resolved in one step (between two looks at the signal and turns of the event loop). */
const SLICE = 2_000;

function* resolveSteps(refs: readonly ModelReference[], ctx: ResolveContext): Steps<ResolvedReference[]> {
  const resolver = new Resolver(ctx);
  const out: ResolvedReference[] = [];
  for (let start = 0; start < refs.length; start += SLICE) {
    if (start > 0) yield;
    for (const reference of refs.slice(start, start + SLICE)) out.push({ reference, resolution: resolver.resolve(reference) });
  }
  resolver.workflowFamily = workflowFamily(out);
  return out;
}

/**
 * resolveReferences for the language server: in steps with turns of the event loop between them, so other
 * requests are answered meanwhile, stopped with the signal's reason when it aborts (core/steps.ts).
 */
export function resolveReferencesCancellable(refs: readonly ModelReference[], ctx: ResolveContext, signal?: AbortSignal): Promise<ResolvedReference[]> {
  return runStepsCancellable(resolveSteps(refs, ctx), signal);
}
