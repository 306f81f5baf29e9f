// The server's downloads, wired once: a DownloadHost over the index host (roots, recording into the open
// index), the download requests, the plan and manifest sources read through the language features,
// and "find sources" over this window's view of the index. server.ts calls this at initialize.
import type { Connection } from 'vscode-languageserver';
import { DEFAULT_ENDPOINTS, endpointsFromSettings } from '../core/download/hosts';
import { parseRate } from '../core/download/rateLimit';
import { recordDownload } from '../core/download/record';
import type { Logger } from '../core/log';
import { DownloadHost } from '../engine/downloadHost';
import { findSourcesForLocalModels } from '../engine/findSources';
import type { IndexHost } from '../engine/indexHost';
import { openWorkflowDownloads, recordSourceInManifest } from '../lsp/downloadSources';
import type { FeatureContext } from '../lsp/featureContext';
import { registerDownloadRequests } from './downloads';
import type { Settings } from '../settings';

export interface ServerDownloads {
  /** Provider origins and concurrency from the settings. */
  configure(settings: Settings): void;
  /** Read the downloads of earlier sessions, kept beside the index file at `indexPath`. */
  load(indexPath: string): Promise<void>;
  /** Running downloads become interrupted (listed again next time, resumable from their `.part`). */
  dispose(): Promise<void>;
}

export function wireDownloads(connection: Connection, index: IndexHost, features: FeatureContext, log: Logger): ServerDownloads {
  const host = new DownloadHost({
    log,
    endpoints: endpointsFromSettings(DEFAULT_ENDPOINTS, process.env),
    concurrency: 2,
    roots: () => index.modelRoots(),
    editIndex: (work) => index.edit(work),
    record: (store, roots, outcome) => recordDownload(store, roots, outcome, outcome.source),
  });
  registerDownloadRequests(connection, {
    host,
    log,
    showsProgress: features.client.workDoneProgress,
    roots: () => index.modelRoots(),
    workflowDownloads: (uri) => openWorkflowDownloads(features, uri),
    findSources: (signal, onProgress) => {
      const view = index.view();
      return findSourcesForLocalModels({ snapshot: view.snapshot, model: view.model, civitai: host.env.providers.civitai, edit: (work) => index.edit((store) => work(store)), signal, onProgress });
    },
    recordInManifest: (path, hash, source) => recordSourceInManifest(features, path, hash, source),
  });
  return {
    configure: (s) => {
      host.configure(endpointsFromSettings({ civitaiBaseUrl: s.civitaiBaseUrl, huggingFaceEndpoint: s.huggingfaceEndpoint }, process.env), s.downloadsConcurrency);
      const rate = parseRate(s.downloadsLimitRate);
      if (rate === undefined) log.warn(`comfyModels.downloads.limitRate: '${s.downloadsLimitRate}' is not a rate like 500K or 4M; downloads are not capped`);
      host.setRateLimit(rate ?? 0);
    },
    load: async (indexPath) => void (await host.load(indexPath).catch((err) => log.warn(`Cannot read the download list: ${err instanceof Error ? err.message : err}`))),
    dispose: () => host.dispose(),
  };
}
