// What every language feature gets when it registers itself: the connection, the open documents, this
// window's scoped index view, settings, files, what the client declared, and the shared workflow analysis
// (one per document version).
import { basename } from 'node:path';
import type { CancellationToken, Connection, TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Logger } from '../core/log';
import type { Manifest } from '../core/manifest/types';
import type { IndexView } from '../engine/indexHost';
import type { WorkflowAnalysis, WorkflowAnalyzer } from './analysis';
import type { ClientFeatures } from './clientCapabilities';
import { signalOf } from './cancellation';
import type { FixContext } from './codeActions';
import type { SettingsCache } from './settingsCache';
import { uriToPath, type WorkspaceFiles } from './workspaceFiles';

/** The index as the features read it: only through this window's scoped view. */
export interface IndexSource {
  view(): IndexView;
  onDidChangeIndex(listener: () => void): { dispose(): void };
}

export interface FeatureContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  index: IndexSource;
  settings: SettingsCache;
  files: WorkspaceFiles;
  log: Logger;
  analyzer: WorkflowAnalyzer;
  /** What the client declared in `initialize` (clientCapabilities.ts). */
  client: ClientFeatures;
  /** Clock for giving up on unanswered refresh requests (refreshRequest.ts); default Date.now. */
  now?: () => number;
  /**
   * The client resolves code actions' edits (textDocument.codeAction.resolveSupport names 'edit'):
   * edits of a manifest that is not open are then computed when the fix is applied, on the text on disk then.
   */
  resolvesCodeActionEdits?: boolean;
}

export const isManifest = (uri: string): boolean => basename(uriToPath(uri)) === 'pyproject.toml';
export const isJson = (doc: TextDocument): boolean => !isManifest(doc.uri);

/**
 * A workflow document analysed against one view of the index (the view the caller answers from). Its
 * manifest is read ahead asynchronously: the analysis itself does no disk I/O.
 */
export async function analyze(ctx: FeatureContext, doc: TextDocument, view: IndexView = ctx.index.view(), token?: CancellationToken): Promise<WorkflowAnalysis> {
  const [settings] = await Promise.all([ctx.settings.get(doc.uri), ctx.files.loadManifestOf(uriToPath(doc.uri))]);
  return ctx.analyzer.analyze(doc, view.snapshot, settings, view.fuzzy, token && signalOf(token));
}

/** An open pyproject.toml, parsed once per text (diagnostics, hovers and code actions all ask). */
export function openManifest(ctx: FeatureContext, doc: TextDocument): Manifest {
  return ctx.analyzer.readManifest(uriToPath(doc.uri), doc.getText());
}

export function fixContext(ctx: FeatureContext, view: IndexView = ctx.index.view()): FixContext {
  return { index: view.snapshot, model: view.model, files: ctx.files, log: ctx.log, client: ctx.client, resolvesEdits: !!ctx.resolvesCodeActionEdits };
}
