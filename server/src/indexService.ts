// Owns the model index inside the server process: opens it, keeps it in sync with the roots (at start,
// on request, and when files change under a root), reports progress and state, and answers queries
// from an in-memory snapshot. The index engine itself lives in core/.
import { watch, type FSWatcher } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname } from 'node:path';
import { IndexSnapshot } from './core/index/snapshot';
import { IndexStore } from './core/index/store';
import { syncRoots } from './core/index/sync';
import type { Logger } from './core/log';
import { fuzzyCandidates, fuzzyQueries, prepareFuzzy } from './core/resolve/fuzzy';
import type { ModelLocation } from './core/types';
import { resolveRoots, rootKey, type ModelRoot } from './core/roots';
import type { IndexState, StatusResult, SyncResult } from './protocol';
import type { Settings } from './settings';

export interface ProgressReporter {
  report(done: number, total: number): void;
  done(): void;
}

export interface IndexServiceOptions {
  version: string;
  /** Index file used when `comfyModels.indexPath` is empty. */
  defaultIndexPath: string;
  log: Logger;
  /** Called whenever the index content or state changed (the server sends `comfyModels/indexChanged`). */
  onChanged(status: StatusResult): void;
  /** Start a work-done progress (`$/progress`) for a sync; optional. */
  beginProgress?(title: string): Promise<ProgressReporter>;
  /** For `~` and `$VARS` in extra_model_paths.yaml; default: this process. */
  pathEnv?: { env: Record<string, string | undefined>; home: string };
}

type RootRequest = 'all' | Set<string>;

const EMPTY_SNAPSHOT = new IndexSnapshot(-1, []);

/** Let pending I/O (LSP requests) run before the next step of background work. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Queries asked of a list that changed which are asked again of its successor while warming up. */
const QUERIES_ASKED_AGAIN = 32;

/**
 * Build what the first diagnostics pull in `snapshot` would otherwise pay for, one step per `next()`:
 * its lookups; per category (and for the whole index) the fuzzy preparation of its list and, when the
 * list changed since `previous`, the fuzzy queries last asked of the old list. Lists `snapshot` took
 * over from `previous` are ready already: their step costs a lookup.
 */
export function* warmUpSteps(snapshot: IndexSnapshot, previous?: IndexSnapshot): Generator<void, void, void> {
  snapshot.prepare();
  const before = previous?.prepared ? previous : undefined;
  const lists: [readonly ModelLocation[], readonly ModelLocation[] | undefined][] = [...snapshot.categoryLists()].map(([category, list]) => [
    list,
    before?.categoryLists().get(category),
  ]);
  lists.push([snapshot.byCategory(null), before?.byCategory(null)]);
  for (const [list, old] of lists) {
    yield;
    prepareFuzzy(list);
    if (!old || old === list) continue;
    for (const { value, limit } of fuzzyQueries(old, QUERIES_ASKED_AGAIN)) {
      yield;
      fuzzyCandidates(value, list, limit);
    }
  }
}

export class IndexService {
  private settings: Settings | undefined;
  private store: IndexStore | undefined;
  private roots: ModelRoot[] = [];
  private state: IndexState = 'loading';
  private message: string | undefined;
  private progress: { done: number; total: number } | undefined;
  private watchers: FSWatcher[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly abort = new AbortController();
  private running: Promise<SyncResult> | undefined;
  private queued: { roots: RootRequest; promise: Promise<SyncResult> } | undefined;
  /** The snapshot last announced (or being warmed up to be announced) to onDidChangeIndex listeners. */
  private announced: IndexSnapshot = EMPTY_SNAPSHOT;
  private disposed = false;
  private scoped: { generation: number; roots: ModelRoot[]; snapshot: IndexSnapshot } | undefined;

  constructor(private readonly options: IndexServiceOptions) {}

  get indexPath(): string {
    return this.settings?.indexPath || this.options.defaultIndexPath;
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
    const { roots, warnings } = resolveRoots(settings, this.options.pathEnv ?? { env: process.env, home: homedir() });
    warnings.forEach((w) => this.options.log.warn(w));
    this.roots = roots;
    try {
      if (previousPath !== this.indexPath) {
        await this.running?.catch(() => undefined);
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
    this.watchRoots();
    this.changed();
    await this.sync().catch(() => undefined); // failures are in the state and the log
  }

  /** Sync every root (incremental). Requests made while a sync runs are coalesced into the next one. */
  sync(): Promise<SyncResult> {
    return this.request('all');
  }

  /**
   * The index as the language features see it: locations under the configured roots only. Each new
   * snapshot takes over the previous one's unchanged category lists, and with them what is cached per list.
   */
  query(): IndexSnapshot {
    if (!this.store) return EMPTY_SNAPSHOT;
    const all = this.store.snapshot();
    const s = this.scoped;
    if (s && s.generation === all.generation && s.roots === this.roots) return s.snapshot;
    const keys = new Set(this.roots.map(rootKey));
    const inScope = all.locations.filter((l) => keys.has(rootKey({ path: l.root, category: l.rootCategory })));
    const snapshot = inScope.length === all.locations.length ? all : new IndexSnapshot(all.generation, inScope);
    if (s) snapshot.follow(s.snapshot);
    this.scoped = { generation: all.generation, roots: this.roots, snapshot };
    return snapshot;
  }

  /** warmUpSteps, letting requests in between steps; stops when a newer snapshot replaced this one. */
  private async warmUp(snapshot: IndexSnapshot, previous: IndexSnapshot): Promise<void> {
    const steps = warmUpSteps(snapshot, previous);
    do {
      await yieldToEventLoop();
      if (this.disposed || this.announced !== snapshot) return;
    } while (!steps.next().done);
  }

  /** The open store (sources, full hashes, model rows), when the index could be opened. */
  get index(): IndexStore | undefined {
    return this.store;
  }

  /** Called after every change of the index content (e.g. to refresh diagnostics). */
  onDidChangeIndex(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort(new Error('server shutting down'));
    this.watchers.forEach((w) => w.close());
    this.watchers = [];
  }

  private request(roots: RootRequest): Promise<SyncResult> {
    if (this.queued) {
      const q = this.queued;
      if (q.roots !== 'all') q.roots = roots === 'all' ? 'all' : new Set([...q.roots, ...roots]);
      return q.promise;
    }
    // Starts after the running sync (or on the next microtask): events of one burst land in one sync.
    const entry = { roots } as { roots: RootRequest; promise: Promise<SyncResult> };
    entry.promise = (this.running ?? Promise.resolve()).catch(() => undefined).then(() => {
      this.queued = undefined;
      this.running = this.run(entry.roots);
      return this.running.finally(() => (this.running = undefined));
    });
    this.queued = entry;
    return entry.promise;
  }

  private async run(which: RootRequest): Promise<SyncResult> {
    const store = this.store;
    if (!store) throw new Error(this.message ?? 'the model index is not open');
    const roots = which === 'all' ? this.roots : this.roots.filter((r) => which.has(rootKey(r)));
    this.state = 'syncing';
    this.progress = { done: 0, total: 0 };
    this.changed();
    const reporter = await this.options.beginProgress?.('Indexing models').catch(() => undefined);
    try {
      let lastPercent = -1;
      const report = await syncRoots(store, roots, {
        signal: this.abort.signal,
        log: this.options.log,
        onProgress: (done, total) => {
          this.progress = { done, total };
          const percent = total ? Math.floor((done / total) * 100) : 0;
          if (percent !== lastPercent) reporter?.report(done, total);
          lastPercent = percent;
        },
      });
      this.state = 'idle';
      this.message = this.store?.message;
      this.options.log.info(`index sync: ${report.scanned} files, ${report.hashed} hashed, ${report.removed} removed, ${report.models} models (${report.seconds.toFixed(2)} s)`);
      const { warnings: _w, changed: _c, ...result } = report;
      return result;
    } catch (err) {
      this.fail(err);
      throw err;
    } finally {
      this.progress = undefined;
      reporter?.done();
      this.changed();
    }
  }

  private fail(err: unknown): void {
    this.state = 'error';
    this.message = err instanceof Error ? err.message : String(err);
    this.options.log.error(`model index: ${this.message}`);
    this.changed();
  }

  /** Watch every root (recursively) and the index file (other processes, e.g. the CLI, may save it). */
  private watchRoots(): void {
    this.watchers.forEach((w) => w.close());
    this.watchers = [];
    for (const root of this.roots) {
      const key = new Set([rootKey(root)]);
      this.tryWatch(root.path, true, (file) => {
        const name = file ? basename(file) : '';
        if (name.startsWith('.') || name.endsWith('.part')) return; // hidden files and downloads in progress
        void this.request(key).catch(() => undefined);
      });
    }
    const indexName = basename(this.indexPath);
    this.tryWatch(dirname(this.indexPath), false, (file) => {
      if (file !== indexName || this.running || !this.store) return;
      void this.store.refresh().then((reloaded) => reloaded && this.changed(), () => undefined);
    });
  }

  private tryWatch(path: string, recursive: boolean, onEvent: (file: string | null) => void): void {
    try {
      const w = watch(path, { recursive }, (_event, file) => onEvent(file ? String(file) : null));
      w.on('error', (err) => this.options.log.warn(`stopped watching ${path}: ${err.message}`));
      this.watchers.push(w);
    } catch (err) {
      this.options.log.warn(`cannot watch ${path} for changes: ${err instanceof Error ? err.message : err}`);
    }
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
