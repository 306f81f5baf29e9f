// "Add Model to Manifest", "Remove Model from Manifest", "List Manifest Models": the minimal
// pyproject.toml edit (core/manifest/edit.ts splices) as a WorkspaceEdit the client applies and saves.
import { join } from 'node:path';
import type { IndexSnapshot } from '../core/index/snapshot';
import type { Logger } from '../core/log';
import { modelEntryFor } from '../core/manifest/entry';
import type { ModelInfo } from '../core/types';
import type { ManifestContext, WorkflowAnalyzer } from '../lsp/analysis';
import { manifestWorkspaceEdit, type EditSupport } from '../lsp/fixes';
import { pathToUri, uriToPath, type WorkspaceFiles } from '../lsp/workspaceFiles';
import type { ManifestEditResult, ManifestModelItem, ManifestModelParams } from '../protocol/trees';

export interface ManifestDeps {
  analyzer: WorkflowAnalyzer;
  files: WorkspaceFiles;
  query(): IndexSnapshot;
  model(hash: string): ModelInfo | undefined;
  log: Logger;
  /** What the client can apply (creating pyproject.toml needs the `create` resource operation). */
  client: EditSupport;
}

/** The manifest meant by a request: the one of the file `near` (a workflow, or the manifest itself), else the first folder's. */
export async function manifestNear(deps: Pick<ManifestDeps, 'analyzer' | 'files'>, near: string | undefined): Promise<ManifestContext | undefined> {
  const folder = deps.files.workspaceFolders[0];
  // A file directly in the folder finds the folder's own pyproject.toml (existing or to be created).
  const file = near ? uriToPath(near) : folder === undefined ? undefined : join(folder, 'workflow.json');
  if (file === undefined) return undefined;
  await deps.files.loadManifestOf(file); // read ahead: discovery then answers from the manifest cache
  return deps.analyzer.manifestFor(file);
}

const noManifest = (): ManifestEditResult => ({ manifestUri: '', message: 'Open a folder first: the manifest is the pyproject.toml of a workspace folder.' });

export async function addModelToManifest(deps: ManifestDeps, params: ManifestModelParams): Promise<ManifestEditResult> {
  const ctx = await manifestNear(deps, params.near);
  if (!ctx) return noManifest();
  const manifestUri = pathToUri(ctx.path);
  const location = deps.query().byHash(params.hash)[0];
  if (!location) return { manifestUri, message: `No indexed model has the hash ${params.hash}.` };
  const table = params.table ?? 'required';
  const listed = ctx.manifest.models.find((m) => m.hash === location.hash);
  if (listed) return { manifestUri, message: `${location.filename} is already listed in ${ctx.path} (${listed.table}).` };
  const model = modelEntryFor(location, deps.model(location.hash), location.category ?? 'unknown');
  const edit = manifestWorkspaceEdit(ctx, [{ kind: 'add-model', table, model }], deps.files, deps.log, deps.client);
  return edit ? { manifestUri, edit } : { manifestUri, message: `${ctx.path} cannot be edited safely (see the log).` };
}

export async function removeModelFromManifest(deps: ManifestDeps, params: ManifestModelParams): Promise<ManifestEditResult> {
  const ctx = await manifestNear(deps, params.near);
  if (!ctx) return noManifest();
  const manifestUri = pathToUri(ctx.path);
  if (!ctx.manifest.models.some((m) => m.hash === params.hash)) return { manifestUri, message: `The model ${params.hash} is not listed in ${ctx.path}.` };
  const edit = manifestWorkspaceEdit(ctx, [{ kind: 'remove-model', hash: params.hash }], deps.files, deps.log, deps.client);
  return edit ? { manifestUri, edit } : { manifestUri, message: `${ctx.path} cannot be edited safely (see the log).` };
}

export async function manifestModels(deps: ManifestDeps, near: string | undefined): Promise<{ manifestUri: string; exists: boolean; models: ManifestModelItem[] }> {
  const ctx = await manifestNear(deps, near);
  if (!ctx) return { manifestUri: '', exists: false, models: [] };
  const index = deps.query();
  return {
    manifestUri: pathToUri(ctx.path),
    exists: ctx.exists,
    models: ctx.manifest.models.map((m) => ({
      hash: m.hash,
      filename: m.filename ?? m.relativePath ?? m.hash,
      category: m.category ?? '',
      table: m.table,
      local: index.byHash(m.hash).length,
    })),
  };
}
