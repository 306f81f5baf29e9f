// The downloads service over the real engine and stand-ins: queue with a concurrency limit, state and
// progress events, cancel/resume, and the persisted list that survives a restart and resumes from `.part`.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { recordDownload } from '../../server/src/core/download/record';
import { IndexStore } from '../../server/src/core/index/store';
import { DownloadsService, type DownloadProgress, type DownloadTask } from '../../server/src/engine/downloads';
import { modelRoot, testEnv } from '../helpers/downloads';
import { sha256Hex, startStandIns, type StandIns } from '../helpers/standins';

let s: StandIns;
beforeEach(async () => void (s = await startStandIns()));
afterEach(async () => s.close());

const MiB = 1024 * 1024;

/** A clock that moves 50 ms each time it is read, so speeds and ETAs are defined without waiting. */
function tickingEnv() {
  const env = testEnv(s);
  let t = 0;
  env.clock.now = () => (t += 50);
  return env;
}

test('three downloads with concurrency 1 run one at a time, in order, each recorded in the index', async () => {
  const { dir, roots } = modelRoot();
  const files = [randomBytes(3000), randomBytes(4000), randomBytes(5000)];
  const urls = files.map((d, i) => s.cdn.host(`f${i}.safetensors`, d));
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  const service = new DownloadsService({ env: tickingEnv(), roots: () => roots, concurrency: 1, record: (o, r) => recordDownload(store, r, o, o.source) });
  const running = new Set<string>();
  let most = 0;
  const states: string[] = [];
  service.onDidChangeTask((t) => {
    if (/running|finished/.test(t.state) && states.at(-1) !== `${t.id}:${t.state}`) states.push(`${t.id}:${t.state}`); // path updates repeat 'running'
    if (t.state === 'running') running.add(t.id);
    else running.delete(t.id);
    most = Math.max(most, running.size);
  });
  const tasks = urls.map((url) => service.enqueue({ url, category: 'vae' }));
  const done = await Promise.all(tasks.map((t) => service.whenSettled(t.id)));
  assert.equal(most, 1);
  assert.deepEqual(done.map((t) => t.state), ['finished', 'finished', 'finished']);
  assert.deepEqual(states, ['d1:running', 'd1:finished', 'd2:running', 'd2:finished', 'd3:running', 'd3:finished']);
  assert.deepEqual(done.map((t) => t.result!.sha256), files.map(sha256Hex));
  assert.deepEqual(store.snapshot().locations.map((l) => l.relativePath).sort(), ['vae/f0.safetensors', 'vae/f1.safetensors', 'vae/f2.safetensors']);
  store.close();
});

test('progress events carry bytes, total, speed and ETA; a failure carries its code', async () => {
  const { roots } = modelRoot();
  const data = randomBytes(9 * MiB);
  const service = new DownloadsService({ env: tickingEnv(), roots: () => roots, progressIntervalMs: 0 });
  const events: DownloadProgress[] = [];
  service.onProgress((p) => void events.push(p));
  const t = service.enqueue({ url: s.cdn.host('big.safetensors', data), category: 'loras' });
  assert.equal((await service.whenSettled(t.id)).state, 'finished');
  const last = events.at(-1)!;
  assert.equal(last.bytes, data.length);
  assert.equal(last.total, data.length);
  assert.ok(events.some((e) => e.speed > 0 && e.eta !== undefined && e.bytes < data.length));
  const bad = service.enqueue({ url: `${s.hub.url}/org/none/resolve/main/x.safetensors`, category: 'loras' });
  const failed = await service.whenSettled(bad.id);
  assert.equal(failed.state, 'failed');
  assert.equal(failed.error?.code, 'not-found');
});

test('cancel keeps the .part; resume continues from it with Range', async () => {
  const { roots } = modelRoot();
  const data = randomBytes(2 * MiB);
  const url = s.cdn.host('stall.safetensors', data, { stallAfter: MiB });
  const service = new DownloadsService({ env: testEnv(s), roots: () => roots, progressIntervalMs: 0 });
  const t = service.enqueue({ url, category: 'loras' });
  const canceller = service.onProgress((p) => {
    if (p.bytes < MiB) return;
    canceller.dispose();
    service.cancel(t.id);
  });
  const cancelled = await service.whenSettled(t.id);
  assert.equal(cancelled.state, 'cancelled');
  assert.equal(statSync(`${cancelled.path}.part`).size, MiB);
  service.resume(t.id);
  const finished = await service.whenSettled(t.id);
  assert.equal(finished.state, 'finished');
  assert.equal(finished.result!.sha256, sha256Hex(data));
  assert.equal(s.cdn.requests.at(-1)!.headers.range, `bytes=${MiB}-`);
});

test('a download interrupted by a shutdown is listed after a restart (from the JSON file) and resumes from its .part', async () => {
  const { dir, roots } = modelRoot();
  const statePath = join(dir, 'index.sqlite.downloads.json');
  const data = randomBytes(3 * MiB);
  const url = `${s.cdn.host('resume.safetensors', data, { stallAfter: 2 * MiB })}?token=NOT-STORED`;
  const first = new DownloadsService({ env: testEnv(s), roots: () => roots, statePath, progressIntervalMs: 0 });
  const t = first.enqueue({ url, category: 'checkpoints', expected: { sha256: sha256Hex(data) } });
  const stalled = new Promise<void>((resolve) => first.onProgress((p) => void (p.bytes >= 2 * MiB && resolve())));
  await stalled;
  await first.dispose();
  assert.equal(first.get(t.id)!.state, 'interrupted');
  const saved = readFileSync(statePath, 'utf8');
  assert.doesNotMatch(saved, /NOT-STORED/);

  const second = new DownloadsService({ env: testEnv(s), roots: () => roots, statePath });
  const listed = await second.load();
  assert.deepEqual(listed.map((x: DownloadTask) => [x.id, x.state, x.path]), [[t.id, 'interrupted', join(roots[0].path, 'checkpoints', 'resume.safetensors')]]);
  second.resumeInterrupted();
  const done = await second.whenSettled(t.id);
  assert.equal(done.state, 'finished', done.error?.message);
  assert.equal(done.result!.sha256, sha256Hex(data));
  assert.equal(s.cdn.requests.at(-1)!.headers.range, `bytes=${2 * MiB}-`);
  await second.flushed();
  assert.deepEqual(JSON.parse(readFileSync(statePath, 'utf8')).tasks, [], 'finished downloads leave the persisted list');
  assert.equal(existsSync(`${done.path}.part`), false);
  const later = new DownloadsService({ env: testEnv(s), roots: () => roots, statePath });
  assert.deepEqual(await later.load(), []);
});
