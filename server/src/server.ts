// The language server: capabilities and handler wiring only. Engine logic lives in core/, language
// features in lsp/. `main.ts` adapts Node (transport, console); tests call startServer directly.
import {
  type Connection,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Logger } from './core/log';
import { IndexService } from './indexService';
import { IndexChangedNotification, StatusRequest, SyncIndexRequest } from './protocol';
import { normalizeSettings } from './settings';

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
  let index: IndexService | undefined;
  let hasConfiguration = false;

  connection.onInitialize((params): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as InitializationOptions;
    hasConfiguration = !!params.capabilities.workspace?.configuration;
    const defaultIndexPath = init.storagePath ? `${init.storagePath.replace(/[\\/]+$/, '')}/index.sqlite` : runtime.defaultIndexPath;
    index = new IndexService({
      version: runtime.version,
      defaultIndexPath,
      log,
      onChanged: (status) => void connection.sendNotification(IndexChangedNotification.type, status),
    });
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
      },
      serverInfo: { name: 'comfy-models', version: runtime.version },
    };
  });

  const pullSettings = async () =>
    normalizeSettings(hasConfiguration ? await connection.workspace.getConfiguration({ section: 'comfyModels' }) : {});

  connection.onInitialized(async () => {
    log.info(`Comfy Models server ${runtime.version} started`);
    await index!.configure(await pullSettings());
  });

  connection.onDidChangeConfiguration(async () => {
    await index!.configure(await pullSettings());
  });

  connection.onRequest(StatusRequest.type, () => index!.status());
  connection.onRequest(SyncIndexRequest.type, () => index!.sync());

  connection.onShutdown(() => index?.dispose());

  documents.listen(connection);
  connection.listen();
}
