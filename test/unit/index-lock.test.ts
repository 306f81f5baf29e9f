import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { withFileLock } from '../../server/src/core/index/lock';
import { tempDir } from '../helpers/files';

/** A real process that lives until its stdin closes. */
async function liveProcess() {
  const child = spawn(process.execPath, ['-e', 'process.stdin.resume(); process.stdin.on("end", () => process.exit(0))'], { stdio: ['pipe', 'ignore', 'inherit'] });
  await once(child, 'spawn');
  return child;
}

test('waiters run one at a time, in turn, each woken by the previous release', async () => {
  const index = join(tempDir('cm-lock-'), 'index.sqlite');
  const log: string[] = [];
  const turn = (name: string) => async () => {
    log.push(`${name} in`);
    await new Promise<void>((r) => setImmediate(r)); // room for another holder to cut in, if the lock let it
    log.push(`${name} out`);
  };
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const firstIn = new Promise<void>((r) => (entered = r));
  const first = withFileLock(index, async () => {
    entered();
    await turn('first')();
    await held;
  });
  await firstIn;
  const others = ['2', '3'].map((n) => withFileLock(index, turn(n)));
  assert.ok(existsSync(`${index}.lock`));
  release();
  await Promise.all([first, ...others]);
  assert.deepEqual(log.slice(0, 2), ['first in', 'first out']);
  assert.ok(['2 in,2 out,3 in,3 out', '3 in,3 out,2 in,2 out'].includes(log.slice(2).join()), log.join()); // never interleaved
  assert.equal(existsSync(`${index}.lock`), false);
});

test('a lock left by a dead process is broken at once', async () => {
  const index = join(tempDir('cm-lock-'), 'index.sqlite');
  const child = await liveProcess();
  child.stdin!.end();
  await once(child, 'exit');
  writeFileSync(`${index}.lock`, String(child.pid));
  assert.equal(await withFileLock(index, async () => 'ran'), 'ran');
});

test('a holder that dies while others wait has its lock broken by the watchdog', { timeout: 20_000 }, async () => {
  const index = join(tempDir('cm-lock-'), 'index.sqlite');
  const child = await liveProcess();
  writeFileSync(`${index}.lock`, String(child.pid));
  let ran = false;
  let waitedFor: number | undefined;
  const waiting = withFileLock(index, async () => void (ran = true), (pid) => {
    waitedFor = pid;
    child.kill('SIGKILL'); // dies without releasing while we wait: no fs event, only the watchdog can notice
  });
  await waiting;
  assert.equal(waitedFor, child.pid);
  assert.equal(ran, true);
});
