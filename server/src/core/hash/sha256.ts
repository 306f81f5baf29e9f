// SHA-256 (node:crypto) fed from a ring of read buffers, either in the caller's thread or on a helper
// thread over shared memory, so that it runs beside BLAKE3 (which stays on the caller's thread). SHA-256
// is the slower of the two (~1.3 GB/s with SHA-NI vs ~4 GB/s native BLAKE3), so it gets its own thread.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** Where a full-hash read loop puts each chunk and hands it to SHA-256. */
export interface Sha256Sink {
  readonly buffers: readonly Buffer[];
  /** Hash `buffers[slot][0, length)`; resolves when that buffer may be refilled. */
  feed(slot: number, length: number): Promise<void>;
  digest(): Promise<string>;
  /** Drops an unfinished job (after an error or an abort); harmless after `digest`. */
  close(): void;
}

/** SHA-256 in this thread: `feed` hashes at once. */
export function inThreadSha256(chunk: number, slots = 2): Sha256Sink {
  const hash = createHash('sha256');
  const buffers = Array.from({ length: slots }, () => Buffer.allocUnsafeSlow(chunk));
  return {
    buffers,
    feed: async (slot, length) => void hash.update(buffers[slot].subarray(0, length)),
    digest: async () => hash.digest('hex'),
    close: () => {},
  };
}

// The helper: one per thread that asks, kept while idle (unref'd), serving any number of concurrent jobs.
// Messages of one job are handled in order, so its replies (an ack per update, then the digest) come in order.
const HELPER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const jobs = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'start') return void jobs.set(m.job, { hash: createHash('sha256'), memory: m.memory });
  const job = jobs.get(m.job);
  if (m.type === 'cancel' || !job) return void jobs.delete(m.job);
  if (m.type === 'update') {
    job.hash.update(new Uint8Array(job.memory, m.offset, m.length));
    return void parentPort.postMessage({ job: m.job });
  }
  jobs.delete(m.job);
  parentPort.postMessage({ job: m.job, digest: job.hash.digest('hex') });
});`;

interface Waiter { resolve(digest?: string): void; reject(err: Error): void }

let helper: Worker | undefined;
const waiting = new Map<number, Waiter[]>();
let nextJob = 1;

function startHelper(): Worker {
  const w = new Worker(HELPER_SOURCE, { eval: true });
  w.unref(); // an idle helper never keeps the process alive; see track()
  w.on('message', (m: { job: number; digest?: string }) => waiting.get(m.job)?.shift()?.resolve(m.digest));
  const fail = (err: Error) => {
    if (helper !== w) return; // 'exit' after 'error': already handled
    helper = undefined; // the next job starts a fresh one, with an empty job table
    for (const waiters of waiting.values()) for (const x of waiters) x.reject(err);
    waiting.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the SHA-256 helper thread exited (code ${code})`)));
  return w;
}

/** SHA-256 on the helper thread; undefined when no thread can be started (the caller hashes in-thread). */
export function helperThreadSha256(chunk: number, slots: number): Sha256Sink | undefined {
  let w: Worker;
  try {
    w = helper ??= startHelper();
  } catch {
    return undefined;
  }
  const job = nextJob++;
  const memory = new SharedArrayBuffer(chunk * slots);
  const buffers = Array.from({ length: slots }, (_, i) => Buffer.from(memory, i * chunk, chunk));
  const waiters: Waiter[] = [];
  if (waiting.size === 0) w.ref(); // work in flight keeps the process alive
  waiting.set(job, waiters);
  const finish = () => {
    if (!waiting.delete(job)) return;
    if (waiting.size === 0) w.unref();
  };
  const reply = () =>
    waiting.get(job) === waiters // gone: the helper died (or the job was closed), nothing will answer
      ? new Promise<string | undefined>((resolve, reject) => waiters.push({ resolve, reject }))
      : Promise.reject(new Error('the SHA-256 helper thread stopped'));
  w.postMessage({ type: 'start', job, memory });
  return {
    buffers,
    feed: (slot, length) => {
      w.postMessage({ type: 'update', job, offset: slot * chunk, length });
      const acked = reply().then(() => undefined);
      acked.catch(() => {}); // a helper crash may reject acks no one awaits any more: never unhandled
      return acked;
    },
    digest: async () => {
      w.postMessage({ type: 'end', job });
      try {
        return (await reply())!;
      } finally {
        finish();
      }
    },
    close: () => {
      if (!waiting.has(job)) return;
      w.postMessage({ type: 'cancel', job });
      finish();
    },
  };
}
