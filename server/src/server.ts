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
import { registerStatusRequests } from './requests/status';
import { SettingsCache } from './lsp/settingsCache';
import { WorkspaceFiles } from './lsp/workspaceFiles';
import { DownloadHost } from './engine/downloadHost';
import { recordDownload } from './core/download/record';
import { DEFAULT_ENDPOINTS } from './core/download/hosts';
import { registerDownloadRequests } from './requests/downloads';
import { findSourcesForLocalModels } from './engine/findSources';
import { openWorkflowDownloads, recordSourceInManifest } from './lsp/downloadSources';

export interface ServerRuntime {
  version: string;
  /** Index file used when neither the setting nor the client's storage path says otherwise. */
  defaultIndexPath: string;
}

export interface InitializationOptions {
  /** The extension's global storage folder; the index lives there unless `comfyModels.indexPath` says otherwise. */
  storagePath?: string;
  /** Sent by our VS Code extension: it runs the client commands the server's actions name (downloads). */
  vscodeClient?: boolean;
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
  let downloads: DownloadHost | undefined;

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
    const host = index;
    const lsp = registerLanguageFeatures({ connection, documents, index, settings, files, log, client: { vscodeClient: init.vscodeClient === true } });
    features = lsp;
    registerStatusRequests(connection, index);
    // Provider origins and concurrency are set from the settings once they are read (onInitialized).
    downloads = new DownloadHost({
      log,
      indexPath: index.indexPath,
      endpoints: DEFAULT_ENDPOINTS,
      concurrency: 2,
      roots: () => host.modelRoots(),
      editIndex: (work) => host.edit(work),
      record: (store, roots, outcome) => recordDownload(store, roots, outcome, outcome.source),
    });
    registerDownloadRequests(connection, {
      host: downloads,
      log,
      roots: () => host.modelRoots(),
      workflowDownloads: (uri) => openWorkflowDownloads(lsp.context, uri),
      findSources: (signal, onProgress) => {
        const view = host.view();
        return findSourcesForLocalModels({ snapshot: view.snapshot, model: view.model, civitai: downloads!.env.providers.civitai, edit: (work) => host.edit((store) => work(store)), signal, onProgress });
      },
      recordInManifest: (path, hash, source) => recordSourceInManifest(lsp.context, path, hash, source),
    });
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
    const initial = await settings.get();
    downloads!.configure({ civitaiBaseUrl: initial.civitaiBaseUrl, huggingFaceEndpoint: initial.huggingfaceEndpoint }, initial.downloadsConcurrency);
    await downloads!.load().catch((err) => log.warn(`Cannot read the download list: ${err}`));
    await index!.configure(initial);
  });

  // Settings are pulled per resource; a change drops the cache, re-reads the roots and re-checks documents.
  connection.onDidChangeConfiguration(async () => {
    settings.clear();
    const current = await settings.get();
    downloads?.configure({ civitaiBaseUrl: current.civitaiBaseUrl, huggingFaceEndpoint: current.huggingfaceEndpoint }, current.downloadsConcurrency);
    await index!.configure(current);
    features?.refresh();
  });

  connection.onShutdown(async () => {
    await downloads?.dispose(); // running downloads become interrupted, listed again next time
    index?.dispose();
  });

  documents.listen(connection);
  connection.listen();
}
