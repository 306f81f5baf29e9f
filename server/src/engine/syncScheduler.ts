// Runs syncs one at a time: requests made while one runs are coalesced into the next one (a burst of
// file events lands in one sync). Every operation has its own AbortController: a caller's signal (the
// client cancelling its request) or the scheduler's disposal stops it, and what it recorded is kept.
import type { IndexStore } from '../core/index/store';
import { syncRoots, type SyncReport } from '../core/index/sync';
import type { Logger } from '../core/log';
import { rootKey, type ModelRoot } from '../core/roots';

/** Every root, or the roots with these rootKeys. */
export type RootRequest = 'all' | Set<string>;

export interface SyncProgress {
  report(done: number, total: number): void;
  done(): void;
}

export interface SyncSchedulerOptions {
  log: Logger;
  /** The store and roots at the time an operation starts. */
  target(): { store: IndexStore; roots: readonly ModelRoot[] };
  /** Start a progress display for an operation; `cancel` stops it (e.g. from the progress notification). */
  beginProgress?(title: string, cancel: () => void): Promise<SyncProgress>;
  onStart(): void;
  onProgress(done: number, total: number): void;
  /** After each operation, failed or not. */
  onEnd(): void;
}

export type SyncOutcome = Omit<SyncReport, 'warnings' | 'changed'>;

/** A sync stopped by its caller or its progress's "Cancel" (not by a failure): what it hashed is saved. */
export class SyncCancelled extends Error {
  constructor() {
    super('index sync cancelled');
  }
}

interface Operation {
  roots: RootRequest;
  promise: Promise<SyncOutcome>;
  controller: AbortController;
}

export class SyncScheduler {
  private running: Operation | undefined;
  private queued: Operation | undefined;
  private disposed = false;

  constructor(private readonly options: SyncSchedulerOptions) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Settles when the running operation (if any) is over. */
  idle(): Promise<void> {
    return (this.running?.promise ?? Promise.resolve()).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Sync these roots after the running operation; joins the queued one if there is one. */
  request(roots: RootRequest, signal?: AbortSignal): Promise<SyncOutcome> {
    let op = this.queued;
    if (op) {
      if (op.roots !== 'all') op.roots = roots === 'all' ? 'all' : new Set([...op.roots, ...roots]);
    } else {
      const queued = (op = { roots, controller: new AbortController() } as Operation);
      // Starts after the running sync (or on the next microtask): events of one burst land in one sync.
      op.promise = this.idle().then(() => {
        this.queued = undefined;
        this.running = queued;
        return this.run(queued).finally(() => (this.running = undefined));
      });
      this.queued = op;
    }
    const controller = op.controller;
    if (signal?.aborted) controller.abort(signal.reason);
    else signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    return op.promise;
  }

  /** Stop the running and the queued operation; no new one starts. */
  dispose(): void {
    this.disposed = true;
    const reason = new Error('server shutting down');
    this.running?.controller.abort(reason);
    this.queued?.controller.abort(reason);
  }

  private async run(op: Operation): Promise<SyncOutcome> {
    const { signal } = op.controller;
    if (this.disposed) throw new Error('server shutting down');
    if (signal.aborted) throw new SyncCancelled();
    const { store, roots: all } = this.options.target();
    const which = op.roots;
    const roots = which === 'all' ? all : all.filter((r) => which.has(rootKey(r)));
    this.options.onStart();
    const reporter = await this.options.beginProgress?.('Indexing models', () => op.controller.abort(new Error('sync cancelled'))).catch(() => undefined);
    try {
      let lastPercent = -1;
      const report = await syncRoots(store, roots, {
        signal,
        log: this.options.log,
        onProgress: (done, total) => {
          this.options.onProgress(done, total);
          const percent = total ? Math.floor((done / total) * 100) : 0;
          if (percent !== lastPercent) reporter?.report(done, total);
          lastPercent = percent;
        },
      });
      this.options.log.info(`index sync: ${report.scanned} files, ${report.hashed} hashed, ${report.removed} removed, ${report.models} models (${report.seconds.toFixed(2)} s)`);
      const { warnings: _w, changed: _c, ...outcome } = report;
      return outcome;
    } catch (err) {
      throw signal.aborted && !this.disposed ? new SyncCancelled() : err;
    } finally {
      reporter?.done();
      this.options.onEnd();
    }
  }
}
