// Downloads (DESIGN.md §9–§10): the server runs every transfer; the client starts them (tasks, quick
// fixes, commands), lists them in the Downloads view and shows their progress in task terminals.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

/** What to download: the argument of `comfyModels.startDownloads` (one per item) and of the task type. */
export interface DownloadItem {
  url: string;
  /** ComfyUI category (checkpoints, loras, vae, …); CivitAI URLs can tell it themselves. */
  category?: string;
  /** Folder under the category folder (`/`-separated). */
  subfolder?: string;
  /** The model root to download into (one of the configured roots); default: the one that takes the category. */
  root?: string;
  /** Expected SHA-256 (verified). */
  sha256?: string;
  /** Expected size in bytes (verified). */
  size?: number;
  /** File name to save as (e.g. the name a workflow refers to); default: the provider's. */
  fileName?: string;
  /** A manifest whose entry of the downloaded model gets this source (pyproject.toml path). */
  manifestPath?: string;
}

export type DownloadTaskState = 'queued' | 'running' | 'finished' | 'failed' | 'interrupted' | 'cancelled';

/** One download as the client sees it (URL without secrets). */
export interface DownloadInfo {
  id: string;
  url: string;
  state: DownloadTaskState;
  category?: string;
  /** Final path (the `.part` sits beside it while running). */
  path?: string;
  /** The file name, for labels. */
  name: string;
  bytes: number;
  total?: number;
  /** Bytes per second while running. */
  speed?: number;
  /** Seconds left, when known. */
  eta?: number;
  error?: { code: string; message: string };
  /** Once finished: the verified hashes. */
  sha256?: string;
  blake3?: string;
  alreadyPresent?: boolean;
}

/** `comfyModels/startDownload`: queue one download; answers its id at once (progress follows as notifications). */
export namespace StartDownloadRequest {
  export const method = 'comfyModels/startDownload' as const;
  export const type = new RequestType<DownloadItem, DownloadInfo, void>(method);
}

/** `comfyModels/listDownloads`: every download of this server, with unfinished ones from earlier sessions. */
export namespace ListDownloadsRequest {
  export const method = 'comfyModels/listDownloads' as const;
  export const type = new RequestType0<DownloadInfo[], void>(method);
}

export interface DownloadIdParams {
  id: string;
}

/** `comfyModels/cancelDownload`: stop it; the `.part` stays (resume continues it). */
export namespace CancelDownloadRequest {
  export const method = 'comfyModels/cancelDownload' as const;
  export const type = new RequestType<DownloadIdParams, void, void>(method);
}

/** `comfyModels/resumeDownload`: queue an interrupted, cancelled or failed download again (from its `.part`). */
export namespace ResumeDownloadRequest {
  export const method = 'comfyModels/resumeDownload' as const;
  export const type = new RequestType<DownloadIdParams, DownloadInfo | undefined, void>(method);
}

/** `comfyModels/removeDownload`: forget a settled download (and delete its `.part` when asked). */
export namespace RemoveDownloadRequest {
  export const method = 'comfyModels/removeDownload' as const;
  export const type = new RequestType<DownloadIdParams & { deletePart?: boolean }, void, void>(method);
}

/** `comfyModels/downloadChanged`: a download's state or progress changed. */
export namespace DownloadChangedNotification {
  export const method = 'comfyModels/downloadChanged' as const;
  export const type = new NotificationType<DownloadInfo>(method);
}

/** The provider tokens, from the client's SecretStorage; kept in the server's memory only. */
export interface TokensParams {
  civitai?: string;
  huggingface?: string;
}

/** `comfyModels/setTokens`: sent at start and whenever a token changes. */
export namespace SetTokensRequest {
  export const method = 'comfyModels/setTokens' as const;
  export const type = new RequestType<TokensParams, void, void>(method);
}

export interface PlannedDownload {
  /** The reference as the workflow writes it. */
  reference: string;
  item: DownloadItem;
  host: string;
  /** Bytes, from the provider's metadata (CivitAI version API, Hugging Face HEAD), when it answered. */
  size?: number;
  /** Folder the file goes to (that of `item.root`). */
  targetDir?: string;
  /** The folders it may go to instead (one per model root that takes its category), most free space first. */
  targets: PlannedTarget[];
  /** Why it cannot be planned (provider error, no model folder). */
  problem?: string;
}

export interface PlannedTarget {
  root: string;
  /** The folder under that root (category folder, subfolder). */
  folder: string;
  freeBytes?: number;
}

export interface DownloadPlan {
  downloads: PlannedDownload[];
  /** Missing models of the workflow that have no known URL. */
  withoutSource: string[];
  /** Sum of the known sizes. */
  totalBytes: number;
  /** Free space of the target roots (bytes, per root path). */
  freeBytes: Record<string, number>;
}

/** `comfyModels/planDownloads`: the missing models of a workflow that can be downloaded, with sizes and targets. */
export namespace PlanDownloadsRequest {
  export const method = 'comfyModels/planDownloads' as const;
  export const type = new RequestType<{ uri: string }, DownloadPlan, void>(method);
}

export interface OnlineHit {
  provider: 'civitai' | 'huggingface';
  title: string;
  modelType?: string;
  category?: string;
  baseModel?: string;
  fileName?: string;
  size?: number;
  sha256?: string;
  /** Empty when the provider lists no file for the hit (Hugging Face repos: pick a file later). */
  downloadUrl?: string;
  pageUrl: string;
}

/** `comfyModels/searchOnline`: CivitAI and Hugging Face search results (one row per downloadable file). */
export namespace SearchOnlineRequest {
  export const method = 'comfyModels/searchOnline' as const;
  export const type = new RequestType<{ query: string }, { hits: OnlineHit[]; errors: string[] }, void>(method);
}

export interface RepoFile {
  path: string;
  size: number;
  sha256?: string;
  downloadUrl: string;
}

/** `comfyModels/listRepoFiles`: the model files of a Hugging Face repo (main), to pick one from a search hit. */
export namespace ListRepoFilesRequest {
  export const method = 'comfyModels/listRepoFiles' as const;
  export const type = new RequestType<{ repo: string }, RepoFile[], void>(method);
}

export interface FindSourcesResult {
  /** Local models looked at. */
  models: number;
  /** SHA-256s computed now (the others were known). */
  hashed: number;
  /** Sources recorded. */
  found: number;
}

/** `comfyModels/findSources`: SHA-256 of local models without a source, looked up on CivitAI in batches of 100. */
export namespace FindSourcesRequest {
  export const method = 'comfyModels/findSources' as const;
  export const type = new RequestType0<FindSourcesResult, void>(method);
}

/** The task type of `contributes.taskDefinitions`. */
export const DOWNLOAD_TASK_TYPE = 'comfy-models-download';

export const DownloadCommands = {
  startDownloads: 'comfyModels.startDownloads',
  downloadFromUrl: 'comfyModels.downloadFromUrl',
  downloadMissing: 'comfyModels.downloadMissing',
  searchOnline: 'comfyModels.searchOnline',
  findSources: 'comfyModels.findSources',
  setCivitaiToken: 'comfyModels.setCivitaiToken',
  setHuggingFaceToken: 'comfyModels.setHuggingFaceToken',
  cancelDownload: 'comfyModels.cancelDownload',
  retryDownload: 'comfyModels.retryDownload',
  resumeDownload: 'comfyModels.resumeDownload',
  revealDownload: 'comfyModels.revealDownload',
  removeDownload: 'comfyModels.removeDownload',
} as const;
