// Owns the model index inside a process that serves one window: opens the store, resolves the roots
// from the settings, keeps the index in sync with them (sync scheduler + root watcher), reports its
// state, and hands out the scoped view every feature reads. No LSP types: the server and the CLI adapt it.
import { homedir } from 'node:os';
import { IndexSnapshot } from '../core/index/snapshot';
import { IndexStore } from '../core/index/store';
import type { Logger } from '../core/log';
import { FuzzyCache } from '../core/resolve/fuzzy';
import { huggingFaceCacheDir } from '../core/hfCache';
import { resolveRoots, rootFilter, type ModelRoot } from '../core/roots';
import type { ModelInfo } from '../core/types';
import type { IndexState, StatusResult, SyncResult } from '../protocol/status';
import type { Settings } from '../settings';
import { RootWatcher } from './rootWatcher';
import { SyncCancelled, SyncScheduler, type SyncProgress } from './syncScheduler';
import { warmUpSteps } from './warmUp';

export type { SyncProgress } from './syncScheduler';

export interface IndexHostOptions {
  version: string;
  /** Index file used when `comfyModels.indexPath` is empty. */
  defaultIndexPath: string;
  log: Logger;
  /** Called whenever the index content or state changed (the server sends `comfyModels/indexChanged`). */
  onChanged(status: StatusResult): void;
  /** Start a progress display for a sync; `cancel` stops that sync. Optional. */
  beginProgress?(title: string, cancel: () => void): Promise<SyncProgress>;
  /** For `~` and `$VARS` in extra_model_paths.yaml; default: this process. */
  pathEnv?: { env: Record<string, string | undefined>; home: string };
}

/**
 * What this window sees of the index: the locations under its roots, the fuzzy cache for their lists,
 * and model details limited to those locations. Every language feature and request reads this.
 */
export interface IndexView {
  readonly snapshot: IndexSnapshot;
  readonly fuzzy: FuzzyCache;
  /** The model with its locations in scope; undefined when none of its files is under this window's roots. */
  model(hash: string): ModelInfo | undefined;
}

const EMPTY_SNAPSHOT = new IndexSnapshot(-1, []);

/** Let pending I/O (LSP requests) run before the next step of background work. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class IndexHost {
  private settings: Settings | undefined;
  private store: IndexStore | undefined;
  private roots: ModelRoot[] = [];
  private state: IndexState = 'loading';
  private message: string | undefined;
  private progress: { done: number; total: number } | undefined;
  private readonly listeners = new Set<() => void>();
  /** Fuzzy preparation and answers per location list of the scoped snapshots. */
  readonly fuzzy = new FuzzyCache();
  private readonly scheduler: SyncScheduler;
  private readonly watcher: RootWatcher;
  /** The snapshot last announced (or being warmed up to be announced) to onDidChangeIndex listeners. */
  private announced: IndexSnapshot = EMPTY_SNAPSHOT;
  private disposed = false;
  private scoped: { generation: number; roots: ModelRoot[]; snapshot: IndexSnapshot } | undefined;

  constructor(private readonly options: IndexHostOptions) {
    this.scheduler = new SyncScheduler({
      log: options.log,
      target: () => {
        if (!this.store) throw new Error(this.message ?? 'the model index is not open');
        return { store: this.store, roots: this.roots };
      },
      beginProgress: options.beginProgress,
      onStart: () => {
        this.state = 'syncing';
        this.progress = { done: 0, total: 0 };
        this.changed();
      },
      onProgress: (done, total) => (this.progress = { done, total }),
      onEnd: () => (this.progress = undefined),
    });
    this.watcher = new RootWatcher(options.log, {
      onRootChanged: (key) => void this.request(new Set([key])).catch(() => undefined),
      onIndexFileChanged: () => {
        if (this.scheduler.busy || !this.store) return;
        void this.store.refresh().then((reloaded) => reloaded && this.changed(), () => undefined);
      },
    });
  }

  get indexPath(): string {
    return this.indexPathFor(this.settings);
  }

  /** The index file `settings` name (`comfyModels.indexPath`, else the default). */
  indexPathFor(settings: Settings | undefined): string {
    return settings?.indexPath || this.options.defaultIndexPath;
  }

  status(): StatusResult {
    const snap = this.query();
    return {
      version: this.options.version,
      state: this.state,
      indexPath: this.indexPath,
      models: snap.modelCount,
      locations: snap.locations.length,
      roots: this.roots.map((r) => r.path),
      ...(this.progress && { progress: this.progress }),
      ...(this.message && { message: this.message }),
    };
  }

  /** Apply settings: (re)open the index if its path changed, resolve the roots, watch them, sync. */
  async configure(settings: Settings): Promise<void> {
    const previousPath = this.store?.path;
    this.settings = settings;
    const pathEnv = this.options.pathEnv ?? { env: process.env, home: homedir() };
    const huggingFaceCache = huggingFaceCacheDir(pathEnv.env, pathEnv.home, settings.huggingfaceCachePath);
    const { roots, warnings } = resolveRoots({ ...settings, huggingFaceCache }, pathEnv);
    warnings.forEach((w) => this.options.log.warn(w));
    this.roots = roots;
    try {
      if (previousPath !== this.indexPath) {
        await this.scheduler.idle();
        this.store?.close();
        this.store = await IndexStore.open(this.indexPath, this.options.log);
        // Generations count per store: a view cached from the previous one could pass for this one's.
        this.scoped = undefined;
        this.message = this.store.message;
      }
    } catch (err) {
      this.store = undefined;
      this.fail(err);
      return;
    }
    if (this.disposed) return; // shut down while the index was opening
    this.watcher.watch(this.roots, this.indexPath);
    this.changed();
    await this.sync().catch(() => undefined); // failures are in the state and the log
  }

  /**
   * Sync every root (incremental). Requests made while a sync runs are coalesced into the next one;
   * aborting `signal` stops the sync it joined, keeping what it recorded.
   */
  sync(signal?: AbortSignal): Promise<SyncResult> {
    return this.request('all', signal);
  }

  /**
   * The index as this window sees it: locations under its roots only. Each new snapshot takes over the
   * previous one's unchanged category lists, and with them what the fuzzy cache holds for them.
   */
  query(): IndexSnapshot {
    if (!this.store) return EMPTY_SNAPSHOT;
    const all = this.store.snapshot();
    const s = this.scoped;
    if (s && s.generation === all.generation && s.roots === this.roots) return s.snapshot;
    const inScope = all.locations.filter(rootFilter(this.roots));
    const snapshot = inScope.length === all.locations.length ? all : new IndexSnapshot(all.generation, inScope);
    if (s) snapshot.follow(s.snapshot);
    this.scoped = { generation: all.generation, roots: this.roots, snapshot };
    return snapshot;
  }

  /** The scoped read surface: the snapshot of query(), the fuzzy cache and scoped model details. */
  view(): IndexView {
    const snapshot = this.query();
    const store = this.store;
    return {
      snapshot,
      fuzzy: this.fuzzy,
      model: (hash) => {
        const locations = snapshot.byHash(hash);
        if (!locations.length) return undefined;
        const info = store?.model(hash);
        return info && { ...info, locations: [...locations] };
      },
    };
  }

  /** This window's model roots, as resolved from the settings. */
  modelRoots(): readonly ModelRoot[] {
    return this.roots;
  }

  /** Edit the open index between syncs (e.g. record a download), then announce the change. */
  async edit(work: (store: IndexStore, roots: readonly ModelRoot[]) => Promise<void>): Promise<void> {
    const { store, roots } = await this.shared();
    try {
      await work(store, roots);
    } finally {
      this.changed();
    }
  }

  /**
   * The open store and this window's roots, for requests that read beyond the scoped view or record
   * results (export's full hashes, import's XXH3 samples, deleting a copy). Waits for a running sync.
   */
  async shared(): Promise<{ store: IndexStore; roots: readonly ModelRoot[] }> {
    await this.scheduler.idle();
    if (!this.store) throw new Error(this.message ?? 'the model index is not open');
    return { store: this.store, roots: this.roots };
  }

  /** Called after every change of the index content (e.g. to refresh diagnostics). */
  onDidChangeIndex(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.disposed = true;
    this.scheduler.dispose();
    this.watcher.dispose();
  }

  private async request(roots: 'all' | Set<string>, signal?: AbortSignal): Promise<SyncResult> {
    try {
      const result = await this.scheduler.request(roots, signal);
      this.state = 'idle';
      this.message = this.store?.message;
      return result;
    } catch (err) {
      if (err instanceof SyncCancelled) {
        // Cancelled by the user: what was hashed is saved, the index is usable.
        this.state = 'idle';
        this.options.log.info(err.message);
      } else this.fail(err);
      throw err;
    } finally {
      this.changed();
    }
  }

  private fail(err: unknown): void {
    this.state = 'error';
    this.message = err instanceof Error ? err.message : String(err);
    this.options.log.error(`model index: ${this.message}`);
    this.changed();
  }

  /** warmUpSteps, letting requests in between steps; stops when a newer snapshot replaced this one. */
  private async warmUp(snapshot: IndexSnapshot, previous: IndexSnapshot): Promise<void> {
    const steps = warmUpSteps(snapshot, previous, this.fuzzy);
    do {
      await yieldToEventLoop();
      if (this.disposed || this.announced !== snapshot) return;
    } while (!steps.next().done);
  }

  /** Report the state; when the index content changed, warm the new snapshot up, then tell the listeners. */
  private changed(): void {
    if (this.disposed) return;
    this.options.onChanged(this.status());
    const snapshot = this.query();
    const previous = this.announced;
    if (snapshot === previous) return; // state only: the content is the same
    this.announced = snapshot;
    void this.warmUp(snapshot, previous)
      .catch((err) => this.options.log.error(`preparing the model index: ${err instanceof Error ? err.message : err}`))
      .then(() => {
        // When superseded, the newer snapshot's warm-up tells the listeners.
        if (!this.disposed && this.announced === snapshot) this.listeners.forEach((l) => l());
      });
  }
}

