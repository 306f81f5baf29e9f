// Pull a model from a store through the download engine: the object's metadata names the file and its
// folder, the key names the SHA-256 every byte is checked against. Bytes that do not hash to their key
// are a corrupt store object: discarded, never indexed, reported as such.
import { basename } from 'node:path';
import type { DownloadOutcome } from '../download/download';
import { DownloadError, isDownloadError } from '../download/errors';
import { locateInRoots } from '../download/record';
import { mergeExpected, targetFolder } from '../download/target';
import { transfer, type ExpectedFile, type TransferDeps } from '../download/transfer';
import type { ModelRoot } from '../roots';
import type { StoreClient } from './client';
import { objectKey, objectUrl } from './config';
import type { StoredModel } from './metadata';
import { storeTransport } from './transport';

export interface PullRequest {
  sha256: string;
  /** Overrides of the object's metadata (a manifest's category, file name and subfolder win). */
  category?: string;
  subfolder?: string;
  fileName?: string;
  root?: string;
  expected?: ExpectedFile;
  /** The object's facts when already known (a listing, a HEAD by the caller). */
  known?: StoredModel;
  signal?: AbortSignal;
  onProgress?(bytes: number, total: number | undefined): void;
  onTarget?(path: string): void;
}

export type PullDeps = Omit<TransferDeps, 'http' | 'tokens'>;

export async function pullModel(client: StoreClient, request: PullRequest, roots: readonly ModelRoot[], deps: PullDeps = {}): Promise<DownloadOutcome> {
  const sha256 = request.sha256.toLowerCase();
  const name = client.config.name;
  const model = request.known ?? (await client.head(sha256, request.signal));
  if (!model) throw new DownloadError('not-found', `store '${name}' does not have the model with SHA-256 ${sha256}`);
  const category = request.category ?? model.category;
  if (!category) throw new DownloadError('category-required', `which model folder should ${model.filename} go to? The store does not say; give a category`);
  const targetDir = targetFolder(roots, category, request.subfolder ?? model.subfolder, request.root);
  const expected = mergeExpected(request.expected, { size: model.size, sha256, blake3: model.blake3 }, `store '${name}'`);
  const url = objectUrl(client.location, sha256);
  let result;
  try {
    result = await transfer(
      { url, targetDir, roots: roots.map((r) => r.path), fileName: request.fileName ?? model.filename, expected, signal: request.signal, onProgress: request.onProgress, onTarget: request.onTarget },
      { ...deps, http: storeTransport(client, model.size), tokens: { token: () => undefined } },
    );
  } catch (err) {
    if (isDownloadError(err, 'hash-mismatch') || isDownloadError(err, 'size-mismatch')) {
      throw new DownloadError(
        'corrupt-store-object',
        `store '${name}': the object ${objectKey(client.location, sha256)} is corrupt — its bytes do not match its key (${err.message.replace(/^.*\(([^)]*)\).*$/s, '$1')}); nothing was kept or indexed`,
      );
    }
    throw err;
  }
  const at = locateInRoots(result.path, roots);
  return { ...result, category, relativePath: at?.relativePath ?? basename(result.path), source: { type: 's3', url, metadata: { store: name } } };
}
