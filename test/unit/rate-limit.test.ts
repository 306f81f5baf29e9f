// The bandwidth cap: one token bucket shared by parallel transfers, driven by an injected virtual clock
// (time moves only when the test moves it, to the next timer asked for), so the cap is checked exactly,
// without waiting. Also --limit-rate's K/M suffixes, and a real download through the capped engine.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { downloadModel } from '../../server/src/core/download/download';
import { parseRate, TokenBucket } from '../../server/src/core/download/rateLimit';
import type { Clock } from '../../server/src/core/download/ports';
import { runCli } from '../../server/src/cli';
import { modelRoot, testEnv } from '../helpers/downloads';
import { startStandIns } from '../helpers/standins';

/** Timers fire only when `advance` moves time to them. */
class VirtualClock implements Clock {
  private t = 0;
  private timers: { at: number; resolve(): void }[] = [];
  now = () => this.t;
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const timer = { at: this.t + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal.reason);
      }, { once: true });
    });
  }
  get pending(): number {
    return this.timers.length;
  }
  /** Move to the earliest timer and fire every timer due then. */
  advance(): void {
    const at = Math.min(...this.timers.map((x) => x.at));
    this.t = at;
    const due = this.timers.filter((x) => x.at <= at);
    this.timers = this.timers.filter((x) => x.at > at);
    for (const x of due) x.resolve();
  }
}

/** Let every promise continuation that is ready run (an event-loop turn, not a timer). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

test('--limit-rate values: bytes per second with K/M/G suffixes (1024-based, like curl)', () => {
  assert.equal(parseRate('4M'), 4 * 1024 * 1024);
  assert.equal(parseRate('500K'), 500 * 1024);
  assert.equal(parseRate('1.5m'), 1.5 * 1024 * 1024);
  assert.equal(parseRate('250000'), 250000);
  assert.equal(parseRate('2MB/s'), 2 * 1024 * 1024);
  assert.equal(parseRate(''), 0);
  for (const bad of ['fast', '-1M', '4 T', 'M']) assert.equal(parseRate(bad), undefined, bad);
});

test('two parallel consumers of one bucket get the cap together, never more than the cap plus a burst at any time', async () => {
  const clock = new VirtualClock();
  const rate = 4 * 1024 * 1024;
  const bucket = new TokenBucket(rate, clock);
  const chunk = 64 * 1024;
  const perConsumer = 8 * 1024 * 1024;
  let granted = 0;
  const worst: number[] = [];
  const consume = async () => {
    for (let got = 0; got < perConsumer; got += chunk) {
      await bucket.take(chunk);
      granted += chunk;
      worst.push(granted - (rate * clock.now()) / 1000);
    }
  };
  const both = Promise.all([consume(), consume()]);
  let done = false;
  void both.then(() => (done = true));
  for (;;) {
    await settle();
    if (done) break;
    assert.ok(clock.pending > 0, 'a consumer that is not done waits on the clock');
    clock.advance();
  }
  const seconds = clock.now() / 1000;
  const expected = (2 * perConsumer) / rate; // 4 s for 16 MiB at 4 MiB/s
  assert.ok(Math.abs(seconds - expected) / expected < 0.05, `took ${seconds} s on the clock for ${expected} s worth`);
  assert.ok(Math.max(...worst) <= Math.max(64 * 1024, rate / 8) + chunk, 'never ahead of the cap by more than the burst');
});

test('a cancelled wait gives its bytes back and rejects; rate 0 lifts the cap', async () => {
  const clock = new VirtualClock();
  const bucket = new TokenBucket(1000, clock);
  await bucket.take(64 * 1024); // the burst
  const ac = new AbortController();
  const waiting = bucket.take(5000, ac.signal);
  ac.abort(new Error('cancelled'));
  await assert.rejects(waiting, /cancelled/);
  bucket.setRate(0);
  await bucket.take(10 ** 9); // no wait at all: resolves without the clock moving
  assert.equal(clock.now(), 0);
});

test('a download through the capped engine waits on the injected clock for its bytes, and --limit-rate rejects nonsense', async () => {
  const s = await startStandIns();
  try {
    const data = randomBytes(512 * 1024);
    const url = s.cdn.host('capped.safetensors', data);
    const { roots } = modelRoot();
    const env = testEnv(s);
    const rate = 128 * 1024;
    const r = await downloadModel({ url, category: 'loras' }, roots, { ...env, rateLimit: new TokenBucket(rate, env.clock) });
    assert.equal(r.size, data.length);
    const waited = env.clock.delays.reduce((a, b) => a + b, 0) / 1000;
    const expected = (data.length - 64 * 1024) / rate; // everything past the first burst is paced
    assert.ok(waited >= expected * 0.9 && waited <= expected * 1.1, `waited ${waited} s on the clock, expected about ${expected} s`);
  } finally {
    await s.close();
  }
  let stderr = '';
  const { dir, models } = modelRoot();
  const code = await runCli(['--models-dir', models, '--index', `${dir}/index.sqlite`, 'download', 'http://127.0.0.1:9/a.bin', '--limit-rate', 'fast'], { stdout: () => {}, stderr: (t) => void (stderr += t), env: {}, cwd: dir });
  assert.equal(code, 2);
  assert.match(stderr, /--limit-rate takes bytes per second/);
});
