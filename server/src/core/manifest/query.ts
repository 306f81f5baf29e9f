// What the resolver, the diagnostics and `model list` ask of a read manifest.
import { normalizeRelativePath } from '../categories';
import type { Span } from '../text';
import type { IndexQuery, ModelLocation } from '../types';
import { workflowKey } from './discover';
import type { Manifest, ManifestModel, ManifestWorkflow } from './types';

/** A workflow entry by key, else by recorded path (with or without `.json`). */
export function findWorkflow(manifest: Manifest, workflowKeyOrPath: string): ManifestWorkflow | undefined {
  const byKey = manifest.workflows.get(workflowKeyOrPath);
  if (byKey) return byKey;
  const wanted = normalizeRelativePath(workflowKeyOrPath).replace(/\.json$/i, '');
  for (const workflow of manifest.workflows.values()) {
    if (workflow.path !== undefined && workflow.path.replace(/\.json$/i, '') === wanted) return workflow;
  }
  return undefined;
}

/** The key of a workflow (path relative to the manifest): its recorded entry's, else the key a first mapping creates. */
export function workflowKeyOf(manifest: Manifest, relativePath: string): string {
  const recorded = findWorkflow(manifest, relativePath);
  return recorded?.key ?? workflowKey(relativePath, [...manifest.workflows.values()].map((w) => w.path ?? w.key));
}

/**
 * Saved mappings of one workflow for the resolver: reference value → hash. Only safe mappings whose
 * model entry (when the manifest lists one) is safe too — unsafe entries are never resolved through.
 */
export function workflowMappings(manifest: Manifest, workflowKeyOrPath: string): ReadonlyMap<string, { hash: string }> {
  const out = new Map<string, { hash: string }>();
  const workflow = findWorkflow(manifest, workflowKeyOrPath);
  if (!workflow) return out;
  const unsafe = new Set(manifest.models.filter((m) => !m.safe).map((m) => m.hash));
  for (const [reference, mapping] of workflow.mappings) {
    if (mapping.safe && !unsafe.has(mapping.hash)) out.set(reference, { hash: mapping.hash });
  }
  return out;
}

export interface ModelStatus {
  model: ManifestModel;
  /** Live files with this quick hash (empty: not local → `manifest-model-not-local`). */
  locations: readonly ModelLocation[];
  local: boolean;
}

export interface UnknownMappedHash {
  workflow: string;
  reference: string;
  hash: string;
  /** The hash value in the mapping (→ `manifest-unknown-hash`). */
  span: Span;
}

export interface ManifestStatus {
  /** Safe model entries with their local state (unsafe ones are already problems). */
  models: ModelStatus[];
  unknownMappedHashes: UnknownMappedHash[];
}

export function manifestModelStatus(manifest: Manifest, index: IndexQuery): ManifestStatus {
  const models = manifest.models.filter((m) => m.safe).map((model) => {
    const locations = index.byHash(model.hash);
    return { model, locations, local: locations.length > 0 };
  });
  const listed = new Set(manifest.models.map((m) => m.hash));
  const unknownMappedHashes: UnknownMappedHash[] = [];
  for (const workflow of manifest.workflows.values()) {
    for (const mapping of workflow.mappings.values()) {
      if (mapping.safe && !listed.has(mapping.hash)) {
        unknownMappedHashes.push({ workflow: workflow.key, reference: mapping.reference, hash: mapping.hash, span: mapping.hashSpan });
      }
    }
  }
  return { models, unknownMappedHashes };
}
