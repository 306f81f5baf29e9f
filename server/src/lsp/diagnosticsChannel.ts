// How diagnostics reach the client (DESIGN.md §1): pulled (`textDocument/diagnostic`, refreshed with
// `workspace/diagnostic/refresh` where declared) when the client declares pull support, otherwise
// pushed (`textDocument/publishDiagnostics`) on open, on change and whenever a refresh is due. Both
// serve the one `compute` function. Pushing runs one computation per document at a time: a newer
// change or refresh cancels the pending one, and the computation starts on the next turn of the event
// loop so that a burst of changes coalesces into one publish.
import {
  CancellationTokenSource,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  DocumentDiagnosticReportKind,
  type FullDocumentDiagnosticReport,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Logger } from '../core/log';
import type { ClientFeatures } from './clientCapabilities';
import { RefreshRequest } from './refreshRequest';
import { runSafe } from './runSafe';

export interface DiagnosticsChannelDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  client: Pick<ClientFeatures, 'pullDiagnostics' | 'diagnosticRefresh'>;
  /** The diagnostics of one document; honours the token. */
  compute(doc: TextDocument, token: CancellationToken): Promise<Diagnostic[]>;
  log: Logger;
  /** Clock for giving up on unanswered refresh requests (tests inject one). */
  now?: () => number;
}

export interface DiagnosticsChannel {
  /** Diagnostics of every open document may have changed (index, manifest, settings, folders). */
  refresh(): void;
}

export function createDiagnosticsChannel(deps: DiagnosticsChannelDeps): DiagnosticsChannel {
  return deps.client.pullDiagnostics ? pulled(deps) : pushed(deps);
}

function pulled({ connection, documents, client, compute, log, now }: DiagnosticsChannelDeps): DiagnosticsChannel {
  const empty: FullDocumentDiagnosticReport = { kind: DocumentDiagnosticReportKind.Full, items: [] };
  connection.languages.diagnostics.on((params, token) =>
    runSafe(log, token, 'diagnostics', empty, async () => {
      const doc = documents.get(params.textDocument.uri);
      return doc ? ({ kind: DocumentDiagnosticReportKind.Full, items: await compute(doc, token) } satisfies FullDocumentDiagnosticReport) : empty;
    }),
  );
  const refresh = client.diagnosticRefresh ? new RefreshRequest(() => connection.languages.diagnostics.refresh(), now) : undefined;
  return { refresh: () => refresh?.request() };
}

function pushed({ connection, documents, compute, log }: DiagnosticsChannelDeps): DiagnosticsChannel {
  const pending = new Map<string, CancellationTokenSource>();
  /** Documents whose last publish was not empty: closing them clears their diagnostics. */
  const shown = new Set<string>();

  const cancel = (uri: string) => {
    pending.get(uri)?.cancel();
    pending.delete(uri);
  };

  const publish = async (uri: string, source: CancellationTokenSource) => {
    const doc = documents.get(uri);
    if (!doc || source.token.isCancellationRequested) return;
    let diagnostics: Diagnostic[];
    try {
      diagnostics = await compute(doc, source.token);
    } catch (err) {
      if (!source.token.isCancellationRequested) log.error(`diagnostics failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      return;
    }
    if (source.token.isCancellationRequested || documents.get(uri)?.version !== doc.version) return;
    pending.delete(uri);
    if (!diagnostics.length && !shown.has(uri)) return;
    if (diagnostics.length) shown.add(uri);
    else shown.delete(uri);
    void connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
  };

  const schedule = (uri: string) => {
    cancel(uri);
    const source = new CancellationTokenSource();
    pending.set(uri, source);
    setImmediate(() => void publish(uri, source));
  };

  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    cancel(uri);
    if (shown.delete(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
  });
  return { refresh: () => documents.all().forEach((doc) => schedule(doc.uri)) };
}
