// Cross-process lock for the index file: `<index>.lock` created exclusively, holding the owner's pid.
// Waiting is driven by fs.watch on the lock's folder: the holder's release (unlink) wakes every waiter, which
// then races to create the file. A holder that dies sends no event, so a watchdog deadline bounds how long
// that can go unseen: when it passes, the waiter checks the holder's pid and breaks a dead (or stale) lock.
// The watchdog also covers a platform that drops a watch event. It never delays a lock that is free.
import { promises as fsp, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/** A lock older than this is broken even if its pid is alive (the pid may have been reused). */
const STALE_MS = 60_000;
/** Longest wait without an event before the holder's liveness is checked. */
const WATCHDOG_MS = 2_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryCreate(lockPath: string): Promise<boolean> {
  try {
    await fsp.writeFile(lockPath, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** The live holder's pid (0 while it is still writing it), or undefined when the lock is gone or was broken. */
async function liveHolder(lockPath: string): Promise<number | undefined> {
  let pid: number;
  let ageMs: number;
  try {
    const [text, st] = await Promise.all([fsp.readFile(lockPath, 'utf8'), fsp.stat(lockPath)]);
    pid = Number(text);
    ageMs = Date.now() - st.mtimeMs;
  } catch {
    return undefined; // released between the attempt and this look
  }
  // An empty pid is a holder between creating the file and writing it: alive unless it is stale.
  const dead = Number.isInteger(pid) && pid > 0 && !alive(pid);
  if (!dead && ageMs <= STALE_MS) return Number.isInteger(pid) ? pid : 0;
  await fsp.rm(lockPath, { force: true });
  return undefined;
}

/** Changes to the lock file seen through a watch on its folder, latched so none is lost between waits. */
function lockChanges(lockPath: string): { next(deadlineMs: number): Promise<void>; close(): void } {
  const name = basename(lockPath);
  let changed = false;
  let wake = () => {};
  const fire = () => {
    changed = true;
    wake();
  };
  const watcher = watch(dirname(lockPath), (_event, file) => {
    if (!file || file === name) fire();
  });
  watcher.on('error', fire); // a broken watch leaves the watchdog to carry on
  return {
    next: (deadlineMs) =>
      new Promise<void>((resolve) => {
        if (changed) {
          changed = false;
          return resolve();
        }
        const watchdog = setTimeout(() => wake(), deadlineMs);
        wake = () => {
          clearTimeout(watchdog);
          wake = () => {};
          changed = false;
          resolve();
        };
      }),
    close: () => watcher.close(),
  };
}

/** Called once when the lock is held by another live process, before waiting for it. */
export type OnLockWait = (holderPid: number) => void;

async function acquire(lockPath: string, onWait?: OnLockWait): Promise<void> {
  if (await tryCreate(lockPath)) return;
  const changes = lockChanges(lockPath); // watch before the next attempt, so a release after it is seen
  try {
    for (;;) {
      if (await tryCreate(lockPath)) return;
      const holder = await liveHolder(lockPath);
      if (holder === undefined) continue;
      onWait?.(holder);
      onWait = undefined;
      await changes.next(WATCHDOG_MS);
    }
  } finally {
    changes.close();
  }
}

/** Run `fn` while holding the lock of `path`; `onWait` hears when another process holds it first. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, onWait?: OnLockWait): Promise<T> {
  const lockPath = `${path}.lock`;
  await fsp.mkdir(dirname(path), { recursive: true });
  await acquire(lockPath, onWait);
  try {
    return await fn();
  } finally {
    await fsp.rm(lockPath, { force: true });
  }
}
