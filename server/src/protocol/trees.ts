// Custom messages behind the sidebar views (Models, Workflows), the model actions (details, full
// hashes, manifest edits, deleting a duplicate copy) and the ids of the commands and views they serve.
// Only the server opens the index: the views ask through these requests, page by page.
import { NotificationType0, RequestType, RequestType0, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { BaseModel } from '../core/modelInfo/types';

/** View ids (package.json `contributes.views`). */
export const TreeViews = {
  models: 'comfyModels.models',
  workflows: 'comfyModels.workflows',
  downloads: 'comfyModels.downloads',
} as const;

/** Commands of the views, the palette and the model actions (package.json `contributes.commands`). */
export const TreeCommands = {
  searchModels: 'comfyModels.searchModels',
  filterModels: 'comfyModels.filterModels',
  clearModelFilter: 'comfyModels.clearModelFilter',
  groupByRoot: 'comfyModels.groupByRoot',
  groupByCategory: 'comfyModels.groupByCategory',
  groupByBaseModel: 'comfyModels.groupByBaseModel',
  loadMore: 'comfyModels.loadMore',
  copyModelName: 'comfyModels.copyModelName',
  copyModelHash: 'comfyModels.copyModelHash',
  revealModelInOS: 'comfyModels.revealModelInOS',
  revealModelInExplorer: 'comfyModels.revealModelInExplorer',
  revealModelInView: 'comfyModels.revealModelInView',
  insertModelName: 'comfyModels.insertModelName',
  computeFullHashes: 'comfyModels.computeFullHashes',
  addModelToManifest: 'comfyModels.addModelToManifest',
  addModelToManifestOptional: 'comfyModels.addModelToManifestOptional',
  removeModelFromManifest: 'comfyModels.removeModelFromManifest',
  listManifestModels: 'comfyModels.listManifestModels',
  showModelSources: 'comfyModels.showModelSources',
  deleteModelCopy: 'comfyModels.deleteModelCopy',
  showDuplicates: 'comfyModels.showDuplicates',
  refreshWorkflows: 'comfyModels.refreshWorkflows',
  openReference: 'comfyModels.openReference',
  fixReference: 'comfyModels.fixReference',
} as const;

export type ModelTreeGrouping = 'category' | 'root' | 'baseModel';

export interface ModelTreeFilter {
  /** Case-insensitive part of the name or path, or a hash prefix. */
  text?: string;
  /** Canonical category. */
  category?: string;
}

export type ModelTreeItemKind = 'root' | 'category' | 'baseModel' | 'folder' | 'model';

/** One row of the Models view. `id` is stable across refreshes (expansion and selection survive). */
export interface ModelTreeItem {
  kind: ModelTreeItemKind;
  id: string;
  label: string;
  /** Containers: model files below them. */
  count?: number;
  /** Category of the row (containers and models), null for files directly under a root. */
  category?: string | null;
  root?: string;
  /** Models: quick hash, absolute path, size, the name a workflow writes, other files with the same content. */
  hash?: string;
  path?: string;
  size?: number;
  name?: string;
  copies?: number;
}

export interface ModelTreeParams {
  /** The `id` of the row to expand; absent for the top level. */
  parent?: string;
  offset?: number;
  limit?: number;
  groupBy?: ModelTreeGrouping;
  filter?: ModelTreeFilter;
}

export interface ModelTreePage {
  items: ModelTreeItem[];
  /** Children in all (the client offers "Show more…" while offset + items < total). */
  total: number;
}

/** `comfyModels/modelTree`: one page of a row's children (folders first, then models, by name). */
export namespace ModelTreeRequest {
  export const method = 'comfyModels/modelTree' as const;
  export const type = new RequestType<ModelTreeParams, ModelTreePage, void>(method);
}

export interface ModelDetails {
  hash: string;
  size: number;
  sha256?: string;
  blake3?: string;
  hashOrigin?: string;
  locations: { path: string; root: string; name: string; category: string | null }[];
  sources: { type: string; url: string }[];
  /** Workspace workflows whose references resolve to this model. */
  workflows: { uri: string; label: string }[];
  /** From the file's header (core/modelInfo): base model id (`sdxl`, …), kind (`lora`, …), title, trained words. */
  baseModel?: BaseModel;
  kind?: string;
  title?: string;
  trainedWords?: string[];
  /** A `file:` URI of a preview image beside the model, else the thumbnail embedded in it (`data:` URI). */
  preview?: string;
}

/** `comfyModels/modelDetails`: everything a tooltip shows of one model. */
export namespace ModelDetailsRequest {
  export const method = 'comfyModels/modelDetails' as const;
  export const type = new RequestType<{ hash: string }, ModelDetails | null, void>(method);
}

/**
 * `mapped`: found only through a pyproject.toml mapping (ComfyUI itself still looks for the written name);
 * `base-model-mismatch`: found, but of another family than the model it is applied to.
 */
export type ReferenceStatus = 'resolved' | 'mapped' | 'missing' | 'ambiguous' | 'wrong-folder' | 'base-model-mismatch' | 'inactive';

export interface WorkflowSummary {
  uri: string;
  /** Path relative to its workspace folder. */
  label: string;
  format: 'ui' | 'api';
  /** Active model references. */
  models: number;
  missing: number;
  /** References that need attention (ambiguous, wrong folder, base-model mismatch). */
  warnings: number;
  /** References found only through a pyproject.toml mapping (the workflow as written does not load them). */
  mapped: number;
}

/** `comfyModels/workflows`: every workflow in the workspace, found by content. */
export namespace WorkflowsRequest {
  export const method = 'comfyModels/workflows' as const;
  export const type = new RequestType0<WorkflowSummary[], void>(method);
}

export interface WorkflowReferenceItem {
  uri: string;
  nodeId: string;
  nodeType: string;
  value: string;
  category: string | null;
  status: ReferenceStatus;
  /** What it resolved to, or why not. */
  detail: string;
  /** Quick hash of the resolved model. */
  hash?: string;
  /** Value span in the document (offsets). */
  offset: number;
  length: number;
  /** The same span as a line/character range (for opening the workflow at the value). */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** `comfyModels/workflowReferences`: the model references of one workflow with their status. */
export namespace WorkflowReferencesRequest {
  export const method = 'comfyModels/workflowReferences' as const;
  export const type = new RequestType<{ uri: string }, WorkflowReferenceItem[], void>(method);
}

/** `comfyModels/workflowsChanged`: a workflow or manifest changed on disk; the Workflows view asks again. */
export namespace WorkflowsChangedNotification {
  export const method = 'comfyModels/workflowsChanged' as const;
  export const type = new NotificationType0(method);
}

/** `comfyModels/duplicates`: every model with more than one file. */
export namespace DuplicatesRequest {
  export const method = 'comfyModels/duplicates' as const;
  export const type = new RequestType0<{ hash: string; size: number; paths: string[] }[], void>(method);
}

export type ManifestTable = 'required' | 'optional';

export interface ManifestModelParams {
  hash: string;
  /** A file whose manifest is meant (the active editor); else the first workspace folder's pyproject.toml. */
  near?: string;
  table?: ManifestTable;
}

export interface ManifestEditResult {
  /** The edit to apply (then save); absent with `message` when nothing is to be done or it cannot be done. */
  edit?: WorkspaceEdit;
  manifestUri: string;
  message?: string;
}

/** `comfyModels/addModelToManifest`: the minimal pyproject.toml edit listing an indexed model. */
export namespace AddModelToManifestRequest {
  export const method = 'comfyModels/addModelToManifest' as const;
  export const type = new RequestType<ManifestModelParams, ManifestEditResult, void>(method);
}

/** `comfyModels/removeModelFromManifest`: the minimal pyproject.toml edit removing a model entry. */
export namespace RemoveModelFromManifestRequest {
  export const method = 'comfyModels/removeModelFromManifest' as const;
  export const type = new RequestType<ManifestModelParams, ManifestEditResult, void>(method);
}

export interface ManifestModelItem {
  hash: string;
  filename: string;
  category: string;
  table: ManifestTable;
  /** Files of it in the index. */
  local: number;
}

/** `comfyModels/manifestModels`: the models a manifest lists, each with whether it is on disk. */
export namespace ManifestModelsRequest {
  export const method = 'comfyModels/manifestModels' as const;
  export const type = new RequestType<{ near?: string }, { manifestUri: string; exists: boolean; models: ManifestModelItem[] }, void>(method);
}

/** `comfyModels/deleteModelCopy`: delete one file of a model that has others; refused for the last one. */
export namespace DeleteModelCopyRequest {
  export const method = 'comfyModels/deleteModelCopy' as const;
  export const type = new RequestType<{ hash: string; path: string }, { deleted: boolean; message?: string }, void>(method);
}

/** `comfyModels/computeFullHashes`: SHA-256 and BLAKE3 of the given models (all without them when absent); work-done progress, cancellable. */
export namespace ComputeFullHashesRequest {
  export const method = 'comfyModels/computeFullHashes' as const;
  export const type = new RequestType<{ hashes?: string[] }, { computed: number; failed: number; cancelled: boolean }, void>(method);
}
