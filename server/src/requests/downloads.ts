// The download requests (protocol/downloads.ts) over the server's DownloadHost: start, list, cancel,
// resume, remove, progress notifications, tokens, the plan of a workflow's missing models, online search.
import { basename } from 'node:path';
import { ResponseError, type Connection } from 'vscode-languageserver';
import { describeUrl } from '../core/providers/describe';
import { targetFolder } from '../core/download/target';
import { freeSpace, targetChoices } from '../core/share/diskSpace';
import { scrubUrl } from '../core/download/hosts';
import type { Logger } from '../core/log';
import type { DownloadHost } from '../engine/downloadHost';
import type { DownloadProgress, DownloadTask } from '../engine/downloads';
import type { ModelRoot } from '../core/roots';
import {
  CancelDownloadRequest,
  DownloadChangedNotification,
  ListDownloadsRequest,
  PlanDownloadsRequest,
  RemoveDownloadRequest,
  ResumeDownloadRequest,
  SearchOnlineRequest,
  SetTokensRequest,
  StartDownloadRequest,
  type DownloadInfo,
  type DownloadItem,
  type DownloadPlan,
  type FindSourcesResult,
  FindSourcesRequest,
  ListRepoFilesRequest,
  type OnlineHit,
  type PlannedDownload,
} from '../protocol/downloads';
import { hostOf } from '../lsp/format';
import { hasModelExtension } from '../core/categories';
import { beginWorkDoneProgress } from '../lsp/workDoneProgress';

export interface DownloadRequestDeps {
  host: DownloadHost;
  log: Logger;
  /** The client declared `window.workDoneProgress`. */
  showsProgress: boolean;
  roots(): readonly ModelRoot[];
  /** The downloadable missing models of an open workflow. */
  workflowDownloads(uri: string): Promise<{ downloads: { reference: string; item: DownloadItem }[]; withoutSource: string[] } | undefined>;
  /** Hash local models without a source and look them up on CivitAI (engine/findSources.ts). */
  findSources(signal: AbortSignal, onProgress: (phase: string, done: number, total: number) => void): Promise<FindSourcesResult>;
  /** Add the source to the manifest entry of the downloaded model, when it has one. */
  recordInManifest(manifestPath: string, quickHash: string, source: { type: string; url: string }): Promise<void>;
}

export function downloadInfo(task: DownloadTask, progress?: DownloadProgress): DownloadInfo {
  const name = (task.path ? basename(task.path) : task.request.fileName || basename(new URL(task.request.url).pathname)) || task.request.url;
  const info: DownloadInfo = { id: task.id, url: scrubUrl(task.request.url), state: task.state, name, bytes: task.bytes };
  if (task.category) info.category = task.category;
  if (task.path) info.path = task.path;
  if (task.total !== undefined) info.total = task.total;
  if (task.error) info.error = task.error;
  if (progress && task.state === 'running') {
    info.speed = progress.speed;
    if (progress.eta !== undefined) info.eta = progress.eta;
  }
  if (task.result) {
    info.sha256 = task.result.sha256;
    info.blake3 = task.result.blake3;
    info.alreadyPresent = task.result.alreadyPresent;
  }
  return info;
}

export function registerDownloadRequests(connection: Connection, deps: DownloadRequestDeps): void {
  const { host } = deps;
  const service = host.service;
  const progress = new Map<string, DownloadProgress>();
  const manifests = new Map<string, string>();

  service.onDidChangeTask((task) => {
    if (task.state !== 'running') progress.delete(task.id);
    void connection.sendNotification(DownloadChangedNotification.type, downloadInfo(task));
    const manifestPath = manifests.get(task.id);
    if (task.state === 'finished' && task.result && manifestPath) {
      manifests.delete(task.id);
      deps.recordInManifest(manifestPath, task.result.quickHash, task.result.source).catch((err) => deps.log.warn(`The source of ${task.result!.path} was not written to ${manifestPath}: ${err instanceof Error ? err.message : err}`));
    }
  });
  service.onProgress((p) => {
    progress.set(p.id, p);
    const task = service.get(p.id);
    if (task) void connection.sendNotification(DownloadChangedNotification.type, downloadInfo(task, p));
  });

  connection.onRequest(SetTokensRequest.type, (tokens) => host.tokens.set(tokens));

  connection.onRequest(StartDownloadRequest.type, (item) => {
    if (!/^https?:\/\//i.test(item.url ?? '')) throw new ResponseError(1, `not an http(s) URL: ${scrubUrl(String(item.url))}`);
    const task = service.enqueue({
      url: item.url,
      category: item.category,
      subfolder: item.subfolder,
      ...(item.root ? { root: item.root } : {}),
      fileName: item.fileName,
      expected: { ...(item.sha256 ? { sha256: item.sha256.toLowerCase() } : {}), ...(item.size ? { size: item.size } : {}) },
    });
    if (item.manifestPath) manifests.set(task.id, item.manifestPath);
    return downloadInfo(task);
  });

  connection.onRequest(ListDownloadsRequest.type, () => service.list().map((t) => downloadInfo(t, progress.get(t.id))));
  connection.onRequest(CancelDownloadRequest.type, ({ id }) => service.cancel(id));
  connection.onRequest(ResumeDownloadRequest.type, ({ id }) => {
    service.resume(id);
    const task = service.get(id);
    return task && downloadInfo(task);
  });
  connection.onRequest(RemoveDownloadRequest.type, ({ id, deletePart }) => service.remove(id, !!deletePart));

  connection.onRequest(PlanDownloadsRequest.type, async ({ uri }, token): Promise<DownloadPlan> => {
    const found = await deps.workflowDownloads(uri);
    if (!found) throw new ResponseError(1, 'open the workflow first: its missing models are read from the editor');
    const roots = deps.roots();
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    // The folders of a category are measured once per plan, not once per model.
    const choices = new Map<string, ReturnType<typeof targetChoices>>();
    const choicesOf = (category: string) => choices.get(category) ?? choices.set(category, targetChoices(category, roots)).get(category)!;
    const downloads = await Promise.all(
      found.downloads.map(async ({ reference, item }): Promise<PlannedDownload> => {
        const planned: PlannedDownload = { reference, item, host: hostOf(item.url), targets: [] };
        try {
          // Every folder it may go to, most free space first: the first is the plan's, the user may pick another.
          for (const choice of await choicesOf(item.category!)) {
            planned.targets.push({ root: choice.root.path, folder: targetFolder([choice.root], item.category!, item.subfolder), freeBytes: choice.freeBytes ?? undefined });
          }
          const [first] = planned.targets;
          if (!first) throw new Error(`no model folder takes ${item.category}: add one (Add Model Folder…)`);
          planned.targetDir = first.folder;
          planned.item = { ...item, root: first.root };
          const remote = await describeUrl(item.url, host.env.providers, host.env.endpoints, controller.signal);
          const size = remote.size ?? remote.approximateSize ?? item.size;
          if (size !== undefined) planned.size = size;
        } catch (err) {
          planned.problem = err instanceof Error ? err.message : String(err);
        }
        return planned;
      }),
    );
    const freeBytes: Record<string, number> = {};
    for (const root of new Set(roots.map((r) => r.path))) {
      const free = await freeSpace(root);
      if (free !== null) freeBytes[root] = free;
    }
    return { downloads, withoutSource: found.withoutSource, totalBytes: downloads.reduce((n, d) => n + (d.size ?? 0), 0), freeBytes };
  });

  connection.onRequest(FindSourcesRequest.type, async (token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const progress = beginWorkDoneProgress(connection, deps.showsProgress, 'Finding sources for local models', () => controller.abort(), deps.log);
    try {
      return await deps.findSources(controller.signal, (phase, done, total) => progress.report(done, total, `${phase}: ${done}/${total}`));
    } catch (err) {
      if (controller.signal.aborted) throw new ResponseError(-32800, 'cancelled'); // LSP RequestCancelled
      throw err;
    } finally {
      progress.done();
    }
  });

  connection.onRequest(ListRepoFilesRequest.type, async ({ repo }, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const endpoint = host.env.endpoints.huggingFaceEndpoint.replace(/\/+$/, '');
    const entries = await host.env.providers.huggingFace.tree(repo, 'main', controller.signal);
    const encode = (p: string) => p.split('/').map(encodeURIComponent).join('/');
    return entries
      .filter((e) => hasModelExtension(e.path))
      .map((e) => ({ path: e.path, size: e.size, ...(e.sha256 ? { sha256: e.sha256 } : {}), downloadUrl: `${endpoint}/${encode(repo)}/resolve/main/${encode(e.path)}` }));
  });

  connection.onRequest(SearchOnlineRequest.type, async ({ query }, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    const { civitai, huggingFace } = host.env.providers;
    const hits: OnlineHit[] = [];
    const errors: string[] = [];
    const pages = await Promise.allSettled([civitai.search(query, { signal: controller.signal, limit: 20 }), huggingFace.search(query, { signal: controller.signal, limit: 20 })]);
    for (const [i, page] of pages.entries()) {
      if (page.status === 'rejected') {
        // Named by provider: offline, both fail with the same network error, and the user is told once.
        errors.push(`${i === 0 ? 'CivitAI' : 'Hugging Face'}: ${page.reason instanceof Error ? page.reason.message : String(page.reason)}`);
        continue;
      }
      for (const h of page.value.items) {
        const base = { provider: h.provider, title: h.title, modelType: h.modelType, category: h.category, baseModel: h.baseModel, pageUrl: h.pageUrl };
        if (!h.files.length) hits.push(base);
        for (const f of h.files) hits.push({ ...base, fileName: f.name, size: f.size, sha256: f.sha256, downloadUrl: f.downloadUrl });
      }
    }
    return { hits, errors };
  });
}
