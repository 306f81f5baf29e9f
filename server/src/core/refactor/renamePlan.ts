// A rename or move of one model as one change: the file, its sidecars, every workflow token that
// resolves to it, and the manifest entries that record its path. Pure: the caller lists what exists,
// applies the plan (the CLI on disk, the language server as one WorkspaceEdit) and moves the index row.
// Only the string tokens change; references that reach the model through a mapping keep their name
// (the mapping is by content and still holds after the move).
import { posix } from 'node:path';
import { manifestRelativePath } from '../manifest/entry';
import type { IndexOp } from '../index/ops';
import type { IndexedLocation } from '../index/snapshot';
import type { ManifestEdit } from '../manifest/edit';
import type { Manifest } from '../manifest/types';
import type { TextSplice } from '../text';
import type { ModelLocation } from '../types';
import { usesOfModel, type ResolvedWorkflow } from './modelUses';
import { RenameRefused, renamedValue, renameTarget, type RenameTarget } from './newName';
import { sidecarRenames } from './sidecarMoves';

export interface FileMove {
  /** Absolute paths (posix-joined from the root). */
  from: string;
  to: string;
}

export interface WorkflowChange {
  path: string;
  /** Splices of the workflow text: one per token, only the string content between the quotes. */
  splices: TextSplice[];
  /** The values before and after, in the order of `splices` (for dry runs); `raw`: the token as written. */
  values: { from: string; to: string; raw: string }[];
}

export interface ManifestChange {
  path: string;
  edits: ManifestEdit[];
}

export interface RenamePlan {
  target: RenameTarget;
  model: FileMove;
  sidecars: FileMove[];
  workflows: WorkflowChange[];
  manifests: ManifestChange[];
}

export interface RenameInput {
  location: ModelLocation;
  newName: string;
  /** Does a file exist at this path under the model's root (`/`-separated)? */
  exists(relativePath: string): boolean;
  /** File names in the model's folder (for its sidecars). */
  siblings: readonly string[];
  workflows: readonly ResolvedWorkflow[];
  /** Manifests that may record the model, parsed. */
  manifests: readonly { path: string; manifest: Manifest }[];
}

const join = (root: string, relativePath: string): string => posix.join(root.replace(/\\/g, '/'), relativePath);

/** The index operation that moves the model's row to its new place (no hashing). */
export function indexMove(location: IndexedLocation, target: RenameTarget, lastSeen: number): IndexOp {
  return {
    op: 'move',
    from: { root: location.root, rootCategory: location.rootCategory, relativePath: location.relativePath },
    to: { root: location.root, rootCategory: location.rootCategory, relativePath: target.relativePath, name: target.name, filename: target.filename, category: location.category },
    lastSeen,
  };
}

export function renamePlan(input: RenameInput): RenamePlan {
  const { location } = input;
  const target = renameTarget(location, input.newName, input.exists);
  const folder = posix.dirname(location.relativePath);
  const newFolder = posix.dirname(target.relativePath);
  const sidecars = sidecarRenames(location.filename, target.filename, input.siblings).map((s) => ({
    from: join(location.root, posix.join(folder, s.from)),
    to: join(location.root, posix.join(newFolder, s.to)),
  }));
  for (const s of sidecars) {
    const rel = posix.relative(location.root.replace(/\\/g, '/'), s.to);
    if (input.exists(rel)) throw new RenameRefused(`'${rel}' (a file beside the model that would move with it) already exists; nothing was changed`);
  }

  const byWorkflow = new Map<string, WorkflowChange>();
  for (const use of usesOfModel(input.workflows, location.hash)) {
    const res = use.resolved.resolution;
    if (res.status !== 'resolved' || res.via === 'mapping') continue;
    // Another copy of the same content elsewhere stays where it is: its references keep their name.
    if (res.location.root !== location.root || res.location.relativePath !== location.relativePath) continue;
    const ref = use.resolved.reference;
    const text = renamedValue(ref.value, location.filename, target);
    const w = input.workflows.find((x) => x.path === use.path)!;
    const change = byWorkflow.get(use.path) ?? { path: use.path, splices: [], values: [] };
    change.splices.push({ offset: ref.offset, length: ref.length, text });
    change.values.push({ from: ref.value, to: JSON.parse(`"${text}"`) as string, raw: w.text.slice(ref.offset, ref.offset + ref.length) });
    byWorkflow.set(use.path, change);
  }

  const newRelative = manifestRelativePath({ relativePath: target.relativePath, name: target.name, category: location.category });
  const manifests: ManifestChange[] = [];
  for (const { path, manifest } of input.manifests) {
    const entry = manifest.models.find((m) => m.hash === location.hash);
    if (!entry) continue;
    // An entry that records another copy of the model (another path) is left as it is.
    const oldRelative = manifestRelativePath(location);
    if (entry.relativePath !== undefined && entry.relativePath !== oldRelative) continue;
    manifests.push({ path, edits: [{ kind: 'set-model-path', hash: location.hash, filename: target.filename, relativePath: newRelative }] });
  }

  return {
    target,
    model: { from: join(location.root, location.relativePath), to: join(location.root, target.relativePath) },
    sidecars,
    workflows: [...byWorkflow.values()],
    manifests,
  };
}
