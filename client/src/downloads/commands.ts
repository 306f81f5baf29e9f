// The download commands (DESIGN.md §9): tokens, Download Model from URL…, Download Missing Models (a plan
// first), Search Online…, and the Downloads view's context actions. Part of the one table in commands.ts.
import * as vscode from 'vscode';
import {
  CancelDownloadRequest,
  categoryChoices,
  DownloadCommands,
  FindSourcesRequest,
  ListRepoFilesRequest,
  PlanDownloadsRequest,
  RemoveDownloadRequest,
  ResumeDownloadRequest,
  SearchOnlineRequest,
  type DownloadInfo,
  type DownloadItem,
  type DownloadPlan,
  type OnlineHit,
  type PlannedDownload,
  type PlannedTarget,
} from '../../../server/src/protocol';
import type { CommandHandler } from '../commands';
import type { Ctx } from '../ctx';
import { formatBytes } from './model';
import { requireDownloadTrust, startDownloads } from './task';
import { setToken } from './tokens';

/** A category for a download, one entry per folder ComfyUI reads (alias folders named in the description). */
async function pickCategory(title: string, first?: string): Promise<string | undefined> {
  const items: vscode.QuickPickItem[] = [
    ...(first ? [{ label: first }] : []),
    ...categoryChoices().map((c) => ({ label: c.category, description: c.aliases.length ? `also read from ${c.aliases.join(', ')}/` : undefined })),
  ];
  return (await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true }))?.label;
}

async function downloadFromUrl(ctx: Ctx, url?: string): Promise<unknown> {
  requireDownloadTrust();
  url ??= await vscode.window.showInputBox({
    title: 'Comfy Models: Download Model from URL',
    prompt: 'A CivitAI model/version URL, a Hugging Face resolve/blob URL, or any http(s) URL',
    placeHolder: 'https://huggingface.co/org/repo/resolve/main/model.safetensors',
    ignoreFocusOut: true,
    validateInput: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) ? undefined : 'Enter an http(s) URL'),
  });
  if (!url) return undefined;
  const auto = 'Let CivitAI tell (model type)';
  const category = await pickCategory('Model folder (category)', auto);
  if (!category) return undefined;
  return startDownloads(ctx, [{ url: url.trim(), ...(category === auto ? {} : { category }) }]);
}

/** The total, and the free space of each root the downloads go to (NOT ENOUGH when they do not fit there). */
function spaceText(plan: DownloadPlan): string {
  const needed = new Map<string, number>();
  for (const d of plan.downloads) if (!d.problem && d.item.root) needed.set(d.item.root, (needed.get(d.item.root) ?? 0) + (d.size ?? 0));
  const free = Object.entries(plan.freeBytes)
    .filter(([root]) => !needed.size || needed.has(root))
    .map(([root, bytes]) => `${formatBytes(bytes)} free in ${root}${bytes < (needed.get(root) ?? 0) ? ' (NOT ENOUGH)' : ''}`);
  return [`Total ${formatBytes(plan.totalBytes)}`, ...free].join(' · ');
}

interface PlanPick extends vscode.QuickPickItem {
  download?: PlannedDownload;
  target?: PlannedTarget;
}

const CHANGE_FOLDER: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('folder-opened'), tooltip: 'Change Target Folder' };

function planItems(plan: DownloadPlan): PlanPick[] {
  const items: PlanPick[] = plan.downloads.map((d) => ({
    download: d,
    label: d.reference,
    description: `${d.size !== undefined ? formatBytes(d.size) : 'size unknown'} · ${d.host}`,
    detail: d.problem ? `cannot download: ${d.problem}` : `→ ${d.targetDir}`,
    buttons: !d.problem && d.targets.length > 1 ? [CHANGE_FOLDER] : [],
  }));
  if (plan.withoutSource.length) {
    items.push({ label: 'No download source known', kind: vscode.QuickPickItemKind.Separator });
    items.push(...plan.withoutSource.map((name) => ({ label: name, description: 'search for it with Search Online…' })));
  }
  return items;
}

/**
 * The plan as a multi-select QuickPick: each model with its size, source host and target folder; the total
 * and free space in the title. A model's folder button switches the same QuickPick to the folders it may go
 * to (one per model root that takes its category); picking one, or Back, returns to the plan.
 */
function choose(plan: DownloadPlan): Promise<PlannedDownload[] | undefined> {
  const pick = vscode.window.createQuickPick<PlanPick>();
  pick.ignoreFocusOut = true;
  let checked = new Set(plan.downloads.filter((d) => !d.problem));
  let choosingFor: PlannedDownload | undefined;
  const showPlan = () => {
    choosingFor = undefined;
    pick.title = `Download Missing Models — ${spaceText(plan)}`;
    pick.placeholder = 'The checked models are downloaded in parallel (Enter); Escape cancels';
    pick.buttons = [];
    pick.canSelectMany = true;
    pick.items = planItems(plan);
    pick.selectedItems = pick.items.filter((i) => i.download && checked.has(i.download));
  };
  const showFolders = (d: PlannedDownload) => {
    checked = new Set(pick.selectedItems.flatMap((i) => (i.download ? [i.download] : [])));
    choosingFor = d;
    pick.title = `Target folder for ${d.reference}`;
    pick.placeholder = 'The folder it is downloaded into (Back returns to the plan)';
    pick.buttons = [vscode.QuickInputButtons.Back];
    pick.canSelectMany = false;
    pick.items = d.targets.map((t) => ({
      target: t,
      label: t.folder,
      description: t.freeBytes !== undefined ? `${formatBytes(t.freeBytes)} free` : 'free space unknown',
      detail: t.folder === d.targetDir ? 'the current choice' : undefined,
    }));
    pick.activeItems = pick.items.filter((i) => i.target?.folder === d.targetDir);
  };
  showPlan();
  return new Promise((resolve) => {
    let chosen: PlannedDownload[] | undefined;
    pick.onDidTriggerItemButton(({ item }) => item.download && showFolders(item.download));
    pick.onDidTriggerButton(() => showPlan());
    pick.onDidAccept(() => {
      if (choosingFor) {
        const target = pick.selectedItems[0]?.target ?? pick.activeItems[0]?.target;
        if (target) {
          choosingFor.targetDir = target.folder;
          choosingFor.item = { ...choosingFor.item, root: target.root };
        }
        return showPlan();
      }
      chosen = pick.selectedItems.flatMap((i) => (i.download && !i.download.problem ? [i.download] : []));
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(chosen);
    });
    pick.show();
  });
}

/** The plan for the current workflow, then (when confirmed) one task per chosen model. Returns the plan. */
async function downloadMissing(ctx: Ctx, uri?: vscode.Uri): Promise<DownloadPlan | undefined> {
  requireDownloadTrust();
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target) throw new Error('open a ComfyUI workflow first');
  const plan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Comfy Models: planning downloads', cancellable: true }, (_p, token) =>
    ctx.client.sendRequest(PlanDownloadsRequest.type, { uri: ctx.client.code2ProtocolConverter.asUri(target) }, token),
  );
  planned.fire(plan);
  if (!plan.downloads.length) {
    const none = plan.withoutSource.length ? ` No download source is known for ${plan.withoutSource.join(', ')}.` : '';
    void vscode.window.showInformationMessage(`Comfy Models: nothing to download for this workflow.${none}`);
    return plan;
  }
  const chosen = await choose(plan);
  if (chosen?.length) await startDownloads(ctx, chosen.map((d) => d.item));
  return plan;
}

const planned = new vscode.EventEmitter<DownloadPlan>();
/** Fires with each plan "Download Missing Models" shows (the e2e suite reads it). */
export const onDidPlanDownloads = planned.event;

interface HitPick extends vscode.QuickPickItem {
  hit: OnlineHit;
}

async function searchOnline(ctx: Ctx, query?: string): Promise<unknown> {
  requireDownloadTrust();
  query ??= await vscode.window.showInputBox({ title: 'Comfy Models: Search Online (CivitAI and Hugging Face)', prompt: 'Model name', ignoreFocusOut: true });
  if (!query?.trim()) return undefined;
  const { hits, errors } = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Searching CivitAI and Hugging Face for '${query}'`, cancellable: true }, (_p, token) =>
    ctx.client.sendRequest(SearchOnlineRequest.type, { query: query!.trim() }, token),
  );
  // One message, not a toast per provider plus an empty picker: offline, both providers fail alike.
  if (!hits.length) {
    const why = errors.length ? `: ${errors.join('; ')}` : '.';
    const text = `Comfy Models: ${errors.length ? 'Search Online found nothing' : `no online results for '${query}'`}${why}`;
    void (errors.length ? vscode.window.showErrorMessage(text) : vscode.window.showInformationMessage(text));
    return { hits, errors };
  }
  if (errors.length) void vscode.window.showWarningMessage(`Comfy Models: some online results are missing: ${errors.join('; ')}`);
  const items: HitPick[] = hits.map((hit) => ({
    hit,
    label: hit.fileName ?? hit.title,
    description: [hit.provider === 'civitai' ? 'CivitAI' : 'Hugging Face', hit.modelType, hit.baseModel, hit.size !== undefined ? formatBytes(hit.size) : undefined].filter(Boolean).join(' · '),
    detail: hit.fileName ? hit.title : hit.downloadUrl ? undefined : 'pick one of its files next',
  }));
  const pick = await vscode.window.showQuickPick(items, { title: `Online results for '${query}'`, matchOnDescription: true, matchOnDetail: true });
  if (!pick) return undefined;
  let { hit } = pick;
  if (!hit.downloadUrl && hit.provider === 'huggingface') {
    // A Hub hit is a repo: pick one of its model files (size and SHA-256 from the tree listing).
    const files = await ctx.client.sendRequest(ListRepoFilesRequest.type, { repo: hit.title });
    const file = await vscode.window.showQuickPick(
      files.map((f) => ({ label: f.path, description: formatBytes(f.size), file: f })),
      { title: `Model files in ${hit.title}`, placeHolder: files.length ? undefined : 'no model files in this repository' },
    );
    if (!file) return undefined;
    hit = { ...hit, fileName: file.file.path.split('/').pop(), size: file.file.size, sha256: file.file.sha256, downloadUrl: file.file.downloadUrl };
  }
  if (!hit.downloadUrl) return vscode.env.openExternal(vscode.Uri.parse(hit.pageUrl));
  const category = hit.category ?? (await pickCategory(`Model folder for ${hit.fileName ?? hit.title}`));
  if (!category) return undefined;
  const item: DownloadItem = { url: hit.downloadUrl, category, ...(hit.fileName ? { fileName: hit.fileName } : {}), ...(hit.sha256 ? { sha256: hit.sha256.toLowerCase() } : {}) };
  return startDownloads(ctx, [item]);
}

/** The server shows the progress (hashing, then lookups) with a Cancel button; cancelling keeps the hashes computed so far. */
async function findSources(ctx: Ctx): Promise<unknown> {
  requireDownloadTrust();
  const r = await ctx.client.sendRequest(FindSourcesRequest.type);
  void vscode.window.showInformationMessage(
    r.models ? `Comfy Models: ${r.found} of ${r.models} model${r.models === 1 ? '' : 's'} without a source found on CivitAI (${r.hashed} hashed now).` : 'Comfy Models: every local model already has a source.',
  );
  return r;
}

async function resume(ctx: Ctx, info: DownloadInfo): Promise<void> {
  requireDownloadTrust();
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
