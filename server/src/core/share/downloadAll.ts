// "Download all" of a resolve report (issue 14): every downloadable model goes through the download engine
// into the folder the report chose for it, under the manifest's file name, verified against the manifest's
// size and full hashes and against its key (our quick hash; for comfygit manifests, which may key by
// XXH3-128, checked after the transfer), then indexed with its source. Sequential: one transfer at a time.
import { promises as fsp } from 'node:fs';
import { downloadModel, type DownloadEnvironment } from '../download/download';
import { DownloadError, isDownloadError, type DownloadErrorCode } from '../download/errors';
import { scrubUrl } from '../download/hosts';
import { recordDownload } from '../download/record';
import { quickHashXxh3File } from '../hash/quickHashXxh3';
import type { IndexStore } from '../index/store';
import type { Manifest } from '../manifest/types';
import type { ModelRoot } from '../roots';
import type { ImportReportRow } from './importReport';
import type { StoreClient } from '../store/client';
import { pullFromStores, unconfiguredStoreSources } from '../store/fetchOrder';
import { unsafeUrl } from '../manifest/validate';
import type { ModelSource } from '../types';

export interface DownloadedModel {
  hash: string;
  filename: string | null;
  path: string;
  size: number;
  /** The file was already there with the verified content (nothing transferred). */
  alreadyPresent: boolean;
  source: { type: string; url: string };
}

export interface DownloadFailure {
  hash: string;
  filename: string | null;
  code: DownloadErrorCode;
  message: string;
}

export interface DownloadAllHooks {
  signal?: AbortSignal;
  onStart?(row: ImportReportRow, folder: string): void;
  /** Team stores, in the order they are tried before any public source. */
  stores?: readonly StoreClient[];
}

export async function downloadAll(
  manifest: Manifest,
  rows: readonly ImportReportRow[],
  roots: readonly ModelRoot[],
  env: DownloadEnvironment,
  store: IndexStore,
  hooks: DownloadAllHooks = {},
): Promise<{ downloaded: DownloadedModel[]; errors: DownloadFailure[] }> {
  const downloaded: DownloadedModel[] = [];
  const errors: DownloadFailure[] = [];
  // Only a manifest keyed by our BLAKE3 sample lets the engine check the key; comfygit's may be XXH3.
  const keyedByOurs = manifest.hashAlgorithms.length === 1 && manifest.hashAlgorithms[0] === 'blake3';
  for (const row of rows) {
    if (row.status !== 'downloadable' || row.unsafe || !row.source) continue;
    hooks.signal?.throwIfAborted();
    const model = manifest.models.find((m) => m.hash === row.hash && m.table === row.table);
    try {
      if (!row.category || !row.target || !row.targetRoot) throw new DownloadError('outside-roots', `no model folder takes ${row.category ?? 'models of an unknown category'}`);
      hooks.onStart?.(row, row.target);
      const expected = { size: row.size ?? undefined, sha256: model?.sha256, blake3: model?.blake3, quickHash: keyedByOurs ? row.hash : undefined };
      const sources = model?.sources ?? [row.source];
      const stores = hooks.stores ?? [];
      const want = { sha256: model?.sha256, sourceUrls: sources.map((s) => s.url), category: row.category, subfolder: row.subfolder, fileName: row.filename ?? undefined, root: row.targetRoot, expected };
      const fromStore = await pullFromStores(stores, want, roots, { ...env, signal: hooks.signal });
      const publicSource = sources.find((s) => s.type !== 's3' && !unsafeUrl(s.url));
      let r;
      if (fromStore.outcome) r = fromStore.outcome;
      else if (publicSource) {
        const request = { url: publicSource.url, category: row.category, subfolder: row.subfolder, root: row.targetRoot, fileName: row.filename ?? undefined, expected };
        r = await downloadModel(request, roots, env, { signal: hooks.signal });
      } else if (fromStore.errors.length) throw fromStore.errors[0];
      else {
        const unconfigured = unconfiguredStoreSources(stores, want);
        throw unconfigured.length
          ? new DownloadError('store-not-configured', `${unconfigured[0]} is in a team store that is not configured here: add the store to fetch it`)
          : new DownloadError('not-found', `no configured team store has ${row.filename ?? row.hash}`);
      }
      const source: ModelSource = r.source;
      if (!keyedByOurs && r.quickHash !== row.hash && (await quickHashXxh3File(r.path, hooks.signal)).quickHash !== row.hash) {
        if (!r.alreadyPresent) await fsp.unlink(r.path); // wrong content never stays under the model's name
        throw new DownloadError('hash-mismatch', `the file from ${scrubUrl(r.source.url)} does not hash to the manifest key ${row.hash}; it was discarded`);
      }
      await recordDownload(store, roots, r, source);
      downloaded.push({ hash: row.hash, filename: row.filename, path: r.path, size: r.size, alreadyPresent: r.alreadyPresent, source: { type: source.type, url: scrubUrl(source.url) } });
    } catch (err) {
      if (!isDownloadError(err) || err.code === 'cancelled') throw err;
      errors.push({ hash: row.hash, filename: row.filename, code: err.code, message: err.message });
    }
  }
  return { downloaded, errors };
}
