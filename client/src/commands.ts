// Every command of the extension, in one table. Each handler gets the extension context object and the
// command's arguments (a tree row, a palette pick, or what a script passes).
import * as vscode from 'vscode';
import { type ReferenceTarget, SearchCommands, StatusCommands, StatusRequest, SyncIndexRequest, TreeCommands, TreeViews } from '../../server/src/protocol';
import type { Ctx } from './ctx';
import { DOWNLOAD_COMMANDS } from './downloads/commands';
import { SHARE_COMMANDS } from './share/shareCommands';
import {
  addToManifest, computeFullHashes, deleteCopy, listManifestModels, modelArg, modelRefOf, removeFromManifest, revealInView, showDuplicates, showSources,
} from './modelActions';
import { resolveReferenceInteractively, searchModels } from './palette';
import { commandRan } from './walkthrough';
import { filterModels, setGrouping } from './views/modelsFilter';
import { fixReference, openReference } from './views/workflowActions';

export type CommandHandler = (ctx: Ctx, ...args: any[]) => unknown;

/**
 * Where `modelDirectories` is set: a workspace (folder) value overrides the user's, so a change must go
 * where the effective value comes from, else it would have no effect.
 */
function directoriesTarget(config: vscode.WorkspaceConfiguration): vscode.ConfigurationTarget {
  const where = config.inspect<string[]>('modelDirectories');
  if (where?.workspaceValue !== undefined || where?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

/** Folders from a command argument (a Uri, a path, or a list of them), else from an open dialog. */
async function foldersArg(arg: unknown): Promise<string[]> {
  const given = (Array.isArray(arg) ? arg : arg ? [arg] : []).map((x) => (x instanceof vscode.Uri ? x.fsPath : typeof x === 'string' ? x : undefined));
  if (given.length && given.every((x) => x)) return given as string[];
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: true, openLabel: 'Add Model Folder' });
  return (picked ?? []).map((u) => u.fsPath);
}

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
    vscode.window.withProgress({ location: { viewId: TreeViews.models }, title: 'Syncing model index' }, () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Comfy Models: syncing the model index', cancellable: true }, (_progress, token) =>
        ctx.client.sendRequest(SyncIndexRequest.type, token),
      ),
    ),

  /** Quick fix "Search model index…": the argument is the reference to resolve. */
  [SearchCommands.searchIndex]: (ctx, reference: ReferenceTarget) => resolveReferenceInteractively(ctx, reference),

  /** Adds folders (a Uri / path argument, else a dialog) to `comfyModels.modelDirectories`; the server re-syncs on the change. */
  [StatusCommands.addModelFolder]: async (_ctx, arg?: unknown) => {
    const folders = await foldersArg(arg);
    if (!folders.length) return undefined;
    const config = vscode.workspace.getConfiguration('comfyModels');
    const dirs = new Set(config.get<string[]>('modelDirectories', []));
    folders.forEach((f) => dirs.add(f));
    await config.update('modelDirectories', [...dirs], directoriesTarget(config));
    return [...dirs];
  },

  [StatusCommands.removeModelFolder]: async (_ctx, arg?: unknown) => {
    const config = vscode.workspace.getConfiguration('comfyModels');
    const dirs = config.get<string[]>('modelDirectories', []);
    if (!dirs.length) return void vscode.window.showInformationMessage('No model folders are configured.');
    const given = arg instanceof vscode.Uri ? arg.fsPath : typeof arg === 'string' ? arg : undefined;
    const pick = given ?? (await vscode.window.showQuickPick(dirs, { placeHolder: 'Model folder to remove from the index' }));
    if (!pick) return undefined;
    await config.update('modelDirectories', dirs.filter((d) => d !== pick), directoriesTarget(config));
    return dirs.filter((d) => d !== pick);
  },

  ...DOWNLOAD_COMMANDS,
  ...SHARE_COMMANDS,

  [TreeCommands.searchModels]: (ctx) => searchModels(ctx),
  [TreeCommands.filterModels]: (ctx) => filterModels(ctx),
  [TreeCommands.clearModelFilter]: (ctx) => filterModels(ctx, ''),
  [TreeCommands.groupByRoot]: (ctx) => setGrouping(ctx, 'root'),
  [TreeCommands.groupByCategory]: (ctx) => setGrouping(ctx, 'category'),
  [TreeCommands.groupByBaseModel]: (ctx) => setGrouping(ctx, 'baseModel'),
  [TreeCommands.loadMore]: (ctx, node) => ctx.views.models.loadMore(node),

  [TreeCommands.copyModelName]: async (ctx, arg) => {
    const model = await modelArg(ctx, arg, 'Copy Model Name');
    if (!model) return undefined;
    await vscode.env.clipboard.writeText(model.name);
    vscode.window.setStatusBarMessage(`Copied ${model.name}`, 3000);
    return model.name;
  },
  [TreeCommands.copyModelHash]: async (ctx, arg) => {
    const model = await modelArg(ctx, arg, 'Copy Model Hash');
    if (!model) return undefined;
    await vscode.env.clipboard.writeText(model.hash);
    vscode.window.setStatusBarMessage(`Copied ${model.hash}`, 3000);
    return model.hash;
  },
  [TreeCommands.revealModelInOS]: (_ctx, arg) => {
    const path = modelRefOf(arg)?.path;
    return path && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path));
  },
  [TreeCommands.revealModelInExplorer]: (_ctx, arg) => {
    const path = modelRefOf(arg)?.path;
    return path && vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path));
  },
  [TreeCommands.revealModelInView]: async (ctx, arg) => {
    const model = await modelArg(ctx, arg, 'Reveal Model');
    return model && revealInView(ctx, model);
  },
  [TreeCommands.insertModelName]: async (ctx, arg) => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return void vscode.window.showInformationMessage('Comfy Models: open an editor to insert a model name into.');
    const model = await modelArg(ctx, arg, 'Insert Model Name');
    return model && editor.edit((b) => editor.selections.forEach((s) => b.replace(s, model.name)));
  },
  [TreeCommands.computeFullHashes]: (ctx, arg) => computeFullHashes(ctx, arg),
  [TreeCommands.addModelToManifest]: (ctx, arg) => addToManifest(ctx, arg, 'required'),
  [TreeCommands.addModelToManifestOptional]: (ctx, arg) => addToManifest(ctx, arg, 'optional'),
  [TreeCommands.removeModelFromManifest]: (ctx, arg) => removeFromManifest(ctx, arg),
  [TreeCommands.listManifestModels]: (ctx) => listManifestModels(ctx),
  [TreeCommands.showModelSources]: (ctx, arg) => showSources(ctx, arg),
  [TreeCommands.deleteModelCopy]: (ctx, arg) => deleteCopy(ctx, arg),
  [TreeCommands.showDuplicates]: (ctx) => showDuplicates(ctx),

  [TreeCommands.refreshWorkflows]: (ctx) => ctx.views.workflows.refresh(),
  [TreeCommands.openReference]: (_ctx, node) => openReference(node),
  [TreeCommands.fixReference]: (ctx, node) => fixReference(ctx, node),
};

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, handler]) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        commandRan(id);
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
