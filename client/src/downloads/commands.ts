// The download commands (DESIGN.md §9): tokens, Download Model from URL…, Download Missing Models (a plan
// first), Search Online…, and the Downloads view's context actions. Part of the one table in commands.ts.
import * as vscode from 'vscode';
import {
  CancelDownloadRequest,
  DownloadCommands,
  FindSourcesRequest,
  PlanDownloadsRequest,
  RemoveDownloadRequest,
  ResumeDownloadRequest,
  SearchOnlineRequest,
  type DownloadInfo,
  type DownloadItem,
  type DownloadPlan,
  type OnlineHit,
} from '../../../server/src/protocol';
import type { CommandHandler } from '../commands';
import type { Ctx } from '../ctx';
import { formatBytes } from './model';
import { startDownloads } from './task';
import { setToken } from './tokens';

const CATEGORIES = ['checkpoints', 'loras', 'vae', 'controlnet', 'clip', 'clip_vision', 'text_encoders', 'diffusion_models', 'unet', 'upscale_models', 'embeddings', 'ipadapter', 'style_models', 'gligen', 'hypernetworks'];

function requireTrust(): void {
  if (!vscode.workspace.isTrusted) throw new Error('downloads are disabled in an untrusted workspace');
}

async function downloadFromUrl(ctx: Ctx, url?: string): Promise<unknown> {
  requireTrust();
  url ??= await vscode.window.showInputBox({
    title: 'Comfy Models: Download Model from URL',
    prompt: 'A CivitAI model/version URL, a Hugging Face resolve/blob URL, or any http(s) URL',
    placeHolder: 'https://huggingface.co/org/repo/resolve/main/model.safetensors',
    ignoreFocusOut: true,
    validateInput: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) ? undefined : 'Enter an http(s) URL'),
  });
  if (!url) return undefined;
  const auto = 'Let CivitAI tell (model type)';
  const category = await vscode.window.showQuickPick([auto, ...CATEGORIES], { title: 'Model folder (category)', ignoreFocusOut: true });
  if (!category) return undefined;
  return startDownloads(ctx, [{ url: url.trim(), ...(category === auto ? {} : { category }) }]);
}

function planText(plan: DownloadPlan): string {
  const lines = plan.downloads.map((d) => `• ${d.reference} — ${d.size !== undefined ? formatBytes(d.size) : 'size unknown'} from ${d.host} → ${d.targetDir ?? '?'}${d.problem ? ` (${d.problem})` : ''}`);
  if (plan.withoutSource.length) lines.push(`No download source known for: ${plan.withoutSource.join(', ')}`);
  lines.push(`Total: ${formatBytes(plan.totalBytes)}`);
  for (const [root, free] of Object.entries(plan.freeBytes)) lines.push(`Free space in ${root}: ${formatBytes(free)}${free < plan.totalBytes ? ' — NOT ENOUGH' : ''}`);
  return lines.join('\n');
}

/** The plan for the current workflow, then (when confirmed) one task per model. Returns the plan. */
async function downloadMissing(ctx: Ctx, uri?: vscode.Uri): Promise<DownloadPlan | undefined> {
  requireTrust();
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) throw new Error('open a ComfyUI workflow first');
  const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Comfy Models: planning downloads', cancellable: true }, (_p, token) =>
    ctx.client.sendRequest(PlanDownloadsRequest.type, { uri: ctx.client.code2ProtocolConverter.asUri(target) }, token),
  );
  planned.fire(plan);
  const ready = plan.downloads.filter((d) => !d.problem);
  if (!ready.length) {
    void vscode.window.showInformationMessage(`Comfy Models: nothing to download for this workflow.${plan.downloads.length || plan.withoutSource.length ? `\n${planText(plan)}` : ''}`);
    return plan;
  }
  const go = `Download ${ready.length} (${formatBytes(ready.reduce((n, d) => n + (d.size ?? 0), 0))})`;
  const pick = await vscode.window.showInformationMessage(`Download ${ready.length} missing model${ready.length === 1 ? '' : 's'}?`, { modal: true, detail: planText(plan) }, go);
  if (pick === go) await startDownloads(ctx, ready.map((d) => d.item));
  return plan;
}

const planned = new vscode.EventEmitter<DownloadPlan>();
/** Fires with each plan "Download Missing Models" shows (the e2e suite reads it). */
export const onDidPlanDownloads = planned.event;

interface HitPick extends vscode.QuickPickItem {
  hit: OnlineHit;
}

async function searchOnline(ctx: Ctx, query?: string): Promise<unknown> {
  requireTrust();
  query ??= await vscode.window.showInputBox({ title: 'Comfy Models: Search Online (CivitAI and Hugging Face)', prompt: 'Model name', ignoreFocusOut: true });
  if (!query?.trim()) return undefined;
  const { hits, errors } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Searching CivitAI and Hugging Face for '${query}'`, cancellable: true }, (_p, token) =>
    ctx.client.sendRequest(SearchOnlineRequest.type, { query: query!.trim() }, token),
  );
  for (const e of errors) void vscode.window.showWarningMessage(`Comfy Models: ${e}`);
  const items: HitPick[] = hits.map((hit) => ({
    hit,
    label: hit.fileName ?? hit.title,
    description: [hit.provider === 'civitai' ? 'CivitAI' : 'Hugging Face', hit.modelType, hit.baseModel, hit.size !== undefined ? formatBytes(hit.size) : undefined].filter(Boolean).join(' · '),
    detail: hit.fileName ? hit.title : hit.downloadUrl ? undefined : 'open the repository page to pick a file',
  }));
  const pick = await vscode.window.showQuickPick(items, { title: `Online results for '${query}'`, matchOnDescription: true, matchOnDetail: true });
  if (!pick) return undefined;
  const { hit } = pick;
  if (!hit.downloadUrl) return vscode.env.openExternal(vscode.Uri.parse(hit.pageUrl));
  const category = hit.category ?? (await vscode.window.showQuickPick(CATEGORIES, { title: `Model folder for ${hit.fileName ?? hit.title}` }));
  if (!category) return undefined;
  const item: DownloadItem = { url: hit.downloadUrl, category, ...(hit.fileName ? { fileName: hit.fileName } : {}), ...(hit.sha256 ? { sha256: hit.sha256.toLowerCase() } : {}) };
  return startDownloads(ctx, [item]);
}

/** The server shows the progress (hashing, then lookups) with a Cancel button; cancelling keeps the hashes computed so far. */
async function findSources(ctx: Ctx): Promise<unknown> {
  requireTrust();
  const r = await ctx.client.sendRequest(FindSourcesRequest.type);
  void vscode.window.showInformationMessage(
    r.models ? `Comfy Models: ${r.found} of ${r.models} model${r.models === 1 ? '' : 's'} without a source found on CivitAI (${r.hashed} hashed now).` : 'Comfy Models: every local model already has a source.',
  );
  return r;
}

async function resume(ctx: Ctx, info: DownloadInfo): Promise<void> {
  requireTrust();
  const updated = await ctx.client.sendRequest(ResumeDownloadRequest.type, { id: info.id });
  if (updated) ctx.downloads.update(updated);
}

export const DOWNLOAD_COMMANDS: Record<string, CommandHandler> = {
  [DownloadCommands.startDownloads]: (ctx, items: DownloadItem[]) => startDownloads(ctx, items),
  [DownloadCommands.downloadFromUrl]: (ctx, url?: string) => downloadFromUrl(ctx, typeof url === 'string' ? url : undefined),
  // From the palette (no argument), the code lens (a URI string) or the in-host tests (a Uri).
  [DownloadCommands.downloadMissing]: (ctx, uri?: vscode.Uri | string) => downloadMissing(ctx, typeof uri === 'string' ? vscode.Uri.parse(uri) : uri instanceof vscode.Uri ? uri : undefined),
  [DownloadCommands.searchOnline]: (ctx, query?: string) => searchOnline(ctx, typeof query === 'string' ? query : undefined),
  [DownloadCommands.findSources]: (ctx) => findSources(ctx),
  [DownloadCommands.setCivitaiToken]: (ctx) => setToken(ctx, 'civitai'),
  [DownloadCommands.setHuggingFaceToken]: (ctx) => setToken(ctx, 'huggingface'),
  [DownloadCommands.cancelDownload]: (ctx, info: DownloadInfo) => ctx.client.sendRequest(CancelDownloadRequest.type, { id: info.id }),
  [DownloadCommands.resumeDownload]: (ctx, info: DownloadInfo) => resume(ctx, info),
  [DownloadCommands.retryDownload]: (ctx, info: DownloadInfo) => resume(ctx, info),
  [DownloadCommands.revealDownload]: (_ctx, info: DownloadInfo) => info.path && vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(info.path)),
  [DownloadCommands.removeDownload]: async (ctx, info: DownloadInfo) => {
    await ctx.client.sendRequest(RemoveDownloadRequest.type, { id: info.id, deletePart: info.state !== 'finished' });
    ctx.downloads.forget(info.id);
  },
};
