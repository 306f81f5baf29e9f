// `comfyModels/status` and `comfyModels/syncIndex`. A sync request's cancellation (the client's
// progress "Cancel", or $/cancelRequest) aborts that sync; what it recorded so far is kept.
import type { Connection } from 'vscode-languageserver';
import { signalOf } from '../lsp/cancellation';
import { StatusRequest, SyncIndexRequest, type StatusResult, type SyncResult } from '../protocol/status';

export interface StatusDeps {
  status(): StatusResult;
  sync(signal?: AbortSignal): Promise<SyncResult>;
}

export function registerStatusRequests(connection: Connection, deps: StatusDeps): void {
  connection.onRequest(StatusRequest.type, () => deps.status());
  connection.onRequest(SyncIndexRequest.type, (token) => deps.sync(signalOf(token)));
}
