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

export class HashPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: { job: HashJob; pending: Pending }[] = [];
  private readonly inFlight = new Map<Worker, Pending>();
  private nextId = 1;

  /** `size` workers (default: one per core, at most 4); 0 hashes in this thread. */
  constructor(size = Math.min(availableParallelism(), 4)) {
    const script = size > 0 ? workerScript() : undefined;
    if (!script) return;
    for (let i = 0; i < size; i++) {
      const w = new Worker(script);
      w.unref(); // an idle pool never keeps the process alive
      w.on('message', (reply: HashReply) => this.settle(w, reply));
      w.on('error', (err) => this.failWorker(w, err));
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  get threads(): number {
    return this.workers.length;
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
    while (this.idle.length && this.queue.length) {
      const w = this.idle.pop()!;
      const { job, pending } = this.queue.shift()!;
      this.inFlight.set(w, pending);
      w.ref(); // keep the process alive while work is in flight
      w.postMessage(job);
    }
  }

  private settle(w: Worker, reply: HashReply): void {
    const pending = this.inFlight.get(w);
    this.inFlight.delete(w);
    w.unref();
    this.idle.push(w);
    if (pending) {
      if ('error' in reply) pending.reject(new HashError(reply.error, reply.code));
      else pending.resolve(reply.result);
    }
    this.pump();
  }

  private failWorker(w: Worker, err: Error): void {
    // A crashed worker fails its own job; the rest of the pool carries on (or this thread, if none is left).
    this.inFlight.get(w)?.reject(err);
    this.inFlight.delete(w);
    this.workers.splice(this.workers.indexOf(w), 1);
    const i = this.idle.indexOf(w);
    if (i >= 0) this.idle.splice(i, 1);
    if (this.workers.length === 0) {
      for (const { job, pending } of this.queue.splice(0)) this.run(job.kind, job.path).then(pending.resolve, pending.reject);
    }
  }
}
