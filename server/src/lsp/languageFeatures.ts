// Registers every language feature (each module registers its own handlers) and the custom requests
// that read documents, and keeps the client's diagnostics and lenses fresh: when the index changes,
// when a manifest changes on disk or in an editor.
import { DidChangeWatchedFilesNotification, type Connection } from 'vscode-languageserver';
import { registerFixRequests } from '../requests/fixes';
import { registerSearchRequests } from '../requests/search';
import { WorkflowAnalyzer } from './analysis';
import { registerCodeActions } from './codeActions';
import { registerCodeLens } from './codeLens';
import { registerCompletion } from './completion';
import { registerDiagnostics } from './diagnostics';
import { isManifest, type FeatureContext } from './featureContext';
import { registerHover } from './hover';
import { uriToPath } from './workspaceFiles';

export type LanguageFeatureDeps = Omit<FeatureContext, 'analyzer'>;

export function registerLanguageFeatures(deps: LanguageFeatureDeps): { refresh(): void } {
  const ctx: FeatureContext = { ...deps, analyzer: new WorkflowAnalyzer(deps.files) };
  const { connection, documents, files } = ctx;
  registerDiagnostics(ctx);
  registerCodeActions(ctx);
  registerHover(ctx);
  registerCompletion(ctx);
  registerCodeLens(ctx);
  registerSearchRequests(connection, ctx);
  registerFixRequests(connection, ctx);

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

  // Manifests change on disk (other tools, git) or in an editor: every workflow depends on them.
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const c of changes) files.manifests.drop(uriToPath(c.uri));
    refresh();
  });
  documents.onDidChangeContent((e) => {
    if (isManifest(e.document.uri)) refresh();
  });
  documents.onDidClose((e) => {
    ctx.analyzer.forget(e.document.uri);
    // The editor's text is gone: the file on disk may differ from what was read before it opened.
    if (isManifest(e.document.uri)) files.manifests.drop(uriToPath(e.document.uri));
  });
  ctx.index.onDidChangeIndex(refresh);

  return { refresh };
}

/** Ask the client to tell us about pyproject.toml files changing on disk. */
export async function watchManifests(connection: Connection): Promise<void> {
  await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/pyproject.toml' }] });
}
