// What the client declared in `initialize`, read once: the server sends a client only the requests
// and edit operations it declared (DESIGN.md §1), and offers VS Code commands only to our own client.
import type { InitializeParams } from 'vscode-languageserver';

export interface ClientFeatures {
  /** `clientInfo.name` ("Visual Studio Code", "Neovim", "Emacs", …), for the log. */
  name: string;
  /** Our VS Code extension, which has the client-side commands (`comfyModels.searchIndex`). */
  vscodeClient: boolean;
  /** `textDocument.diagnostic`: the client pulls; otherwise the server publishes. */
  pullDiagnostics: boolean;
  /** `workspace.diagnostics.refreshSupport`: `workspace/diagnostic/refresh` may be sent. */
  diagnosticRefresh: boolean;
  /** `workspace.codeLens.refreshSupport`: `workspace/codeLens/refresh` may be sent. */
  codeLensRefresh: boolean;
  /** `workspace.configuration`: settings are pulled per resource; otherwise they are pushed. */
  configuration: boolean;
  /** Edits may use `documentChanges` (versioned document edits). */
  documentChanges: boolean;
  /** `workspace.workspaceEdit.resourceOperations` includes 'create': an edit may create pyproject.toml. */
  createFiles: boolean;
  /** `workspace.workspaceEdit.resourceOperations` includes 'rename': a model rename may move the file. */
  renameFiles: boolean;
  /** `window.workDoneProgress`: `window/workDoneProgress/create` may be sent. */
  workDoneProgress: boolean;
  /** `workspace.didChangeWatchedFiles.dynamicRegistration`: `client/registerCapability` for file watchers. */
  watchFilesRegistration: boolean;
  /** `workspace.workspaceFolders`: folder change events and `workspace/workspaceFolders`. */
  workspaceFolders: boolean;
}

export function clientFeatures(params: Pick<InitializeParams, 'capabilities' | 'clientInfo' | 'initializationOptions'>): ClientFeatures {
  const { workspace, textDocument, window } = params.capabilities;
  const init = params.initializationOptions as { vscodeClient?: unknown } | null | undefined;
  const createFiles = !!workspace?.workspaceEdit?.resourceOperations?.includes('create');
  return {
    name: params.clientInfo?.name ?? 'unknown client',
    // Only the explicit flag: a VS Code running this server through another extension lacks our commands.
    vscodeClient: init?.vscodeClient === true,
    pullDiagnostics: !!textDocument?.diagnostic,
    diagnosticRefresh: !!workspace?.diagnostics?.refreshSupport,
    codeLensRefresh: !!workspace?.codeLens?.refreshSupport,
    configuration: !!workspace?.configuration,
    // Resource operations only exist inside documentChanges, so declaring them implies it (Neovim 0.7
    // declares 'create' without `documentChanges` and applies both).
    documentChanges: !!workspace?.workspaceEdit?.documentChanges || createFiles,
    createFiles,
    renameFiles: !!workspace?.workspaceEdit?.resourceOperations?.includes('rename'),
    workDoneProgress: !!window?.workDoneProgress,
    watchFilesRegistration: !!workspace?.didChangeWatchedFiles?.dynamicRegistration,
    workspaceFolders: !!workspace?.workspaceFolders,
  };
}

/** One log line saying how the server talks to this client. */
export function describeClient(f: ClientFeatures): string {
  const yes = (b: boolean, what: string) => (b ? what : `no ${what}`);
  return [
    `Client: ${f.name}${f.vscodeClient ? ' (Comfy Models extension)' : ''}`,
    f.pullDiagnostics ? 'pulled diagnostics' : 'published diagnostics',
    f.configuration ? 'settings pulled' : 'settings pushed',
    yes(f.diagnosticRefresh, 'diagnostic refresh'),
    yes(f.codeLensRefresh, 'code lens refresh'),
    yes(f.createFiles, 'file creation'),
    yes(f.renameFiles, 'file renames'),
    yes(f.workDoneProgress, 'progress'),
  ].join('; ');
}
