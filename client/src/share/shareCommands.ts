// The sharing commands (issue 14), spread into the one command table (commands.ts). Downloads and finding
// sources go through the downloads feature's commands (`comfyModels.startDownloads`, `comfyModels.findSources`).
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  DeleteDuplicateRequest, DownloadCommands, ExportManifestRequest, formatSize, HealthRequest, InstallPlanRequest, LinkComfyuiRequest,
  ResolveManifestRequest, ShareCommands, ShareViews, UseLocalFileRequest, type DownloadItem,
} from '../../../server/src/protocol';
import { LSPErrorCodes, ResponseError, type WorkspaceEdit } from 'vscode-languageclient/node';
import type { CommandHandler } from '../commands';
import type { Ctx } from '../ctx';
import { pickModel } from '../palette';
import { openEmbeddedWorkflow } from './embeddedWorkflow';
import type { ManifestReportProvider, ReportNode, ReportRow } from './manifestReport';

/** Write actions refuse to run in an untrusted workspace (their menus are hidden there too). */
function requireTrust(what: string): void {
  if (!vscode.workspace.isTrusted) throw new Error(`${what} writes files: trust this workspace first`);
}

/** The report tree the row commands act on; set when the view is registered. */
export const shareState: { report?: ManifestReportProvider } = {};

async function applyEdit(ctx: Ctx, edit: WorkspaceEdit): Promise<boolean> {
  return vscode.workspace.applyEdit(await ctx.client.protocol2CodeConverter.asWorkspaceEdit(edit));
}

/** The manifest to work on: the argument, the active pyproject.toml, else one found in the workspace. */
async function manifestUri(arg?: unknown): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active && path.basename(active.fsPath) === 'pyproject.toml') return active;
  const found = await vscode.workspace.findFiles('**/pyproject.toml', '**/node_modules/**', 20);
  if (found.length === 1) return found[0];
  if (found.length > 1) {
    const pick = await vscode.window.showQuickPick(found.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), { placeHolder: 'Which manifest?' });
    return pick?.uri;
  }
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Manifest: ['toml'] }, openLabel: 'Use Manifest' });
  return picked?.[0];
}

/** A report row as a download: into the folder the report shows (its root, the manifest's subfolder). */
const downloadItem = (r: ReportRow): DownloadItem => ({
  url: r.source!.url,
  ...(r.category ? { category: r.category } : {}),
  ...(r.targetRoot ? { root: r.targetRoot } : {}),
  ...(r.subfolder ? { subfolder: r.subfolder } : {}),
  ...(r.size !== null ? { size: r.size } : {}),
  ...(r.filename ? { fileName: r.filename } : {}),
});

async function resolveManifest(ctx: Ctx, arg?: unknown) {
  const uri = await manifestUri(arg);
  if (!uri) return undefined;
  const report = await vscode.window.withProgress({ location: { viewId: ShareViews.manifestReport }, title: 'Resolving manifest' }, (_p, token) =>
    ctx.client.sendRequest(ResolveManifestRequest.type, { manifestUri: uri.toString() }, token),
  );
  await shareState.report?.show(uri, report);
  await vscode.commands.executeCommand(`${ShareViews.manifestReport}.focus`);
  return report;
}

/** "Use this file": after the user confirmed, map the manifest model to the local file and resolve again. */
async function useLocalFile(ctx: Ctx, row: ReportRow, file: string): Promise<boolean> {
  requireTrust('Using a local file');
  const manifest = shareState.report?.manifestUri;
  if (!manifest) return false;
  const ok = await vscode.window.showWarningMessage(
    `Use ${file} for ${row.filename ?? row.hash}?`,
    { modal: true, detail: 'Only the file name matches: its content differs from the model the manifest records (or is not known). Workflows mapped to that model will use this file.' },
    'Use This File',
  );
  if (ok !== 'Use This File') return false;
  const edit = await ctx.client.sendRequest(UseLocalFileRequest.type, { manifestUri: manifest.toString(), hash: row.hash, path: file });
  if (!edit || !(await applyEdit(ctx, edit))) throw new Error(`the manifest could not be edited to use ${file}`);
  await vscode.workspace.textDocuments.find((d) => d.uri.toString() === manifest.toString())?.save();
  await resolveManifest(ctx, manifest);
  return true;
}

async function deleteCopy(ctx: Ctx, file: string): Promise<boolean> {
  requireTrust('Deleting a copy');
  const ok = await vscode.window.showWarningMessage(`Delete ${file}?`, { modal: true, detail: 'Another copy of this model stays on disk. The file is deleted, not moved to the trash.' }, 'Delete');
  if (ok !== 'Delete') return false;
  await ctx.client.sendRequest(DeleteDuplicateRequest.type, { path: file });
  return true;
}

export const SHARE_COMMANDS: Record<string, CommandHandler> = {
  [ShareCommands.exportManifest]: async (ctx, arg?: unknown) => {
    requireTrust('Export');
    const uri = await manifestUri(arg);
    if (!uri) return undefined;
    const full = await vscode.window.showQuickPick(
      [{ label: 'Fill full hashes (reads model files)', full: true }, { label: 'Only what the index knows', full: false }],
      { placeHolder: 'Full hashes (SHA-256 + BLAKE3) let another machine verify its files' },
    );
    if (!full) return undefined;
    let result;
    try {
      result = await ctx.client.sendRequest(ExportManifestRequest.type, { manifestUri: uri.toString(), computeFullHashes: full.full });
    } catch (err) {
      // Cancelled from the progress notification: nothing was written.
      if (err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled) return void vscode.window.showInformationMessage('Export cancelled: the manifest is unchanged.');
      throw err;
    }
    if (result.edit) await applyEdit(ctx, result.edit);
    for (const w of result.warnings) ctx.log.warn(`export: ${w}`);
    const summary = result.changed ? `Exported ${vscode.workspace.asRelativePath(uri)}: ${result.models.length} models.` : `${vscode.workspace.asRelativePath(uri)} had nothing to add.`;
    if (result.withoutSource.length) {
      const pick = await vscode.window.showWarningMessage(`${summary} ${result.withoutSource.length} model(s) have no known source: ${result.withoutSource.slice(0, 3).join(', ')}${result.withoutSource.length > 3 ? ', …' : ''}`, 'Find Sources for Local Models');
      if (pick) await vscode.commands.executeCommand(DownloadCommands.findSources);
    } else void vscode.window.showInformationMessage(summary);
    return result;
  },

  [ShareCommands.resolveManifest]: (ctx, arg?: unknown) => resolveManifest(ctx, arg),

  [ShareCommands.revealModel]: async (_ctx, node: ReportNode) => {
    if (!node?.row?.path) return undefined;
    const uri = vscode.Uri.file(node.row.path);
    // Model files are binary: show where the file is, in the Explorer when the workspace holds it.
    await vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS', uri);
    return uri;
  },

  [ShareCommands.downloadModel]: async (_ctx, node: ReportNode) => {
    requireTrust('Downloading');
    if (!node?.row?.source) return false;
    await vscode.commands.executeCommand(DownloadCommands.startDownloads, [downloadItem(node.row)]);
    return true;
  },

  [ShareCommands.downloadAll]: async () => {
    requireTrust('Downloading');
    const report = shareState.report?.report;
    const rows = report?.rows.filter((r) => r.status === 'downloadable' && r.source && !r.unsafe) ?? [];
    if (!report || !rows.length) return void vscode.window.showInformationMessage('Nothing to download.');
    const t = report.totals;
    const space = report.targets.map((s) => `${s.folder}: ${formatSize(s.downloadBytes)} to download, ${s.freeBytes === null ? 'free space unknown' : `${formatSize(s.freeBytes)} free`}${s.fits ? '' : ' — does not fit'}`);
    const ok = await vscode.window.showInformationMessage(
      `Download ${rows.length} model(s), ${formatSize(t.downloadBytes)}${t.unknownSizes ? ` (+${t.unknownSizes} of unknown size)` : ''}?`,
      { modal: true, detail: space.join('\n') },
      'Download All',
    );
    if (ok !== 'Download All') return false;
    await vscode.commands.executeCommand(DownloadCommands.startDownloads, rows.map(downloadItem));
    return true;
  },

  [ShareCommands.useLocalFile]: async (ctx, node: ReportNode, chosen?: string) => {
    const row = node?.row;
    if (!row?.candidates?.length) return false;
    const file = chosen ?? (row.candidates.length === 1 ? row.candidates[0] : await vscode.window.showQuickPick(row.candidates, { placeHolder: `Which file is ${row.filename}?` }));
    return file ? useLocalFile(ctx, row, file) : false;
  },

  [ShareCommands.searchModel]: async (ctx, node: ReportNode) => {
    const row = node?.row;
    if (!row) return false;
    const picked = await pickModel(ctx, { category: row.category, similarTo: row.filename ?? undefined, title: `A local file for ${row.filename ?? row.hash}` });
    return picked ? useLocalFile(ctx, row, path.join(picked.root, picked.relativePath)) : false;
  },

  [ShareCommands.showInstallPlan]: async (ctx, arg?: unknown) => {
    const uri = typeof arg === 'string' ? arg : arg instanceof vscode.Uri ? arg.toString() : vscode.window.activeTextEditor?.document.uri.toString();
    if (!uri) return void vscode.window.showInformationMessage('Open a workflow first.');
    const plan = await ctx.client.sendRequest(InstallPlanRequest.type, { uri });
    await ctx.reports.showPlan(plan);
    return plan;
  },

  [ShareCommands.openEmbeddedWorkflow]: (_ctx, file?: vscode.Uri) => openEmbeddedWorkflow(file),

  [ShareCommands.libraryHealth]: async (ctx) => {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!folder) return void vscode.window.showInformationMessage('Open a folder first: its workflows decide which models are unused.');
    const health = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Comfy Models: checking the library' }, (_p, token) =>
      ctx.client.sendRequest(HealthRequest.type, { projectDir: folder }, token),
    );
    // Its duplicate copies carry a Delete button: no extra toast.
    await ctx.reports.showHealth(health);
    return health;
  },

  [ShareCommands.deleteDuplicateCopy]: (ctx, file: string) => (typeof file === 'string' ? deleteCopy(ctx, file) : false),

  [ShareCommands.linkComfyui]: async (ctx) => {
    requireTrust('Linking');
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Link ComfyUI Install' });
    if (!picked?.[0]) return undefined;
    const r = await ctx.client.sendRequest(LinkComfyuiRequest.type, { comfyuiDir: picked[0].fsPath, unlink: false });
    void vscode.window.showInformationMessage(r.changed ? `Linked: ${r.path} lists ${r.roots} model folder(s).` : `Already linked: ${r.path}.`);
    return r;
  },

  [ShareCommands.unlinkComfyui]: async (ctx) => {
    requireTrust('Unlinking');
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Unlink ComfyUI Install' });
    if (!picked?.[0]) return undefined;
    const r = await ctx.client.sendRequest(LinkComfyuiRequest.type, { comfyuiDir: picked[0].fsPath, unlink: true });
    void vscode.window.showInformationMessage(r.changed ? `Unlinked: ${r.path}.` : `${r.path} has no Comfy Models section.`);
    return r;
  },
};
