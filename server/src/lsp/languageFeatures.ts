// Registers every language feature (each module registers its own handlers) and the custom requests
// that read documents, and keeps the client's diagnostics and lenses fresh: when the index changes,
// when a manifest changes on disk or in an editor. Diagnostics are pulled or pushed
// (diagnosticsChannel.ts); only requests the client declared are sent to it (clientCapabilities.ts).
import { DidChangeWatchedFilesNotification, type Connection, type DidChangeWatchedFilesParams } from 'vscode-languageserver';
import { registerFixRequests } from '../requests/fixes';
import { registerSearchRequests } from '../requests/search';
import { WorkflowAnalyzer } from './analysis';
import { registerCodeActions } from './codeActions';
import { registerCodeLens } from './codeLens';
import { registerCompletion } from './completion';
import { registerDiagnostics } from './diagnostics';
import { isManifest, type FeatureContext } from './featureContext';
import { registerHover } from './hover';
import { RefreshRequest } from './refreshRequest';
import { uriToPath } from './workspaceFiles';

export type LanguageFeatureDeps = Omit<FeatureContext, 'analyzer'>;

export interface LanguageFeatures {
  refresh(): void;
  /** The features' context (for requests that read documents, e.g. the download plan). */
  readonly context: FeatureContext;
  watchedFilesChanged(params: DidChangeWatchedFilesParams): void;
}

export function registerLanguageFeatures(deps: LanguageFeatureDeps): LanguageFeatures {
  const ctx: FeatureContext = { ...deps, analyzer: new WorkflowAnalyzer(deps.files) };
  const { connection, documents, files, client, now } = ctx;
  const diagnostics = registerDiagnostics(ctx);
  registerCodeActions(ctx);
  registerHover(ctx);
  registerCompletion(ctx);
  registerCodeLens(ctx);
  registerSearchRequests(connection, ctx);
  registerFixRequests(connection, ctx);

  const lenses = client.codeLensRefresh ? new RefreshRequest(() => connection.sendRequest('workspace/codeLens/refresh'), now) : undefined;
  /** Diagnostics and lenses of every open document may have changed: re-pull (where declared) or re-publish. */
  const refresh = () => {
    diagnostics.refresh();
    lenses?.request();
  };

  /**
   * Files changed on disk (the server's one didChangeWatchedFiles handler calls this): manifests
   * (other tools, git) change what every workflow resolves to. Other watched files (workflow JSON,
   * for the Workflows view) leave diagnostics as they are.
   */
  const watchedFilesChanged = ({ changes }: DidChangeWatchedFilesParams) => {
    for (const c of changes) files.manifests.drop(uriToPath(c.uri));
    if (changes.some((c) => isManifest(c.uri))) refresh();
  };
  // Manifests change in an editor: every workflow depends on them.
  documents.onDidChangeContent((e) => {
    if (isManifest(e.document.uri)) refresh();
  });
  documents.onDidClose((e) => {
    ctx.analyzer.forget(e.document.uri);
    // The editor's text is gone: the file on disk may differ from what was read before it opened.
    if (isManifest(e.document.uri)) files.manifests.drop(uriToPath(e.document.uri));
  });
  ctx.index.onDidChangeIndex(refresh);

  return { refresh, watchedFilesChanged, context: ctx };
}

/** Ask the client to tell us about pyproject.toml files changing on disk. */
export async function watchManifests(connection: Connection): Promise<void> {
  await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/pyproject.toml' }] });
}
