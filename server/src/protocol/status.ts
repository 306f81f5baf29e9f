// Index state and sync: `comfyModels/status`, `comfyModels/syncIndex`, `comfyModels/indexChanged`,
// and the ids of the commands, view and settings around them.
import { NotificationType, RequestType0 } from 'vscode-languageserver-protocol';
import type { SyncReport } from '../core/index/sync';

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

/**
 * `comfyModels/syncIndex`: walk the roots now (incremental); progress is reported with `$/progress`.
 * Cancelling the request (or its progress) stops the sync; what it recorded so far is kept.
 */
export namespace SyncIndexRequest {
  export const method = 'comfyModels/syncIndex' as const;
  export const type = new RequestType0<SyncResult, void>(method);
}

/** `comfyModels/indexChanged`: the index content or state changed (sync finished, files appeared, …). */
export namespace IndexChangedNotification {
  export const method = 'comfyModels/indexChanged' as const;
  export const type = new NotificationType<StatusResult>(method);
}

export const StatusCommands = {
  showIndexStatus: 'comfyModels.showIndexStatus',
  syncIndex: 'comfyModels.syncIndex',
  addModelFolder: 'comfyModels.addModelFolder',
  removeModelFolder: 'comfyModels.removeModelFolder',
  showLog: 'comfyModels.showLog',
} as const;

/** Settings the server reads (settings.ts) and the client writes (model folders). */
export const StatusSettings = {
  modelDirectories: 'comfyModels.modelDirectories',
  comfyuiPath: 'comfyModels.comfyuiPath',
  extraModelPathsFiles: 'comfyModels.extraModelPathsFiles',
  indexPath: 'comfyModels.indexPath',
  loaders: 'comfyModels.loaders',
  civitaiBaseUrl: 'comfyModels.civitai.baseUrl',
  huggingfaceEndpoint: 'comfyModels.huggingface.endpoint',
  huggingfaceCachePath: 'comfyModels.huggingface.cachePath',
  downloadsConcurrency: 'comfyModels.downloads.concurrency',
  downloadsLimitRate: 'comfyModels.downloads.limitRate',
  traceServer: 'comfyModels.trace.server',
} as const;

/** The section the client synchronises and the server reads settings from. */
export const SETTINGS_SECTION = 'comfyModels';
