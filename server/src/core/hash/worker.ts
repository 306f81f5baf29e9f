// Hash worker thread: answers {id, kind, path} with the quick or full hashes of one file. Bundled as
// server/dist/hashWorker.js (esbuild.mjs); under tsc it runs as out/server/src/core/hash/worker.js.
import { parentPort } from 'node:worker_threads';
import { fullHashFile } from './fullHash';
import { quickHashFile } from './quickHash';
import type { HashJob, HashReply } from './pool';

parentPort?.on('message', async (job: HashJob) => {
  let reply: HashReply;
  try {
    reply = { id: job.id, result: job.kind === 'quick' ? await quickHashFile(job.path) : await fullHashFile(job.path) };
  } catch (err) {
    reply = { id: job.id, error: err instanceof Error ? err.message : String(err), code: (err as NodeJS.ErrnoException)?.code };
  }
  parentPort!.postMessage(reply);
});
