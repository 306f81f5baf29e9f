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
import { IndexHost } from './engine/indexHost';
import { registerLanguageFeatures, watchManifests } from './lsp/languageFeatures';
import { IndexChangedNotification } from './protocol/status';
import { registerShareRequests } from './requests/share';
import { registerStatusRequests } from './requests/status';
import { SettingsCache } from './lsp/settingsCache';
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
  let index: IndexHost | undefined;
  let hasConfiguration = false;
  let canWatchFiles = false;
  let hasWorkspaceFolders = false;
  const settings = new SettingsCache(connection, () => hasConfiguration);
  let features: { refresh(): void } | undefined;

  connection.onInitialize((params): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    hasConfiguration = !!params.capabilities.workspace?.configuration;
    canWatchFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    hasWorkspaceFolders = !!params.capabilities.workspace?.workspaceFolders;
    files.setFolders((params.workspaceFolders ?? []).map((f) => f.uri));
    const defaultIndexPath = init.storagePath ? `${init.storagePath.replace(/[\\/]+$/, '')}/index.sqlite` : runtime.defaultIndexPath;
    index = new IndexHost({
      version: runtime.version,
      defaultIndexPath,
      log,
      onChanged: (status) => void connection.sendNotification(IndexChangedNotification.type, status),
      beginProgress: async (title, cancel) => {
        const progress = await connection.window.createWorkDoneProgress();
        progress.begin(title, 0, undefined, true);
        progress.token.onCancellationRequested(cancel);
        return { report: (done, total) => progress.report(total ? Math.floor((done * 100) / total) : 0, `${done}/${total} files`), done: () => progress.done() };
      },
    });
    features = registerLanguageFeatures({ connection, documents, index, settings, files, log });
    registerStatusRequests(connection, index);
    registerShareRequests(connection, { documents, files, log, index });
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
    if (hasWorkspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(async () => {
        files.setFolders(((await connection.workspace.getWorkspaceFolders()) ?? []).map((f) => f.uri));
        features?.refresh();
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

  connection.onShutdown(() => index?.dispose());

  documents.listen(connection);
  connection.listen();
}
