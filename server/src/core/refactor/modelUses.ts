// Where a model is used, by content: every reference of the given workflows that resolves to a file
// with the model's quick hash (any copy of it), and the manifest entries and mappings that name it.
// Pure: the caller hands in workflows already parsed and resolved (open buffers or files on disk).
import type { Manifest } from '../manifest/types';
import type { ResolvedReference } from '../resolve';
import type { Span } from '../text';

/** One workflow as resolved for the workspace: its path, its text and its resolved references. */
export interface ResolvedWorkflow {
  path: string;
  text: string;
  resolved: readonly ResolvedReference[];
}

export interface ModelUse {
  /** The workflow file. */
  path: string;
  resolved: ResolvedReference;
}

/** What names a model in one manifest: its entry key and the mappings' hash values. */
export interface ManifestUse {
  path: string;
  spans: Span[];
}

export function resolvesTo(r: ResolvedReference, hash: string): boolean {
  return r.resolution.status === 'resolved' && r.resolution.location.hash === hash;
}

/** Every reference, in every workflow, that resolves to the model `hash`, in workflow then text order. */
export function usesOfModel(workflows: readonly ResolvedWorkflow[], hash: string): ModelUse[] {
  const out: ModelUse[] = [];
  for (const w of workflows) {
    for (const r of w.resolved) if (resolvesTo(r, hash)) out.push({ path: w.path, resolved: r });
  }
  return out;
}

/** The spans of a manifest that name the model `hash` (its entry key, mappings' hash values); none → undefined. */
export function manifestUse(path: string, manifest: Manifest, hash: string): ManifestUse | undefined {
  const spans: Span[] = manifest.models.filter((m) => m.hash === hash).map((m) => m.keySpan);
  for (const w of manifest.workflows.values()) for (const m of w.mappings.values()) if (m.hash === hash) spans.push(m.hashSpan);
  return spans.length ? { path, spans } : undefined;
}
