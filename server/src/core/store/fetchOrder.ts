// Where a wanted model comes from, in one order everywhere: the local copy (the caller checked it), then
// the team stores in their configured order, then public sources. A store is asked by the SHA-256 it
// would hold the model under (an `s3://` source of that store, else the manifest's sha256).
import type { DownloadOutcome } from '../download/download';
import { DownloadError, isDownloadError } from '../download/errors';
import type { ModelRoot } from '../roots';
import type { StoreClient } from './client';
import { parseObjectUrl, parseStoreUrl } from './config';
import { pullModel, type PullDeps } from './pull';
import type { ExpectedFile } from '../download/transfer';

export interface WantedModel {
  sha256?: string;
  /** The model's sources as written (only `s3://` ones are used here). */
  sourceUrls: readonly string[];
  category?: string;
  subfolder?: string;
  fileName?: string;
  root?: string;
  expected?: ExpectedFile;
}

/** The SHA-256 `client` would hold the model under, if any. */
export function storeHashFor(client: StoreClient, want: WantedModel): string | undefined {
  for (const url of want.sourceUrls) {
    const at = parseObjectUrl(url);
    if (at && at.bucket === client.location.bucket && at.prefix === client.location.prefix) return at.sha256;
  }
  return want.sha256?.toLowerCase();
}

/** `s3://` sources no configured store serves: shown as "add the store to fetch it", never fetched. */
export function unconfiguredStoreSources(stores: readonly StoreClient[], want: WantedModel): string[] {
  return want.sourceUrls.filter((url) => {
    const at = parseObjectUrl(url);
    return at && !stores.some((s) => {
      const loc = parseStoreUrl(s.config.url);
      return loc.bucket === at.bucket && loc.prefix === at.prefix;
    });
  });
}

export interface StorePull {
  outcome?: DownloadOutcome;
  store?: StoreClient;
  /** What a store that should have had it answered instead (wrong credentials, corrupt object, …). */
  errors: DownloadError[];
}

/** The model from the first store that has it; errors of the others are kept for the report. */
export async function pullFromStores(stores: readonly StoreClient[], want: WantedModel, roots: readonly ModelRoot[], deps: PullDeps & { signal?: AbortSignal } = {}): Promise<StorePull> {
  const errors: DownloadError[] = [];
  for (const client of stores) {
    const sha256 = storeHashFor(client, want);
    if (!sha256) continue;
    deps.signal?.throwIfAborted();
    try {
      const known = await client.head(sha256, deps.signal);
      if (!known) continue;
      const outcome = await pullModel(client, { sha256, known, category: want.category, subfolder: want.subfolder, fileName: want.fileName, root: want.root, expected: want.expected, signal: deps.signal }, roots, deps);
      return { outcome, store: client, errors };
    } catch (err) {
      if (!isDownloadError(err) || err.code === 'cancelled') throw err;
      errors.push(err);
    }
  }
  return { errors };
}
