// The language server: capabilities and handler wiring only. Engine logic lives in core/, language
// features in lsp/. `main.ts` adapts Node (transport, console); tests call startServer directly.
import {
  CodeActionKind,
  type Connection,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Logger } from './core/log';
import { IndexService } from './indexService';
import { IndexChangedNotification, StatusRequest, SyncIndexRequest } from './protocol';
import { registerLanguageFeatures, watchManifests } from './lsp/languageFeatures';
import { SettingsCache } from './lsp/settingsCache';
import { registerTreeRequests, watchWorkflows, type TreeRequests } from './requests/trees';
import { WorkspaceFiles } from './lsp/workspaceFiles';

export interface ServerRuntime {
  version: string;
  /** Index file used when neither the setting nor the client's storage path says otherwise. */
  defaultIndexPath: string;
}

export interface InitializationOptions {
  /** The extension's global storage folder; the index lives there unless `comfyModels.indexPath` says otherwise. */
  storagePath?: string;
}

export function connectionLogger(connection: Connection): Logger {
  return {
    info: (m) => connection.console.info(m),
    warn: (m) => connection.console.warn(m),
    error: (m) => connection.console.error(m),
  };
}

export function startServer(connection: Connection, runtime: ServerRuntime): void {
  const log = connectionLogger(connection);
  const documents = new TextDocuments(TextDocument);
  const files = new WorkspaceFiles(documents);
  let index: IndexService | undefined;
  let hasConfiguration = false;
  let canWatchFiles = false;
  let hasWorkspaceFolders = false;
  const settings = new SettingsCache(connection, () => hasConfiguration);
  let features: { refresh(): void } | undefined;
  let trees: TreeRequests | undefined;

  connection.onInitialize((params): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    hasConfiguration = !!params.capabilities.workspace?.configuration;
    canWatchFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    hasWorkspaceFolders = !!params.capabilities.workspace?.workspaceFolders;
    files.setFolders((params.workspaceFolders ?? []).map((f) => f.uri));
    const defaultIndexPath = init.storagePath ? `${init.storagePath.replace(/[\\/]+$/, '')}/index.sqlite` : runtime.defaultIndexPath;
    index = new IndexService({
      version: runtime.version,
      defaultIndexPath,
      log,
      onChanged: (status) => void connection.sendNotification(IndexChangedNotification.type, status),
      beginProgress: async (title) => {
        const progress = await connection.window.createWorkDoneProgress();
        progress.begin(title, 0, undefined, false);
        return { report: (done, total) => progress.report(total ? Math.floor((done * 100) / total) : 0, `${done}/${total} files`), done: () => progress.done() };
      },
    });
    const service = index;
    trees = registerTreeRequests(connection, { query: () => service.query(), store: () => service.index, sync: () => service.sync(), files, settings: (uri) => settings.get(uri), log });
    features = registerLanguageFeatures({ connection, documents, index, settings, files, log, onWatchedFiles: (p) => trees?.watchedFilesChanged(p) });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        diagnosticProvider: { identifier: 'comfy-models', interFileDependencies: true, workspaceDiagnostics: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['"', '/'] },
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'comfy-models', version: runtime.version },
    };
  });

  connection.onInitialized(async () => {
    log.info(`Comfy Models server ${runtime.version} started`);
    if (canWatchFiles) await watchManifests(connection).catch((err) => log.warn(`Cannot watch pyproject.toml files: ${err}`));
    if (canWatchFiles) await watchWorkflows(connection).catch((err) => log.warn(`Cannot watch workflow files: ${err}`));
    if (hasWorkspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(async () => {
        files.setFolders(((await connection.workspace.getWorkspaceFolders()) ?? []).map((f) => f.uri));
        features?.refresh();
        trees?.foldersChanged();
      });
    }
    await index!.configure(await settings.get());
  });

  // Settings are pulled per resource; a change drops the cache, re-reads the roots and re-checks documents.
  connection.onDidChangeConfiguration(async () => {
    settings.clear();
    await index!.configure(await settings.get());
    features?.refresh();
  });

  connection.onRequest(StatusRequest.type, () => index!.status());
  connection.onRequest(SyncIndexRequest.type, () => index!.sync());

  connection.onShutdown(() => index?.dispose());

  documents.listen(connection);
  connection.listen();
}
