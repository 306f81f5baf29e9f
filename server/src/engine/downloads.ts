// The downloads service (DESIGN.md §10): a queue of download tasks with a concurrency limit, events for
// state changes and progress (bytes, total, speed, ETA), and the list of unfinished downloads persisted in
// a small JSON file next to the index, so an interrupted download is still listed after a restart and
// resumes from its `.part`. No LSP or VS Code types: the server's requests and the CLI both sit on this.
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { downloadModel, type DownloadEnvironment, type DownloadOutcome, type DownloadRequest } from '../core/download/download';
import { isDownloadError, type DownloadErrorCode } from '../core/download/errors';
import { scrubUrl } from '../core/download/hosts';
import { systemClock } from '../core/download/ports';
import { nullLogger } from '../core/log';
import type { ModelRoot } from '../core/roots';
import { writeFileAtomic } from '../core/manifest/file';

export type DownloadState = 'queued' | 'running' | 'finished' | 'failed' | 'interrupted' | 'cancelled';

export interface DownloadTask {
  id: string;
  /** The request as given, URL scrubbed of tokens. */
  request: DownloadRequest;
  state: DownloadState;
  /** Final path once the file name is settled (the `.part` sits beside it). */
  path?: string;
  category?: string;
  bytes: number;
  total?: number;
  error?: { code: DownloadErrorCode | 'internal'; message: string };
  /** Set when finished. */
  result?: DownloadOutcome;
  createdAt: number;
  updatedAt: number;
}

export interface DownloadProgress {
  id: string;
  bytes: number;
  total?: number;
  /** Bytes per second (smoothed). */
  speed: number;
  /** Seconds left, when the total and a speed are known. */
  eta?: number;
}

export interface Disposable {
  dispose(): void;
}

export interface DownloadsServiceOptions {
  env: DownloadEnvironment;
  /** Model roots at the time a download starts. */
  roots(): readonly ModelRoot[];
  /** After a verified download: index the file and record its source (errors are logged, the download stays finished). */
  record?(outcome: DownloadOutcome, roots: readonly ModelRoot[]): Promise<void>;
  /** JSON file listing unfinished downloads, e.g. beside the index; none: nothing persists. */
  statePath?: string;
  concurrency?: number;
  /** Least time between two progress events of one task (ms, on the env's clock). */
  progressIntervalMs?: number;
}

const SETTLED: readonly DownloadState[] = ['finished', 'failed', 'cancelled', 'interrupted'];
const PERSISTED_VERSION = 1;

class Emitter<T> {
  private listeners = new Set<(value: T) => void>();
  on(listener: (value: T) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
  fire(value: T): void {
    for (const l of [...this.listeners]) l(value);
  }
}

interface Running {
  controller: AbortController;
  /** Why the abort came: the user cancelled, or the service is shutting down (→ interrupted). */
  reason?: 'cancel' | 'shutdown';
}

export class DownloadsService {
  private readonly tasks = new Map<string, DownloadTask>();
  /** Original request URLs of this session (a pasted token stays in memory only). */
  private readonly requestUrls = new Map<string, string>();
  private readonly running = new Map<string, Running>();
  private readonly waiters = new Map<string, ((t: DownloadTask) => void)[]>();
  private readonly stateEvents = new Emitter<DownloadTask>();
  private readonly progressEvents = new Emitter<DownloadProgress>();
  private concurrency: number;
  private nextId = 1;
  private saving: Promise<void> = Promise.resolve();
  private disposed = false;
  private statePath: string | undefined;

  constructor(private readonly options: DownloadsServiceOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.statePath = options.statePath;
  }

  /** Fired on every state change (and when the target path becomes known). */
  onDidChangeTask(listener: (task: DownloadTask) => void): Disposable {
    return this.stateEvents.on(listener);
  }

  onProgress(listener: (progress: DownloadProgress) => void): Disposable {
    return this.progressEvents.on(listener);
  }

  /**
   * Read the persisted list: downloads that were queued or running when the last process ended are
   * `interrupted`. `statePath` (default: the option's) is where the list is kept from now on.
   */
  async load(statePath = this.statePath): Promise<DownloadTask[]> {
    this.statePath = statePath;
    if (!statePath) return [];
    let saved: { version?: number; tasks?: DownloadTask[] };
    try {
      saved = JSON.parse(await fsp.readFile(statePath, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log().warn(`the download list ${statePath} could not be read (${(err as Error).message}); starting empty`);
      return [];
    }
    for (const t of Array.isArray(saved.tasks) ? saved.tasks : []) {
      if (!t || typeof t.id !== 'string' || !t.request?.url || this.tasks.has(t.id)) continue;
      const task: DownloadTask = { ...t, state: t.state === 'queued' || t.state === 'running' ? 'interrupted' : t.state };
      this.tasks.set(task.id, task);
      const n = Number(/^d(\d+)$/.exec(task.id)?.[1]);
      if (n >= this.nextId) this.nextId = n + 1;
    }
    return this.list();
  }

  list(): DownloadTask[] {
    return [...this.tasks.values()].map((t) => ({ ...t }));
  }

  get(id: string): DownloadTask | undefined {
    const t = this.tasks.get(id);
    return t && { ...t };
  }

  enqueue(request: DownloadRequest): DownloadTask {
    if (this.disposed) throw new Error('the downloads service is disposed');
    const now = this.now();
    const id = `d${this.nextId++}`;
    this.requestUrls.set(id, request.url);
    const task: DownloadTask = { id, request: { ...request, url: scrubUrl(request.url) }, state: 'queued', bytes: 0, createdAt: now, updatedAt: now };
    this.tasks.set(id, task);
    this.changed(task);
    this.pump();
    return { ...task };
  }

  /** Stop a queued or running download; its `.part` stays, so `resume` continues where it stopped. */
  cancel(id: string): void {
    const task = this.tasks.get(id);
    if (!task) return;
    const run = this.running.get(id);
    if (run) {
      run.reason = 'cancel';
      run.controller.abort();
    } else if (task.state === 'queued') this.settle(task, 'cancelled');
  }

  /** Queue a failed, cancelled or interrupted download again (it resumes from its `.part`). */
  resume(id: string): void {
    const task = this.tasks.get(id);
    if (!task || task.state === 'queued' || task.state === 'running' || task.state === 'finished') return;
    task.state = 'queued';
    task.error = undefined;
    this.changed(task);
    this.pump();
  }

  /** Resume every interrupted download (after `load`). */
  resumeInterrupted(): void {
    for (const t of this.tasks.values()) if (t.state === 'interrupted') this.resume(t.id);
  }

  /** Forget a settled download; with `deletePart` its `.part` is removed too. */
  async remove(id: string, deletePart = false): Promise<void> {
    const task = this.tasks.get(id);
    if (!task || task.state === 'running' || task.state === 'queued') return;
    this.tasks.delete(id);
    this.requestUrls.delete(id);
    if (deletePart && task.path && task.state !== 'finished') await fsp.rm(`${task.path}.part`, { force: true });
    this.persist();
    await this.saving;
  }

  setConcurrency(n: number): void {
    this.concurrency = Math.max(1, Math.floor(n));
    this.pump();
  }

  /** Resolves when the task is finished, failed, cancelled or interrupted. */
  whenSettled(id: string): Promise<DownloadTask> {
    const task = this.tasks.get(id);
    if (!task) return Promise.reject(new Error(`no download ${id}`));
    if (SETTLED.includes(task.state)) return Promise.resolve({ ...task });
    return new Promise((resolve) => this.waiters.set(id, [...(this.waiters.get(id) ?? []), resolve]));
  }

  /** Stop everything: running downloads become `interrupted` (persisted), their `.part` kept. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const settled = [...this.running.keys()].map((id) => this.whenSettled(id));
    for (const run of this.running.values()) {
      run.reason = 'shutdown';
      run.controller.abort();
    }
    await Promise.all(settled);
    await this.saving;
  }

  /** The last write of the persisted list has landed (tests, shutdown). */
  flushed(): Promise<void> {
    return this.saving;
  }

  private pump(): void {
    if (this.disposed) return;
    for (const task of this.tasks.values()) {
      if (this.running.size >= this.concurrency) return;
      if (task.state === 'queued') void this.run(task);
    }
  }

  private async run(task: DownloadTask): Promise<void> {
    const run: Running = { controller: new AbortController() };
    this.running.set(task.id, run);
    task.state = 'running';
    this.changed(task);
    const clock = this.options.env.clock ?? systemClock;
    const interval = this.options.progressIntervalMs ?? 250;
    let last = { at: clock.now(), bytes: -1, emitted: -Infinity };
    let speed = 0;
    const roots = this.options.roots();
    try {
      const outcome = await downloadModel({ ...task.request, url: this.requestUrls.get(task.id) ?? task.request.url }, roots, this.options.env, {
        signal: run.controller.signal,
        onRemote: (_remote, category) => {
          task.category = category;
        },
        onTarget: (path) => {
          task.path = path;
          task.request.fileName = path.split(/[\\/]/).pop();
          this.changed(task);
        },
        onProgress: (bytes, total) => {
          const now = clock.now();
          if (last.bytes >= 0 && now > last.at) speed = speed ? 0.7 * speed + 0.3 * (((bytes - last.bytes) * 1000) / (now - last.at)) : ((bytes - last.bytes) * 1000) / (now - last.at);
          last = { ...last, at: now, bytes };
          task.bytes = bytes;
          task.total = total;
          if (now - last.emitted < interval && bytes !== total) return;
          last.emitted = now;
          const eta = total !== undefined && speed > 0 ? (total - bytes) / speed : undefined;
          this.progressEvents.fire({ id: task.id, bytes, total, speed, ...(eta !== undefined ? { eta } : {}) });
        },
      });
      task.result = outcome;
      task.path = outcome.path;
      task.bytes = outcome.size;
      task.total = outcome.size;
      if (this.options.record) {
        await this.options.record(outcome, roots).catch((err) => this.log().error(`the download ${outcome.path} finished, but recording it in the index failed: ${err instanceof Error ? err.message : err}`));
      }
      this.settle(task, 'finished');
    } catch (err) {
      if (run.controller.signal.aborted) this.settle(task, run.reason === 'shutdown' ? 'interrupted' : 'cancelled');
      else {
        task.error = isDownloadError(err) ? { code: err.code, message: err.message } : { code: 'internal', message: scrubUrl(err instanceof Error ? err.message : String(err)) };
        this.settle(task, 'failed');
      }
    } finally {
      this.running.delete(task.id);
      this.pump();
    }
  }

  private settle(task: DownloadTask, state: DownloadState): void {
    task.state = state;
    this.changed(task);
    const waiting = this.waiters.get(task.id) ?? [];
    this.waiters.delete(task.id);
    for (const w of waiting) w({ ...task });
  }

  private changed(task: DownloadTask): void {
    task.updatedAt = this.now();
    this.stateEvents.fire({ ...task });
    this.persist();
  }

  /** Write the unfinished downloads (everything but `finished`), one write at a time, atomically. */
  private persist(): void {
    const path = this.statePath;
    if (!path) return;
    const tasks = [...this.tasks.values()].filter((t) => t.state !== 'finished');
    const text = JSON.stringify({ version: PERSISTED_VERSION, tasks }, null, 2);
    this.saving = this.saving.then(async () => {
      try {
        await fsp.mkdir(dirname(path), { recursive: true });
        await writeFileAtomic(path, text);
      } catch (err) {
        this.log().warn(`the download list ${path} could not be saved: ${err instanceof Error ? err.message : err}`);
      }
    });
  }

  private now(): number {
    return (this.options.env.clock ?? systemClock).now();
  }

  private log() {
    return this.options.env.log ?? nullLogger;
  }
}
