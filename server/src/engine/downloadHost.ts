// The downloads of one server: a DownloadsService over this window's model roots, recording finished
// files in the open index, with its unfinished list next to the index file, provider origins and
// concurrency from the settings, and the provider tokens the client sent (memory only, never logged).
import { dirname, join } from 'node:path';
import { createDownloadEnvironment, type DownloadEnvironment, type DownloadOutcome } from '../core/download/download';
import type { ProviderEndpoints, ProviderKind, TokenProvider } from '../core/download/hosts';
import type { Logger } from '../core/log';
import type { IndexStore } from '../core/index/store';
import { systemClock } from '../core/download/ports';
import { TokenBucket } from '../core/download/rateLimit';
import type { ModelRoot } from '../core/roots';
import { DownloadsService, type DownloadTask } from './downloads';

export interface DownloadHostOptions {
  log: Logger;
  endpoints: ProviderEndpoints;
  concurrency: number;
  roots(): readonly ModelRoot[];
  /** Run an edit of the open index between syncs, then announce the change. */
  editIndex(work: (store: IndexStore, roots: readonly ModelRoot[]) => Promise<void>): Promise<void>;
  /** Record the finished download in the index (core/download/record.ts recordDownload). */
  record(store: IndexStore, roots: readonly ModelRoot[], outcome: DownloadOutcome): Promise<void>;
}

/** Tokens as the client last sent them; an empty string means "none". */
export class MemoryTokens implements TokenProvider {
  private tokens: Partial<Record<ProviderKind, string>> = {};
  set(tokens: Partial<Record<ProviderKind, string | undefined>>): void {
    this.tokens = {};
    for (const [kind, token] of Object.entries(tokens) as [ProviderKind, string | undefined][]) if (token) this.tokens[kind] = token;
  }
  token(kind: ProviderKind): string | undefined {
    return this.tokens[kind];
  }
}

export class DownloadHost {
  readonly tokens = new MemoryTokens();
  /** The one bandwidth cap of this server: every download, and any store transfer given it, takes from it. */
  readonly rateLimit = new TokenBucket(0, systemClock);
  readonly service: DownloadsService;
  /** Updated in place when the provider settings change (the service reads it at each start). */
  readonly env: DownloadEnvironment;
  private endpointsKey: string;

  constructor(private readonly options: DownloadHostOptions) {
    this.env = createDownloadEnvironment(options.endpoints, this.tokens, { log: options.log, rateLimit: this.rateLimit });
    this.endpointsKey = JSON.stringify(options.endpoints);
    this.service = new DownloadsService({
      env: this.env,
      roots: options.roots,
      record: (outcome) => options.editIndex((store, roots) => options.record(store, roots, outcome)),
      concurrency: options.concurrency,
    });
  }

  /**
   * Load the downloads of earlier sessions (interrupted ones stay listed until resumed or removed) from
   * beside the index file, where the list is kept from now on.
   */
  async load(indexPath: string): Promise<DownloadTask[]> {
    return this.service.load(join(dirname(indexPath), 'downloads.json'));
  }

  configure(endpoints: ProviderEndpoints, concurrency: number): void {
    this.service.setConcurrency(concurrency);
    const key = JSON.stringify(endpoints);
    if (key === this.endpointsKey) return;
    this.endpointsKey = key;
    Object.assign(this.env, createDownloadEnvironment(endpoints, this.tokens, { log: this.options.log, rateLimit: this.rateLimit }));
  }

  /** Bytes per second for all downloads together; 0 lifts the cap. */
  setRateLimit(bytesPerSecond: number): void {
    if (bytesPerSecond !== this.rateLimit.rate) this.rateLimit.setRate(bytesPerSecond);
  }

  dispose(): Promise<void> {
    return this.service.dispose();
  }
}
