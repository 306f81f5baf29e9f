// base-model-mismatch (DESIGN.md §8): a LoRA (or ControlNet / IP-Adapter) whose base model, read from
// its file, differs from that of the checkpoint or diffusion model feeding it. The feeding model is
// found by following the graph's `model` input back from the node, through LoRA chains, model patches
// and reroutes, to the node that loads a checkpoint / diffusion model. Either family unknown: nothing.
import type { BaseModel } from '../modelInfo/types';
import type { ModelLocation, ModelReference } from '../types';
import { readWorkflowGraph, type WorkflowGraph } from '../workflow/graph';
import type { ResolvedReference } from './resolve';

/** Categories whose files are applied on top of a base model, and so must match its family. */
const ADDON_CATEGORIES = new Set(['loras', 'controlnet', 'ipadapter']);
/** Categories of the models that define the family. */
const BASE_CATEGORIES = new Set(['checkpoints', 'diffusion_models', 'unet']);
/** Nodes that pass their one input through unchanged. */
const PASSTHROUGH = new Set(['Reroute']);
/** A graph deeper than this is not followed (a cycle guard besides the visited set). */
const MAX_HOPS = 200;

export interface BaseModelMismatch {
  /** The LoRA / ControlNet / IP-Adapter reference the warning is on. */
  reference: ModelReference;
  location: ModelLocation;
  baseModel: BaseModel;
  /** The checkpoint / diffusion model reference that feeds it. */
  source: ModelReference;
  sourceLocation: ModelLocation;
  sourceBaseModel: BaseModel;
}

/** A location's base model (the snapshot's locations carry it). */
export type BaseModelOf = (location: ModelLocation) => BaseModel | undefined;

export const locationBaseModel: BaseModelOf = (l) => (l as { baseModel?: BaseModel }).baseModel;

type Resolved = ResolvedReference & { resolution: { status: 'resolved'; location: ModelLocation } };
const isResolved = (r: ResolvedReference): r is Resolved => r.resolution.status === 'resolved';

/**
 * The mismatches of a workflow text: its graph is read only when some add-on's file has a known
 * family (most workflows then cost nothing).
 */
export function workflowBaseModelMismatches(text: string, resolved: readonly ResolvedReference[], baseModelOf: BaseModelOf = locationBaseModel): BaseModelMismatch[] {
  const anyKnown = resolved.some((r) => isResolved(r) && ADDON_CATEGORIES.has(r.reference.category ?? '') && baseModelOf(r.resolution.location));
  return anyKnown ? baseModelMismatches(readWorkflowGraph(text), resolved, baseModelOf) : [];
}

/** The family of the workflow's checkpoints / diffusion models, when every active one with a known family agrees. */
export function workflowBaseModel(resolved: readonly ResolvedReference[], baseModelOf: BaseModelOf = locationBaseModel): BaseModel | undefined {
  const families = new Set<BaseModel>();
  for (const r of resolved) {
    if (!isResolved(r) || !r.reference.active || !BASE_CATEGORIES.has(r.reference.category ?? '')) continue;
    const family = baseModelOf(r.resolution.location);
    if (family) families.add(family);
  }
  return families.size === 1 ? [...families][0] : undefined;
}

/** Whether models of `category` are applied on top of a base model (and so should match its family). */
export const isAddonCategory = (category: string | null): boolean => ADDON_CATEGORIES.has(category ?? '');

export function baseModelMismatches(graph: WorkflowGraph, resolved: readonly ResolvedReference[], baseModelOf: BaseModelOf = locationBaseModel): BaseModelMismatch[] {
  /** Base-model loaders by node id. */
  const bases = new Map<string, Resolved>();
  for (const r of resolved) if (isResolved(r) && BASE_CATEGORIES.has(r.reference.category ?? '')) bases.set(r.reference.nodeId, r);
  if (!bases.size) return [];

  /** The base-model loader feeding `nodeId`'s model input, if the links lead to exactly one. */
  const feeding = (nodeId: string): Resolved | undefined => {
    const seen = new Set<string>();
    let at = nodeId;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const node = graph.get(at);
      if (!node) return undefined;
      const up = node.inputs.get('model') ?? (PASSTHROUGH.has(node.type) ? node.inputs.values().next().value : undefined);
      if (!up || seen.has(up.node)) return undefined;
      seen.add(up.node);
      const base = bases.get(up.node);
      if (base) return base;
      at = up.node;
    }
    return undefined;
  };

  /** For add-ons without a model input (ControlNetLoader, IPAdapterModelLoader): the family of every active base loader, when they agree. */
  let workflowBase: Resolved | null | undefined;
  const onlyBase = (): Resolved | undefined => {
    if (workflowBase === undefined) {
      const active = [...bases.values()].filter((b) => b.reference.active && baseModelOf(b.resolution.location));
      const families = new Set(active.map((b) => baseModelOf(b.resolution.location)));
      workflowBase = families.size === 1 ? active[0] : null;
    }
    return workflowBase ?? undefined;
  };

  const out: BaseModelMismatch[] = [];
  for (const r of resolved) {
    if (!isResolved(r) || !r.reference.active || !ADDON_CATEGORIES.has(r.reference.category ?? '')) continue;
    const family = baseModelOf(r.resolution.location);
    if (!family) continue;
    const node = graph.get(r.reference.nodeId);
    const source = node?.inputs.has('model') ? feeding(r.reference.nodeId) : r.reference.category !== 'loras' ? onlyBase() : undefined;
    if (!source) continue;
    const sourceFamily = baseModelOf(source.resolution.location);
    if (!sourceFamily || sourceFamily === family) continue;
    out.push({ reference: r.reference, location: r.resolution.location, baseModel: family, source: source.reference, sourceLocation: source.resolution.location, sourceBaseModel: sourceFamily });
  }
  return out;
}
