// Parallel hashing across cores with worker_threads. Falls back to hashing in this thread when the
// worker script is not beside this module (e.g. an unusual bundle layout), so hashing always works.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fullHashFile, type FullHashes } from './fullHash';
import { quickHashFile, type QuickHashResult } from './quickHash';

export type HashKind = 'quick' | 'full';
export interface HashJob { id: number; kind: HashKind; path: string }
export type HashReply =
  | { id: number; result: QuickHashResult | FullHashes }
  | { id: number; error: string; code?: string };

/** An error from a worker, with the errno code kept (ENOENT = the file vanished). */
export class HashError extends Error {
  constructor(message: string, readonly code?: string) {
    super(message);
  }
}

/** The worker script: `hashWorker.js` beside the bundle, or `worker.js` beside this compiled module. */
function workerScript(): string | undefined {
  return [join(__dirname, 'hashWorker.js'), join(__dirname, 'worker.js')].find((p) => existsSync(p));
}

interface Pending { resolve(v: QuickHashResult | FullHashes): void; reject(e: Error): void }

/**
 * Jobs a worker holds at once. Two, so that a worker never waits for this thread to hand it the next
 * file (this thread may be busy hashing, or answering the editor) and its reads overlap its hashing.
 */
const JOBS_PER_WORKER = 2;

export class HashPool {
  private readonly workers: Worker[] = [];
  /** A free slot per entry: each worker holds up to JOBS_PER_WORKER jobs (see there). */
  private readonly idle: Worker[] = [];
  private readonly queue: { job: HashJob; pending: Pending }[] = [];
  private readonly inFlight = new Map<number, { worker: Worker; pending: Pending }>();
  private readonly jobsOf = new Map<Worker, number>();
  private nextId = 1;
  /** This thread takes jobs too (see the constructor); true while it is hashing one. */
  private readonly thisThreadHashes: boolean;
  private thisThreadBusy = false;

  /**
   * `size` workers (default: one per core, at most 4); 0 hashes in this thread. With `alsoThisThread`
   * this thread is one more hasher beside the workers: for a process with nothing else to do (the CLI),
   * where it saves a worker's start-up and hashes while the workers start. Never in the language
   * server, whose thread must stay free to answer the editor.
   */
  constructor(size = Math.min(availableParallelism(), 4), options: { alsoThisThread?: boolean } = {}) {
    this.thisThreadHashes = options.alsoThisThread === true;
    const script = size > 0 ? workerScript() : undefined;
    if (!script) return;
    for (let i = 0; i < size; i++) {
      const w = new Worker(script);
      w.unref(); // an idle pool never keeps the process alive
      w.on('message', (reply: HashReply) => this.settle(w, reply));
      w.on('error', (err) => this.failWorker(w, err));
      this.workers.push(w);
      this.jobsOf.set(w, 0);
      for (let slot = 0; slot < JOBS_PER_WORKER; slot++) this.idle.push(w);
    }
  }

  /** Threads hashing at once: the workers, and this thread when it takes jobs. */
  get threads(): number {
    return this.workers.length + (this.thisThreadHashes && this.workers.length > 0 ? 1 : 0);
  }

  /** One hasher per core for a process with nothing else to do: this thread and a worker for each other core. */
  static forWholeMachine(): HashPool {
    return new HashPool(Math.min(availableParallelism(), 4) - 1, { alsoThisThread: true });
  }

  quick(path: string): Promise<QuickHashResult> {
    return this.run('quick', path) as Promise<QuickHashResult>;
  }

  full(path: string): Promise<FullHashes> {
    return this.run('full', path) as Promise<FullHashes>;
  }

  async dispose(): Promise<void> {
    const workers = this.workers.splice(0);
    this.idle.length = 0;
    await Promise.all(workers.map((w) => w.terminate()));
    for (const { pending } of this.queue.splice(0)) pending.reject(new Error('hash pool closed'));
  }

  private run(kind: HashKind, path: string): Promise<QuickHashResult | FullHashes> {
    if (this.workers.length === 0) return kind === 'quick' ? quickHashFile(path) : fullHashFile(path);
    return new Promise((resolve, reject) => {
      this.queue.push({ job: { id: this.nextId++, kind, path }, pending: { resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    // This thread first: a worker just started takes tens of milliseconds before it can hash.
    if (this.thisThreadHashes && !this.thisThreadBusy && this.queue.length) {
      const { job, pending } = this.queue.shift()!;
      this.thisThreadBusy = true;
      void (job.kind === 'quick' ? quickHashFile(job.path) : fullHashFile(job.path))
        .then(pending.resolve, pending.reject)
        .finally(() => {
          this.thisThreadBusy = false;
          this.pump();
        });
    }
    while (this.idle.length && this.queue.length) {
      const w = this.idle.shift()!; // round robin over the workers' slots: their first jobs go out first
      const { job, pending } = this.queue.shift()!;
      this.inFlight.set(job.id, { worker: w, pending });
      this.jobsOf.set(w, (this.jobsOf.get(w) ?? 0) + 1);
      w.ref(); // keep the process alive while work is in flight
      w.postMessage(job);
    }
  }

  private settle(w: Worker, reply: HashReply): void {
    const entry = this.inFlight.get(reply.id);
    this.inFlight.delete(reply.id);
    const jobs = (this.jobsOf.get(w) ?? 1) - 1;
    this.jobsOf.set(w, jobs);
    if (jobs === 0) w.unref();
    this.idle.push(w);
    if (entry) {
      if ('error' in reply) entry.pending.reject(new HashError(reply.error, reply.code));
      else entry.pending.resolve(reply.result);
    }
    this.pump();
  }

  private failWorker(w: Worker, err: Error): void {
    // A crashed worker fails its own jobs; the rest of the pool carries on (or this thread, if none is left).
    for (const [id, entry] of this.inFlight) {
      if (entry.worker !== w) continue;
      entry.pending.reject(err);
      this.inFlight.delete(id);
    }
    this.jobsOf.delete(w);
    this.workers.splice(this.workers.indexOf(w), 1);
    for (let i = this.idle.indexOf(w); i >= 0; i = this.idle.indexOf(w)) this.idle.splice(i, 1);
    if (this.workers.length === 0) {
      for (const { job, pending } of this.queue.splice(0)) this.run(job.kind, job.path).then(pending.resolve, pending.reject);
    }
  }
}
