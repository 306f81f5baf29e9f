// Workflow install plan (issue 14): what a workflow needs that this machine lacks — its missing models
// with sizes and sources (the workflow's own `models` metadata, the project manifest), the total, an
// estimated time at a stated bandwidth, the target folder of each (by category and free space), and the
// custom node packs its nodes come from. A report: it installs nothing.
import { join } from 'node:path';
import type { Manifest, ManifestModel, ManifestSource } from '../manifest/types';
import { sourceTypeOf, unsafeUrl } from '../manifest/validate';
import { resolveReferences, type ResolvedReference } from '../resolve';
import type { ModelRoot } from '../roots';
import type { IndexQuery } from '../types';
import { nodePacksOf, type NodePackReport } from '../workflow/nodePacks';
import type { ParsedWorkflow } from '../workflow';
import { targetSpaces, type TargetSpace } from './report';

/** The bandwidth an estimate assumes unless told otherwise: 50 MB/s. */
export const DEFAULT_BANDWIDTH = 50e6;

export interface PlannedModel {
  value: string;
  category: string | null;
  /** Nodes that use it. */
  nodeIds: string[];
  /** Hash from the manifest (a mapping or an entry of the same file name), when known. */
  hash: string | null;
  size: number | null;
  sources: ManifestSource[];
  /** Folder a download goes into (subfolder included); null when no root takes this category. */
  target: string | null;
}

export interface InstallPlan {
  models: PlannedModel[];
  totals: { models: number; downloadBytes: number; unknownSizes: number; withoutSource: number; bandwidth: number; estimatedSeconds: number };
  targets: TargetSpace[];
  nodes: NodePackReport;
}

export interface PlanInput {
  text: string;
  parsed: ParsedWorkflow;
  index: IndexQuery;
  roots: readonly ModelRoot[];
  manifest?: Manifest;
  /** The workflow's saved mappings in the manifest. */
  mappings?: ReadonlyMap<string, { hash: string }>;
  /** Bytes per second for the estimate (DEFAULT_BANDWIDTH when absent). */
  bandwidth?: number;
  /** The roots downloads may go to (default: every root; the user may choose one). */
  targetRoots?: readonly ModelRoot[];
}

const baseName = (p: string) => p.slice(p.replace(/\\/g, '/').lastIndexOf('/') + 1);

/** The manifest entry a missing reference stands for: its mapped hash, else one entry of the same file name. */
function manifestEntry(r: ResolvedReference, manifest: Manifest | undefined, mapped: string | undefined): ManifestModel | undefined {
  if (!manifest) return undefined;
  const safe = manifest.models.filter((m) => m.safe);
  if (mapped) return safe.find((m) => m.hash === mapped);
  const name = baseName(r.reference.value).toLowerCase();
  const same = safe.filter((m) => m.filename?.toLowerCase() === name && (!m.category || !r.reference.category || m.category === r.reference.category));
  return same.length === 1 ? same[0] : undefined;
}

export async function installPlan(input: PlanInput): Promise<InstallPlan> {
  const resolved = resolveReferences(input.parsed.references, { index: input.index, mappings: input.mappings });
  const byKey = new Map<string, PlannedModel>();
  for (const r of resolved) {
    if (r.resolution.status !== 'missing') continue;
    const key = `${r.reference.category ?? ''}\u0000${r.reference.value}`;
    const known = byKey.get(key);
    if (known) {
      if (!known.nodeIds.includes(r.reference.nodeId)) known.nodeIds.push(r.reference.nodeId);
      continue;
    }
    const entry = manifestEntry(r, input.manifest, r.resolution.hash ?? input.mappings?.get(r.reference.value)?.hash);
    const sources: ManifestSource[] = [];
    for (const url of [...(r.reference.metadata ?? []).map((m) => m.url), ...r.resolution.downloadUrls]) {
      if (url && !unsafeUrl(url) && !sources.some((s) => s.url === url)) sources.push({ type: sourceTypeOf(url), url });
    }
    for (const s of entry?.sources ?? []) if (!sources.some((x) => x.url === s.url)) sources.push(s);
    byKey.set(key, {
      value: r.reference.value, category: r.reference.category, nodeIds: [r.reference.nodeId],
      hash: entry?.hash ?? r.resolution.hash ?? null, size: entry?.size ?? null, sources, target: null,
    });
  }
  const models = [...byKey.values()];
  const downloadable = models.filter((m) => m.sources.length);
  const { targets, targetOf } = await targetSpaces(downloadable, input.targetRoots ?? input.roots);
  downloadable.forEach((m, i) => {
    // A value in a subfolder (`sd15/x.safetensors`) is saved there, so the workflow finds it by name.
    const folder = targetOf[i]?.folder;
    const parts = m.value.replace(/\\/g, '/').split('/').slice(0, -1);
    m.target = folder && parts.length && !parts.some((p) => p === '..' || p === '') ? join(folder, ...parts) : folder ?? null;
  });
  const bandwidth = input.bandwidth && input.bandwidth > 0 ? input.bandwidth : DEFAULT_BANDWIDTH;
  const downloadBytes = downloadable.reduce((n, m) => n + (m.size ?? 0), 0);
  return {
    models,
    totals: {
      models: models.length, downloadBytes, unknownSizes: downloadable.filter((m) => m.size === null).length,
      withoutSource: models.length - downloadable.length, bandwidth, estimatedSeconds: Math.ceil(downloadBytes / bandwidth),
    },
    targets,
    nodes: nodePacksOf(input.text),
  };
}
