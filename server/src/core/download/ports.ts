// What a transfer needs from the outside world, as small ports: the file system it writes to (tests
// simulate a full disk here) and the clock that paces retries (tests run backoffs without waiting).
import { promises as fsp } from 'node:fs';

export interface DownloadFile {
  /** Write all of `buffers` at `position`. */
  writev(buffers: Buffer[], position: number): Promise<void>;
  /** Read up to `length` bytes at `position` into `buffer`; returns the count read. */
  read(buffer: Buffer, length: number, position: number): Promise<number>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

export interface DownloadFs {
  open(path: string, flags: 'r' | 'r+' | 'w'): Promise<DownloadFile>;
  /** Size of a file, or undefined when there is none. */
  size(path: string): Promise<number | undefined>;
  mkdir(path: string): Promise<void>;
  /** Create `to` as a second name of `from`; fails with EEXIST when `to` exists (never overwrites). */
  link(from: string, to: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
}

export const nodeDownloadFs: DownloadFs = {
  async open(path, flags) {
    const fh = await fsp.open(path, flags);
    return {
      async writev(buffers, position) {
        let total = buffers.reduce((n, b) => n + b.length, 0);
        let { bytesWritten } = await fh.writev(buffers, position);
        // A short write (rare, large batches) continues with what is left.
        while (bytesWritten < total) {
          const rest = Buffer.concat(buffers).subarray(bytesWritten);
          position += bytesWritten;
          total = rest.length;
          buffers = [rest];
          ({ bytesWritten } = await fh.writev(buffers, position));
        }
      },
      read: async (buffer, length, position) => (await fh.read(buffer, 0, length, position)).bytesRead,
      truncate: (length) => fh.truncate(length),
      close: () => fh.close(),
    };
  },
  async size(path) {
    try {
      return (await fsp.stat(path)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  mkdir: async (path) => void (await fsp.mkdir(path, { recursive: true })),
  link: (from, to) => fsp.link(from, to),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
};

export interface Clock {
  now(): number;
  /** Resolve after `ms` (rejects with the signal's reason when aborted first). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};
