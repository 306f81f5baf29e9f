// How the client starts the bundled language server and which documents it hands to it.
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { SETTINGS_SECTION } from '../../server/src/protocol';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function createLanguageClient(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath(path.join('server', 'dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Workflows are JSON files recognised by content on the server; manifests are pyproject.toml
    // whatever language mode the user has for TOML.
    documentSelector: [
      { scheme: 'file', language: 'json' },
      { scheme: 'file', language: 'jsonc' },
      { scheme: 'file', pattern: '**/pyproject.toml' },
    ],
    outputChannel: log,
    traceOutputChannel: log,
    // vscodeClient: this client has the commands quick fixes and lenses may run (the search palette).
    initializationOptions: { storagePath: context.globalStorageUri.fsPath, vscodeClient: true },
    synchronize: { configurationSection: SETTINGS_SECTION },
  };
  return new LanguageClient('comfyModels', 'Comfy Models', serverOptions, clientOptions);
}
