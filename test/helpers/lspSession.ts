// A language-server session over a real model library and workspace in a temp folder: waits for the
// index, opens documents, pulls diagnostics and answers the server's refresh requests as events.
import { join } from 'node:path';
import {
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  type Diagnostic,
  type DocumentDiagnosticReport,
} from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { IndexChangedNotification, type StatusResult } from '../../server/src/protocol';
import { startInMemory, type Harness, type HarnessOptions } from './lspHarness';

export interface Session {
  h: Harness;
  uri(path: string): string;
  open(path: string, text: string, languageId?: string): Promise<void>;
  change(path: string, text: string): Promise<void>;
  pull(path: string): Promise<Diagnostic[]>;
  /** Resolves with the next status the server announces that satisfies `pred`. */
  nextStatus(pred: (s: StatusResult) => boolean): Promise<StatusResult>;
  /** Resolves at the server's next `workspace/diagnostic/refresh` request. */
  nextRefresh(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startSession(
  dir: string,
  settings: Record<string, unknown>,
  workspace = join(dir, 'ws'),
  start: (options: HarnessOptions) => Promise<Harness> = startInMemory,
  /** More harness options (another editor's capabilities, …); its beforeInitialize runs after the session's. */
  extra: Partial<HarnessOptions> = {},
): Promise<Session> {
  const statusWaiters: { pred: (s: StatusResult) => boolean; resolve: (s: StatusResult) => void }[] = [];
  const refreshWaiters: (() => void)[] = [];
  const versions = new Map<string, number>();
  let last: StatusResult | undefined;
  const h = await start({
    ...extra,
    storagePath: dir,
    settings,
    workspaceFolders: [{ uri: URI.file(workspace).toString(), name: 'ws' }],
    beforeInitialize: (c) => {
      c.onNotification(IndexChangedNotification.type, (s) => {
        last = s;
        for (const w of [...statusWaiters]) if (w.pred(s)) statusWaiters.splice(statusWaiters.indexOf(w), 1) && w.resolve(s);
      });
      c.onRequest('workspace/diagnostic/refresh', () => {
        refreshWaiters.splice(0).forEach((r) => r());
        return null;
      });
      extra.beforeInitialize?.(c);
    },
  });
  const uri = (path: string) => URI.file(path).toString();
  return {
    h,
    uri,
    async open(path, text, languageId = path.endsWith('.toml') ? 'toml' : 'json') {
      versions.set(path, 1);
      await h.client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(path), languageId, version: 1, text } });
    },
    async change(path, text) {
      const version = (versions.get(path) ?? 1) + 1;
      versions.set(path, version);
      await h.client.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uri(path), version }, contentChanges: [{ text }] });
    },
    async pull(path) {
      const report = (await h.client.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uri(path) } })) as DocumentDiagnosticReport;
      return report.kind === 'full' ? report.items : [];
    },
    nextStatus(pred) {
      if (last && pred(last)) return Promise.resolve(last);
      return new Promise((resolve) => statusWaiters.push({ pred, resolve }));
    },
    nextRefresh() {
      return new Promise((resolve) => refreshWaiters.push(resolve));
    },
    dispose: () => h.dispose(),
  };
}
