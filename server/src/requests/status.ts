// `comfyModels/status` and `comfyModels/syncIndex`. A sync request's cancellation (the client's
// progress "Cancel", or $/cancelRequest) aborts that sync; what it recorded so far is kept.
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { StatusRequest, SyncIndexRequest, type StatusResult, type SyncResult } from '../protocol/status';

export interface StatusDeps {
  status(): StatusResult;
  sync(signal?: AbortSignal): Promise<SyncResult>;
}

/** An AbortSignal that fires when the token is cancelled. */
function signalOf(token: CancellationToken): AbortSignal {
  const controller = new AbortController();
  if (token.isCancellationRequested) controller.abort(new Error('cancelled'));
  else token.onCancellationRequested(() => controller.abort(new Error('cancelled')));
  return controller.signal;
}

export function registerStatusRequests(connection: Connection, deps: StatusDeps): void {
  connection.onRequest(StatusRequest.type, () => deps.status());
  connection.onRequest(SyncIndexRequest.type, (token) => deps.sync(signalOf(token)));
}
