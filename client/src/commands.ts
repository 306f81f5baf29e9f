// Every command of the extension, in one table. Each handler gets the extension context object.
import * as vscode from 'vscode';
import { type ReferenceTarget, SearchCommands, StatusCommands, StatusRequest, StatusSettings, StatusViews, SyncIndexRequest } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { resolveReferenceInteractively } from './searchPalette';
import { DOWNLOAD_COMMANDS } from './downloads/commands';
import { SHARE_COMMANDS } from './share/shareCommands';

export type CommandHandler = (ctx: Ctx, ...args: any[]) => unknown;

export const COMMANDS: Record<string, CommandHandler> = {
  [StatusCommands.showLog]: (ctx) => ctx.log.show(),

  [StatusCommands.showIndexStatus]: async (ctx) => {
    const s = await ctx.client.sendRequest(StatusRequest.type);
    const text = `Comfy Models ${s.version}: ${s.models} models, ${s.locations} files in ${s.roots.length} root(s), index ${s.state}.`;
    void vscode.window.showInformationMessage(text, 'Show Log').then((pick) => pick && ctx.log.show());
    return s;
  },

  /** Cancelling the notification cancels the request: the server stops the sync and keeps what it hashed. */
  [StatusCommands.syncIndex]: (ctx) =>
    vscode.window.withProgress({ location: { viewId: StatusViews.models }, title: 'Syncing model index' }, () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Comfy Models: syncing the model index', cancellable: true }, (_progress, token) =>
        ctx.client.sendRequest(SyncIndexRequest.type, token),
      ),
    ),

  /** Quick fix "Search model index…": the argument is the reference to resolve. */
  [SearchCommands.searchIndex]: (ctx, reference: ReferenceTarget) => resolveReferenceInteractively(ctx, reference),

  [StatusCommands.addModelFolder]: async () => {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: true, openLabel: 'Add Model Folder' });
    if (!picked?.length) return;
    const config = vscode.workspace.getConfiguration();
    const dirs = new Set(config.get<string[]>(StatusSettings.modelDirectories, []));
    for (const uri of picked) dirs.add(uri.fsPath);
    await config.update(StatusSettings.modelDirectories, [...dirs], vscode.ConfigurationTarget.Global);
  },

  [StatusCommands.removeModelFolder]: async () => {
    const config = vscode.workspace.getConfiguration();
    const dirs = config.get<string[]>(StatusSettings.modelDirectories, []);
    if (!dirs.length) return void vscode.window.showInformationMessage('No model folders are configured.');
    const pick = await vscode.window.showQuickPick(dirs, { placeHolder: 'Model folder to remove from the index' });
    if (!pick) return;
    await config.update(StatusSettings.modelDirectories, dirs.filter((d) => d !== pick), vscode.ConfigurationTarget.Global);
  },

  ...DOWNLOAD_COMMANDS,
  ...SHARE_COMMANDS,
};

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        // Every Comfy Models command is a reason to run the server.
        await ctx.start(`command ${id}`);
        return await handler(ctx, ...args);
      } catch (err) {
        ctx.log.error(`${id} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        void vscode.window.showErrorMessage(`Comfy Models: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    }),
  );
}
