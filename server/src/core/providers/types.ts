// One interface for the online providers (DESIGN.md §11): what a URL will download (before any byte is
// transferred), and search. Provider-specific calls (CivitAI by hash, Hugging Face tree) live on the classes.
import type { DownloadSource } from '../download/url';
import type { ProviderKind } from '../download/hosts';
import type { SourceType } from '../types';

/** What a download will fetch, known before the transfer. Every URL here is free of secrets. */
export interface RemoteFile {
  provider: Exclude<SourceType, 's3'>;
  /** The URL to GET. */
  downloadUrl: string;
  /** The URL recorded as the model's source (canonical, scrubbed). */
  sourceUrl: string;
  fileName?: string;
  /** Exact size in bytes (verified). */
  size?: number;
  /** Size for plans when the exact one is unknown (CivitAI lists KiB as a float). */
  approximateSize?: number;
  sha256?: string;
  blake3?: string;
  /** ComfyUI category the provider's model type maps to (CivitAI), when it maps to one. */
  category?: string;
  /** Provider ids and names, stored as the source's metadata JSON (CivitAI modelId/versionId/fileId, HF repo/revision/commit/path). */
  metadata: Record<string, unknown>;
}

export interface SearchFile {
  name: string;
  size?: number;
  sha256?: string;
  downloadUrl: string;
}

export interface SearchHit {
  provider: ProviderKind;
  /** Model name (CivitAI) or repo id (Hugging Face). */
  title: string;
  /** Provider's model type (CivitAI `Checkpoint`, `LORA`…; Hugging Face pipeline tag). */
  modelType?: string;
  category?: string;
  baseModel?: string;
  /** Downloadable files (CivitAI: the latest version's; Hugging Face: empty, list them with `tree`). */
  files: SearchFile[];
  pageUrl: string;
  metadata: Record<string, unknown>;
}

export interface SearchPage {
  items: SearchHit[];
  /** Pass back to get the next page; absent on the last page. */
  nextCursor?: string;
}

export interface SearchOptions {
  cursor?: string;
  limit?: number;
  signal?: AbortSignal;
}

export interface ModelProvider {
  readonly kind: ProviderKind;
  /** Metadata of the file a provider URL names (name, size, hashes, category, ids). */
  describe(source: DownloadSource, signal?: AbortSignal): Promise<RemoteFile>;
  search(query: string, options?: SearchOptions): Promise<SearchPage>;
}
