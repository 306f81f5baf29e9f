// Wires the language features to the connection: pull diagnostics, code actions, hover, completion,
// code lenses and the fixEdit request, for workflow JSON files (recognised by content) and
// pyproject.toml manifests. Every handler honours its cancellation token (runSafe).
import { basename } from 'node:path';
import {
  type Connection,
  DidChangeWatchedFilesNotification,
  type DidChangeWatchedFilesParams,
  DocumentDiagnosticReportKind,
  type TextDocuments,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Logger } from '../core/log';
import type { IndexService } from '../indexService';
import { FixEditRequest, SearchModelsRequest } from '../protocol';
import { WorkflowAnalyzer } from './analysis';
import { manifestCodeActions, mapAction, workflowCodeActions, type FixContext } from './codeActions';
import { workflowLenses } from './codeLens';
import { modelCompletions } from './completion';
import { manifestDiagnostics, workflowDiagnostics } from './diagnostics';
import { replaceEdit } from './fixes';
import { manifestHashHover, referenceHover } from './hover';
import { manifestHashAt, referenceAt } from './referenceAt';
import { runSafe } from './runSafe';
import { searchModels } from './search';
import type { SettingsCache } from './settingsCache';
import { uriToPath, type WorkspaceFiles } from './workspaceFiles';

export const isManifest = (uri: string): boolean => basename(uriToPath(uri)) === 'pyproject.toml';
const isJson = (doc: TextDocument): boolean => !isManifest(doc.uri);

export interface LanguageFeatureDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  index: IndexService;
  settings: SettingsCache;
  files: WorkspaceFiles;
  log: Logger;
  /** Also told about watched files (the server has one handler per notification). */
  onWatchedFiles?(params: DidChangeWatchedFilesParams): void;
}

export function registerLanguageFeatures({ connection, documents, index, settings, files, log, onWatchedFiles }: LanguageFeatureDeps): { refresh(): void } {
  const analyzer = new WorkflowAnalyzer(files);
  const fixContext = (): FixContext => ({ index: index.query(), model: (hash) => index.index?.model(hash), files, log });
  const analyze = async (doc: TextDocument) => analyzer.analyze(doc, index.query(), await settings.get(doc.uri));
  /** An open pyproject.toml, parsed once per text (diagnostics, hovers and code actions all ask). */
  const manifestOf = (doc: TextDocument) => analyzer.readManifest(uriToPath(doc.uri), doc.getText());

  let refreshPending = false;
  /** Ask the client to pull again (coalesced: one request in flight at a time). */
  const refresh = () => {
    if (refreshPending) return;
    refreshPending = true;
    void connection.languages.diagnostics
      .refresh()
      .catch(() => undefined)
      .finally(() => (refreshPending = false));
    void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  };

  connection.languages.diagnostics.on((params, token) =>
    runSafe(log, token, 'diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] }, async () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      const items = isManifest(doc.uri) ? manifestDiagnostics(doc, manifestOf(doc), index.query()) : workflowDiagnostics(doc, await analyze(doc));
      return { kind: DocumentDiagnosticReportKind.Full, items };
    }),
  );

  connection.onCodeAction((params, token) =>
    runSafe(log, token, 'code actions', [], async () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      if (isManifest(doc.uri)) return manifestCodeActions(fixContext(), analyzer.manifestFor(uriToPath(doc.uri)), params.context.diagnostics);
      return workflowCodeActions(fixContext(), doc, await analyze(doc), params.context.diagnostics);
    }),
  );

  connection.onHover((params, token) =>
    runSafe(log, token, 'hover', null, async () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const offset = doc.offsetAt(params.position);
      const model = (hash: string) => index.index?.model(hash);
      if (isManifest(doc.uri)) {
        const manifest = manifestOf(doc);
        const at = manifestHashAt(manifest, offset);
        return at ? { contents: { kind: 'markdown' as const, value: manifestHashHover(at.hash, at.model?.filename, model(at.hash), manifest) } } : null;
      }
      const analysis = await analyze(doc);
      const r = referenceAt(analysis, offset);
      return r ? { contents: { kind: 'markdown' as const, value: referenceHover(r, model, analysis.manifest.manifest) } } : null;
    }),
  );

  connection.onCompletion((params, token) =>
    runSafe(log, token, 'completion', null, async () => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc || !isJson(doc)) return null;
      return modelCompletions(doc, await analyze(doc), index.query(), doc.offsetAt(params.position));
    }),
  );

  connection.onCodeLens((params, token) =>
    runSafe(log, token, 'code lens', [], async () => {
      const doc = documents.get(params.textDocument.uri);
      return doc && isJson(doc) ? workflowLenses(await analyze(doc)) : [];
    }),
  );

  connection.onRequest(SearchModelsRequest.type, (params, token) => runSafe(log, token, 'search', [], () => searchModels(index.query(), params)));

  connection.onRequest(FixEditRequest.type, (params, token) =>
    runSafe(log, token, 'fixEdit', null, async () => {
      const doc = documents.get(params.reference.uri);
      if (!doc) return null;
      const analysis = await analyze(doc);
      const r = analysis.resolved.find((x) => x.reference.offset === params.reference.offset);
      const location = index.query().byHash(params.hash)[0];
      if (!r || !location) return null;
      if (params.kind === 'replace') return replaceEdit(doc, r.reference, location.name);
      return mapAction(fixContext(), analysis.manifest, r, location)?.edit ?? null;
    }),
  );

  // Manifests change on disk (other tools, git) or in an editor: every workflow depends on them.
  connection.onDidChangeWatchedFiles((params) => {
    if (params.changes.some((c) => isManifest(c.uri))) refresh();
    onWatchedFiles?.(params);
  });
  documents.onDidChangeContent((e) => {
    if (isManifest(e.document.uri)) refresh();
  });
  documents.onDidClose((e) => analyzer.forget(e.document.uri));
  index.onDidChangeIndex(refresh);

  return {
    refresh,
  };
}

/** Ask the client to tell us about pyproject.toml files changing on disk. */
export async function watchManifests(connection: Connection): Promise<void> {
  await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/pyproject.toml' }] });
}
