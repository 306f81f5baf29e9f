// Every request handler goes through here: cancellation is checked before and after the work
// (returning RequestCancelled, as vscode-json-languageservice does) and failures are logged, not thrown
// at the client as opaque errors.
import { type CancellationToken, LSPErrorCodes, ResponseError } from 'vscode-languageserver';
import type { Logger } from '../core/log';

export async function runSafe<T>(log: Logger, token: CancellationToken, what: string, fallback: T, work: () => T | Promise<T>): Promise<T> {
  if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  try {
    const result = await work();
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    return result;
  } catch (err) {
    if (err instanceof ResponseError) throw err;
    // Work stopped by the token (e.g. an analysis aborted between slices) is a cancellation, not a failure.
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
    log.error(`${what} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    return fallback;
  }
}
