// activate(): cheap. Registers commands, views and the status bar, and looks for a ComfyUI workflow or
// comfydock/comfygit manifest (open, opened later, or on disk). The language server (and with it the
// first sync of every model root) starts only on such a file, a Comfy Models command or a visible view.
import * as vscode from 'vscode';
import { IndexChangedNotification, StatusRequest, type StatusResult } from '../../server/src/protocol';
import { findComfyFile, watchOpenDocuments } from './comfyFiles';
import { registerCommands } from './commands';
import type { Ctx } from './ctx';
import { createLanguageClient } from './languageClient';
import { IndexStatusBar } from './statusBar';
import { DownloadsModel } from './downloads/model';
import { registerDownloadTasks, downloadTerminals, onDidOpenDownloadTerminal, type DownloadTerminal } from './downloads/task';
import { sendTokens, watchTokens } from './downloads/tokens';
import { onDidPlanDownloads } from './downloads/commands';
import { DownloadsTreeProvider } from './views/downloadsView';
import type { DownloadPlan } from '../../server/src/protocol';
import { registerShare } from './share/register';
import { createViews, indexChanged, listenForChanges } from './views/register';
import { ReportPanels } from './share/reportPanel';
import { trackWalkthrough } from './walkthrough';

const SIDEBAR_SHOWN = 'comfyModels.sidebarShown';

/** What activate() returns: used by the in-host e2e suite to wait on events instead of timers. */
export interface ComfyModelsApi {
  ctx: Ctx;
  /** Resolves with the first status the server answered (once it was started). */
  ready: Promise<StatusResult>;
  /** Fires with each index status the server announces. */
  onDidChangeStatus: vscode.Event<StatusResult>;
  /** Milliseconds activate() took (the bench and the e2e log report it). */
  activationMs: number;
  /** Why the language server was started, or undefined while it is not. */
  startedBecause(): string | undefined;
  /** Resolves once the look for ComfyUI files on disk is over: with the file found, or undefined. */
  workspaceScanned: Promise<vscode.Uri | undefined>;
  /** Download task terminals (open ones), and an event per new one: the e2e suite reads their text. */
  downloadTerminals: ReadonlySet<DownloadTerminal>;
  onDidOpenDownloadTerminal: vscode.Event<DownloadTerminal>;
  /** Fires with each plan of "Download Missing Models". */
  onDidPlanDownloads: vscode.Event<DownloadPlan>;
  downloadsView: DownloadsTreeProvider;
}

export async function activate(context: vscode.ExtensionContext): Promise<ComfyModelsApi> {
  const began = performance.now();
  const log = vscode.window.createOutputChannel('Comfy Models', { log: true });
  const statusBar = new IndexStatusBar();
  const statusEmitter = new vscode.EventEmitter<StatusResult>();
  // Creating the client spawns nothing: the server process starts with client.start().
  const client = createLanguageClient(context, log);

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

  let startedBecause: string | undefined;
  let markReady!: (p: Promise<StatusResult>) => void;
  const ready = new Promise<StatusResult>((resolve) => (markReady = resolve));
  const start = (why: string): Promise<StatusResult> => {
    if (startedBecause === undefined) {
      startedBecause = why;
      log.info(`Starting the language server: ${why}`);
      statusBar.show();
      markReady(
        (async () => {
          await client.start();
          context.subscriptions.push(client.onNotification(IndexChangedNotification.type, onStatus));
          // Tokens before any download can start; then the downloads of earlier sessions.
          await sendTokens(ctx);
          await downloads.attach(client);
          listenForChanges(client, views, context.subscriptions);
          const status = await client.sendRequest(StatusRequest.type);
          onStatus(status);
          log.info(`Language server ready: ${status.models} models indexed (${status.indexPath})`);
          return status;
        })(),
      );
    }
    return ready;
  };
  ready.catch((err) => {
    log.error(`The Comfy Models language server failed to start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    void vscode.window.showErrorMessage('Comfy Models: the language server failed to start. See the log.', 'Show Log').then((p) => p && log.show());
  });

  const downloads = new DownloadsModel();
  const downloadsView = new DownloadsTreeProvider(downloads);
  context.subscriptions.push(log, statusBar, statusEmitter, client, downloads, downloadsView);
  // The views ask the server for their rows: showing one is a reason to run it.
  const views = createViews(
    () => start('a Comfy Models view asked for its rows').then(() => client),
    (id) => void start(`view ${id} shown`).catch(() => undefined),
    downloadsView,
    context.subscriptions,
  );
  const reports = new ReportPanels(() => ctx);
  context.subscriptions.push(reports);
  const ctx: Ctx = { extension: context, log, client, statusBar, views, downloads, reports, start };
  context.subscriptions.push(...registerCommands(ctx), ...registerShare(ctx), registerDownloadTasks(ctx), watchTokens(ctx));
  trackWalkthrough(views, downloads, statusEmitter.event, context.globalState, context.subscriptions);
  context.subscriptions.push(watchOpenDocuments((doc) => void start(`${vscode.workspace.asRelativePath(doc.uri)} is open`).catch(() => undefined)));

  const scan = new vscode.CancellationTokenSource();
  context.subscriptions.push(scan);
  const workspaceScanned = findComfyFile(scan.token).then(
    (uri) => {
      if (uri) {
        void start(`${vscode.workspace.asRelativePath(uri)} is in the workspace`).catch(() => undefined);
        showSidebarOnce(context);
      }
      return uri;
    },
    (err) => {
      log.warn(`Looking for ComfyUI files failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    },
  );

  const activationMs = performance.now() - began;
  log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return {
    ctx, ready, onDidChangeStatus: statusEmitter.event, activationMs, startedBecause: () => startedBecause, workspaceScanned,
    downloadTerminals, onDidOpenDownloadTerminal, onDidPlanDownloads, downloadsView,
  };
}

/**
 * The first time the extension runs in a ComfyUI workspace, show its sidebar: that is where a new user
 * starts. Not in other workspaces: a visible view starts the language server.
 */
function showSidebarOnce(context: vscode.ExtensionContext): void {
  if (context.globalState.get(SIDEBAR_SHOWN)) return;
  void context.globalState.update(SIDEBAR_SHOWN, true);
  void vscode.commands.executeCommand('workbench.view.extension.comfyModels');
}

export function deactivate(): void {
  // The language client is in context.subscriptions: VS Code stops it on dispose.
}
