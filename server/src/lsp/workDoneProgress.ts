// Work-done progress (`$/progress`) for long operations (index syncs, full hashes, export, find
// sources), only to a client that declared `window.workDoneProgress`. The work never waits for the
// client: the token is created in the background and reports made before the client answered are
// folded into the first one after, so a client that never answers `window/workDoneProgress/create`
// holds nothing up. The progress is cancellable: the client's "Cancel" calls `cancel`.
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver';
import type { Logger } from '../core/log';
import type { SyncProgress } from '../engine/syncScheduler';

const NO_PROGRESS: WorkProgress = { report: () => undefined, done: () => undefined };

const percent = (done: number, total: number) => (total ? Math.floor((done * 100) / total) : 0);

/** A progress of `done` out of `total`, with a message (by default `done/total files`). */
export interface WorkProgress extends SyncProgress {
  report(done: number, total: number, message?: string): void;
}

export function beginWorkDoneProgress(connection: Connection, declared: boolean, title: string, cancel: () => void, log: Logger): WorkProgress {
  if (!declared) return NO_PROGRESS;
  let progress: WorkDoneProgressServerReporter | undefined;
  let last: { done: number; total: number; message: string } | undefined;
  let finished = false;
  connection.window.createWorkDoneProgress().then(
    (p) => {
      progress = p;
      p.begin(title, last ? percent(last.done, last.total) : 0, last?.message, true);
      p.token.onCancellationRequested(cancel);
      if (finished) p.done();
    },
    (err) => log.warn(`No progress shown for '${title}': ${err instanceof Error ? err.message : String(err)}`),
  );
  return {
    report(done, total, message = `${done}/${total} files`) {
      last = { done, total, message };
      if (progress && !finished) progress.report(percent(done, total), message);
    },
    done() {
      if (finished) return;
      finished = true;
      progress?.done();
    },
  };
}
