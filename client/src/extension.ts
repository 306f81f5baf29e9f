// activate(): build the shared context, start the language server, register commands, views and the
// status bar. The extension is a thin shell: the index, parsing and resolution all live in the server.
import * as vscode from 'vscode';
import { IndexChangedNotification, StatusRequest, type StatusResult } from '../../server/src/protocol';
import { registerCommands } from './commands';
import type { Ctx } from './ctx';
import { createLanguageClient } from './languageClient';
import { IndexStatusBar } from './statusBar';
import { createViews, indexChanged, listenForChanges } from './views/register';
import { trackWalkthrough } from './walkthrough';

const SIDEBAR_SHOWN = 'comfyModels.sidebarShown';

/** What activate() returns: used by the in-host e2e suite to wait on events instead of timers. */
export interface ComfyModelsApi {
  ctx: Ctx;
  /** Resolves with the first status the server answered. */
  ready: Promise<StatusResult>;
  /** Fires with each index status the server announces. */
  onDidChangeStatus: vscode.Event<StatusResult>;
}

export async function activate(context: vscode.ExtensionContext): Promise<ComfyModelsApi> {
  const log = vscode.window.createOutputChannel('Comfy Models', { log: true });
  const statusBar = new IndexStatusBar();
  const statusEmitter = new vscode.EventEmitter<StatusResult>();
  const client = createLanguageClient(context, log);
  context.subscriptions.push(log, statusBar, statusEmitter, client);
  const views = createViews(client, context.subscriptions);
  const ctx: Ctx = { extension: context, log, client, statusBar, views };
  context.subscriptions.push(...registerCommands(ctx));
  trackWalkthrough(views, context.subscriptions);
  // The first time the extension runs, show its sidebar: that is where a new user starts.
  if (!context.globalState.get(SIDEBAR_SHOWN)) {
    void context.globalState.update(SIDEBAR_SHOWN, true);
    void vscode.commands.executeCommand('workbench.view.extension.comfyModels');
  }

  let shownMessage: string | undefined;
  let lastStatus: StatusResult | undefined;
  const onStatus = (status: StatusResult) => {
    statusBar.update(status);
    indexChanged(views, status, lastStatus);
    lastStatus = status;
    statusEmitter.fire(status);
    // A message is news the user should see once (e.g. a corrupt index set aside and rebuilt).
    if (status.message && status.message !== shownMessage) {
      shownMessage = status.message;
      const show = status.state === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
      void show(`Comfy Models: ${status.message}`, 'Show Log').then((pick) => pick && log.show());
    }
  };
  const ready = (async () => {
    await client.start();
    context.subscriptions.push(client.onNotification(IndexChangedNotification.type, onStatus));
    listenForChanges(client, views, context.subscriptions);
    const status = await client.sendRequest(StatusRequest.type);
    onStatus(status);
    log.info(`Language server ready: ${status.models} models indexed (${status.indexPath})`);
    return status;
  })();
  ready.catch((err) => {
    log.error(`The Comfy Models language server failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    void vscode.window.showErrorMessage('Comfy Models: the language server failed to start. See the log.', 'Show Log').then((p) => p && log.show());
  });
  return { ctx, ready, onDidChangeStatus: statusEmitter.event };
}

export function deactivate(): void {
  // The language client is in context.subscriptions: VS Code stops it on dispose.
}
