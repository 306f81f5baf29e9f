import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import workerThreads from 'node:worker_threads';
import { fullHashFile } from '../../server/src/core/hash/fullHash';
import { tempDir, writePatternFile } from '../helpers/files';

// Catch the SHA-256 helper thread as sha256.ts starts it, to kill it mid-hash.
const started: workerThreads.Worker[] = [];
let onStart = (_w: workerThreads.Worker) => {};
const RealWorker = workerThreads.Worker;
workerThreads.Worker = class extends RealWorker {
  constructor(...args: ConstructorParameters<typeof RealWorker>) {
    super(...args);
    started.push(this);
    onStart(this);
  }
} as typeof RealWorker;

test('a SHA-256 helper thread that dies mid-hash fails that hash; the next hash starts a new helper and is right', async () => {
  const file = join(tempDir('cm-helper-'), 'big.bin');
  writePatternFile(file, 40 * 1024 * 1024); // above the size where SHA-256 moves to the helper
  const helper = new Promise<workerThreads.Worker>((resolve) => (onStart = resolve));
  const hashing = fullHashFile(file);
  await (await helper).terminate();
  assert.equal(started.length, 1);
  await assert.rejects(hashing, /SHA-256 helper thread/);
  const r = await fullHashFile(file);
  assert.equal(started.length, 2);
  assert.equal(r.sha256, createHash('sha256').update(readFileSync(file)).digest('hex'));
});
