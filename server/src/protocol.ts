// Custom LSP messages between the client (VS Code extension) and the server (index owner).
// Declared once here and imported by both sides; esbuild inlines it into each bundle.
import { NotificationType, RequestType, RequestType0, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import type { SyncReport } from './core/index/sync';

export type IndexState = 'loading' | 'idle' | 'syncing' | 'error';

export interface StatusResult {
  /** Server (extension) version. */
  version: string;
  state: IndexState;
  /** Path of the index database file. */
  indexPath: string;
  models: number;
  locations: number;
  roots: string[];
  /** While syncing: files done / total. */
  progress?: { done: number; total: number };
  /** Last error or warning worth showing (e.g. a corrupt index that was set aside). */
  message?: string;
}

/** `comfyModels/status`: the index state, for the status bar and "Show Index Status". */
export namespace StatusRequest {
  export const method = 'comfyModels/status' as const;
  export const type = new RequestType0<StatusResult, void>(method);
}

/** What a sync did (the `index sync --json` shape of DESIGN.md §12). */
export type SyncResult = Pick<SyncReport, 'scanned' | 'hashed' | 'unchanged' | 'removed' | 'models' | 'seconds'>;

/** `comfyModels/syncIndex`: walk the roots now (incremental); progress is reported with `$/progress`. */
export namespace SyncIndexRequest {
  export const method = 'comfyModels/syncIndex' as const;
  export const type = new RequestType0<SyncResult, void>(method);
}

/** `comfyModels/indexChanged`: the index content or state changed (sync finished, files appeared, …). */
export namespace IndexChangedNotification {
  export const method = 'comfyModels/indexChanged' as const;
  export const type = new NotificationType<StatusResult>(method);
}

export interface SearchModelsParams {
  query: string;
  /** Restrict to a canonical category. */
  category?: string | null;
  limit?: number;
  /**
   * A reference value being resolved: while `query` is empty, rank the category like the fuzzy
   * candidates of that value (the quick fix's list), then the rest of the category by name.
   */
  similarTo?: string;
}

export interface SearchModelItem {
  hash: string;
  filename: string;
  /** What a workflow writes for this file: the path under its category folder. */
  name: string;
  relativePath: string;
  category: string | null;
  root: string;
  size: number;
  score: number;
  /** Read from the model's header (sd1, sd2, sdxl, sd3, flux, other:<name>); absent when unknown. */
  baseModel?: string;
}

/** `comfyModels/searchModels`: ranked search over the index by name, path or hash prefix. */
export namespace SearchModelsRequest {
  export const method = 'comfyModels/searchModels' as const;
  export const type = new RequestType<SearchModelsParams, SearchModelItem[], void>(method);
}

/** A model reference in a workflow, as code actions and the search palette pass it around. */
export interface ReferenceTarget {
  /** Workflow document URI. */
  uri: string;
  nodeId: string;
  widgetIndex?: number;
  inputName?: string;
  value: string;
  category: string | null;
  /** Span of the value inside the JSON string (document offsets). */
  offset: number;
  length: number;
}

export interface FixEditParams {
  reference: ReferenceTarget;
  /** Quick hash of the indexed model the user picked. */
  hash: string;
  /** `map`: add a manifest mapping (+ model entry); `replace`: rewrite the value in the workflow. */
  kind: 'map' | 'replace';
}

/** `comfyModels/fixEdit`: the workspace edit that maps or replaces a reference with an indexed model. */
export namespace FixEditRequest {
  export const method = 'comfyModels/fixEdit' as const;
  export const type = new RequestType<FixEditParams, WorkspaceEdit | null, void>(method);
}
