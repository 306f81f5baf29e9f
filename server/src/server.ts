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
import { registerLanguageFeatures, watchManifests, type LanguageFeatures } from './lsp/languageFeatures';
import { IndexChangedNotification } from './protocol/status';
import { registerShareRequests } from './requests/share';
import { registerStatusRequests } from './requests/status';
import { registerTreeRequests, watchWorkflows, type TreeRequests } from './requests/trees';
import { clientFeatures, describeClient, type ClientFeatures } from './lsp/clientCapabilities';
import { PushedSettings } from './lsp/pushedSettings';
import { SettingsCache } from './lsp/settingsCache';
import { beginWorkDoneProgress } from './lsp/workDoneProgress';
import { WorkspaceFiles } from './lsp/workspaceFiles';
import { wireDownloads, type ServerDownloads } from './requests/downloadsWiring';

export interface ServerRuntime {
  version: string;
  /** Index file used when neither the setting nor the client's storage path says otherwise. */
  defaultIndexPath: string;
  /** Clock for giving up on refresh requests a client never answers; default Date.now (tests inject one). */
  now?: () => number;
}

export interface InitializationOptions {
  /** The extension's global storage folder; the index lives there unless `comfyModels.indexPath` says otherwise. */
  storagePath?: string;
  /** Set by our VS Code client: it has the client-side commands (search palette). */
  vscodeClient?: boolean;
  /** Settings of a client without workspace/configuration: `{ settings: { comfyModels } }` or `{ comfyModels }`. */
  settings?: unknown;
  comfyModels?: unknown;
}

export function connectionLogger(connection: Connection): Logger {
  // Once the connection is closed (a request the client never answered is rejected then), a log line
  // has nowhere to go: sending it would throw.
  const safe = (send: (m: string) => void) => (m: string) => {
    try {
      send(m);
    } catch {
      /* connection closed */
    }
  };
  return {
    info: safe((m) => connection.console.info(m)),
    warn: safe((m) => connection.console.warn(m)),
    error: safe((m) => connection.console.error(m)),
  };
}

export function startServer(connection: Connection, runtime: ServerRuntime): void {
  const log = connectionLogger(connection);
  const documents = new TextDocuments(TextDocument);
  const files = new WorkspaceFiles(documents);
  let index: IndexHost | undefined;
  let client: ClientFeatures | undefined;
  const pushedSettings = new PushedSettings();
  const settings = new SettingsCache(connection, () => !!client?.configuration, pushedSettings);
  let features: LanguageFeatures | undefined;
  let trees: TreeRequests | undefined;
  // One configure at a time, each with the settings current when it starts: a client that pushes its
  // settings right after `initialized` (Neovim, Eglot) must not have the start-up configure (which may
  // still be opening the default index) finish last.
  let configuring: Promise<void> = Promise.resolve();
  let downloads: ServerDownloads | undefined;
  const configure = () =>
    (configuring = configuring.catch(() => undefined).then(async () => {
      const current = await settings.get();
      downloads?.configure(current);
      await index!.configure(current);
    }));

  connection.onInitialize((params): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    const declared = (client = clientFeatures(params));
    pushedSettings.initialize(params.initializationOptions);
    files.setFolders((params.workspaceFolders ?? []).map((f) => f.uri));
    const defaultIndexPath = init.storagePath ? `${init.storagePath.replace(/[\\/]+$/, '')}/index.sqlite` : runtime.defaultIndexPath;
    index = new IndexHost({
      version: runtime.version,
      defaultIndexPath,
      log,
      onChanged: (status) => void connection.sendNotification(IndexChangedNotification.type, status),
      beginProgress: async (title, cancel) => beginWorkDoneProgress(connection, declared.workDoneProgress, title, cancel, log),
    });
    const resolvesCodeActionEdits = !!params.capabilities.textDocument?.codeAction?.resolveSupport?.properties.includes('edit');
    const lsp = registerLanguageFeatures({ connection, documents, index, settings, files, log, client: declared, now: runtime.now, resolvesCodeActionEdits });
    features = lsp;
    registerStatusRequests(connection, index);
    downloads = wireDownloads(connection, index, lsp.context, log);
    registerShareRequests(connection, { documents, files, log, index, client: declared });
    const host = index;
    trees = registerTreeRequests(connection, {
      view: () => host.view(),
      edit: (work) => host.edit(work),
      files,
      analyzer: lsp.context.analyzer,
      settings: (uri) => settings.get(uri),
      log,
      client: declared,
    });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        diagnosticProvider: declared.pullDiagnostics ? { identifier: 'comfy-models', interFileDependencies: true, workspaceDiagnostics: false } : undefined,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: true },
        hoverProvider: true,
        completionProvider: { triggerCharacters: ['"', '/'] },
        codeLensProvider: { resolveProvider: false },
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'comfy-models', version: runtime.version },
    };
  });

  connection.onInitialized(async () => {
    log.info(`Comfy Models server ${runtime.version} started. ${describeClient(client!)}`);
    // Not awaited: a client that never answers the registration must not hold up the index.
    if (client!.watchFilesRegistration) void watchManifests(connection).catch((err) => log.warn(`Cannot watch pyproject.toml files: ${err}`));
    if (client!.watchFilesRegistration) void watchWorkflows(connection).catch((err) => log.warn(`Cannot watch workflow files: ${err}`));
    if (client!.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(async () => {
        files.setFolders(((await connection.workspace.getWorkspaceFolders()) ?? []).map((f) => f.uri));
        features?.refresh();
        trees?.foldersChanged();
      });
    }
    // The list of unfinished downloads is kept beside the index file the settings name.
    await downloads!.load(index!.indexPathFor(await settings.get()));
    await configure();
  });

  // Settings are pulled per resource (or pushed: pushedSettings.ts); a change drops the cache, re-reads
  // the roots and re-checks documents.
  connection.onDidChangeConfiguration(async (params) => {
    if (!client?.configuration && !pushedSettings.update(params.settings)) return;
    settings.clear();
    await configure();
    features?.refresh();
  });

  // One handler per notification: every consumer of watched-file events is told.
  connection.onDidChangeWatchedFiles((params) => {
    features?.watchedFilesChanged(params);
    trees?.watchedFilesChanged(params);
  });

  connection.onShutdown(async () => {
    await downloads?.dispose(); // running downloads become interrupted, listed again next time
    index?.dispose();
  });

  documents.listen(connection);
  connection.listen();
}
