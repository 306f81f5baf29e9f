// Waiting on a child process's output: resolves once it prints `expected` as a whole line, rejects if
// it exits first (no timers: the line or the exit is the event).
import type { ChildProcess } from 'node:child_process';

export function lineFrom(child: ChildProcess, expected: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      if (buf.split('\n').includes(expected)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before '${expected}': ${buf}`)));
  });
}
