// Cross-process lock for the index file: `<index>.lock` created exclusively, holding the owner's pid.
// A lock whose owner is gone (or older than STALE_MS) is broken. Waiting is driven by fs.watch events on
// the folder; a guard timer re-checks in case the platform drops an event (it never delays a free lock).
import { promises as fsp, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

const STALE_MS = 60_000;
const GUARD_MS = 200;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function tryAcquire(lockPath: string): Promise<boolean> {
  try {
    await fsp.writeFile(lockPath, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  try {
    const [text, st] = await Promise.all([fsp.readFile(lockPath, 'utf8'), fsp.stat(lockPath)]);
    const pid = Number(text);
    if ((Number.isInteger(pid) && pid > 0 && !alive(pid)) || Date.now() - st.mtimeMs > STALE_MS) await fsp.rm(lockPath, { force: true });
  } catch {
    // The lock vanished between the two calls: the next attempt will tell.
  }
  return false;
}

/** Resolves when the folder reports a change to the lock file (or the guard fires); `close` stops watching. */
function watchLock(lockPath: string): { changed: Promise<void>; close(): void } {
  const name = basename(lockPath);
  let close = () => {};
  const changed = new Promise<void>((resolve) => {
    const watcher = watch(dirname(lockPath), (_event, file) => {
      if (!file || file === name) close();
    });
    const guard = setTimeout(() => close(), GUARD_MS);
    close = () => {
      watcher.close();
      clearTimeout(guard);
      resolve();
    };
    watcher.on('error', () => close());
  });
  return { changed, close };
}

/** Run `fn` while holding the lock of `path`. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const lockPath = `${path}.lock`;
  await fsp.mkdir(dirname(path), { recursive: true });
  for (;;) {
    const w = watchLock(lockPath); // watch first, so a release between the attempt and the wait is seen
    const acquired = await tryAcquire(lockPath).catch((err) => {
      w.close();
      throw err;
    });
    if (acquired) {
      w.close();
      break;
    }
    await w.changed;
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(lockPath, { force: true });
  }
}
