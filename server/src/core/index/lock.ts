// Cross-process lock for a file (the index, a manifest): `<file>.lock` created exclusively, holding the owner's pid.
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

/**
 * Create the lock holding our pid in one step: the pid is written to a private file that is then hard
 * linked to the lock's name (which fails when it exists). So a lock file never lacks its pid, and one
 * that names no live process is a leftover to break at once.
 */
async function tryCreate(lockPath: string): Promise<boolean> {
  const mine = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await fsp.writeFile(mine, String(process.pid), { flag: 'wx' });
  try {
    await fsp.link(mine, lockPath);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    // No hard links on this file system: exclusive create (the pid follows a moment later).
    return fsp.writeFile(lockPath, String(process.pid), { flag: 'wx' }).then(() => true, (e) => {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    });
  } finally {
    await fsp.rm(mine, { force: true });
  }
}

/** The live holder's pid, or undefined when the lock is gone or was broken. */
async function liveHolder(lockPath: string): Promise<number | undefined> {
  let pid: number;
  let ageMs: number;
  try {
    const [text, st] = await Promise.all([fsp.readFile(lockPath, 'utf8'), fsp.stat(lockPath)]);
    pid = Number(text.trim() || NaN);
    ageMs = Date.now() - st.mtimeMs;
  } catch {
    return undefined; // released between the attempt and this look
  }
  // Empty or garbage names no holder (ours are written whole, see tryCreate); a dead pid holds nothing.
  const holder = Number.isInteger(pid) && pid > 0 && alive(pid);
  if (holder && ageMs <= STALE_MS) return pid;
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
