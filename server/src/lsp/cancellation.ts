// LSP cancellation tokens as the AbortSignals the engine and core take.
import type { CancellationToken } from 'vscode-languageserver';

/** An AbortSignal that fires when the token is cancelled. */
export function signalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort(new Error('cancelled'));
  else token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
  return controller.signal;
}
