// The `comfy-models-download` task type (DESIGN.md §9–§10): a CustomExecution pseudoterminal that asks
// the server to download, shows its progress, speed, ETA and the verified hash, and cancels the
// server's transfer when the terminal is closed. Usable from tasks.json and run by startDownloads.
import * as vscode from 'vscode';
import { CancelDownloadRequest, DOWNLOAD_TASK_TYPE, StartDownloadRequest, type DownloadInfo, type DownloadItem } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { formatBytes, progressLine, SETTLED_STATES } from './model';

export interface DownloadTaskDefinition extends vscode.TaskDefinition, Omit<DownloadItem, 'manifestPath'> {
  type: typeof DOWNLOAD_TASK_TYPE;
}

/** Terminals of this window's download tasks (the e2e suite reads their text). */
export const downloadTerminals = new Set<DownloadTerminal>();
const terminalOpened = new vscode.EventEmitter<DownloadTerminal>();
export const onDidOpenDownloadTerminal = terminalOpened.event;

export class DownloadTerminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  private readonly settledEmitter = new vscode.EventEmitter<DownloadInfo>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  /** Fires once with the download's final state. */
  readonly onDidSettle = this.settledEmitter.event;
  /** Everything written, for tests. */
  text = '';
  id: string | undefined;
  private settled: DownloadInfo | undefined;
  private closed = false;
  private subscription: vscode.Disposable | undefined;

  constructor(private readonly ctx: Ctx, readonly item: DownloadItem) {}

  open(): void {
    downloadTerminals.add(this);
    terminalOpened.fire(this);
    void this.run().catch((err) => this.finish(1, `\r\n\x1b[31m${err instanceof Error ? err.message : String(err)}\x1b[0m\r\n`));
  }

  /** The user closed the terminal (or the task was terminated): stop the server's transfer; the `.part` stays. */
  close(): void {
    this.closed = true;
    this.subscription?.dispose();
    downloadTerminals.delete(this);
    if (this.id && !this.settled) void this.ctx.client.sendRequest(CancelDownloadRequest.type, { id: this.id }).catch(() => undefined);
  }

  private write(text: string): void {
    this.text += text;
    this.writeEmitter.fire(text);
  }

  private async run(): Promise<void> {
    this.write(`Downloading ${this.item.url}${this.item.category ? ` into ${this.item.category}${this.item.subfolder ? `/${this.item.subfolder}` : ''}` : ''}\r\n`);
    await this.ctx.start('download task');
    const started = await this.ctx.client.sendRequest(StartDownloadRequest.type, this.item);
    this.id = started.id;
    // Closed while the server was accepting it: cancel now that it has an id.
    if (this.closed) return void this.ctx.client.sendRequest(CancelDownloadRequest.type, { id: started.id });
    this.subscription = this.ctx.downloads.onDidChange((info) => info.id === this.id && this.show(info));
    this.show(this.ctx.downloads.get(started.id) ?? started);
  }

  private show(info: DownloadInfo): void {
    if (this.settled) return;
    if (info.state === 'queued') return;
    if (info.state === 'running') {
      this.write(`\r\x1b[K${info.name}: ${progressLine(info)}`);
      return;
    }
    if (!SETTLED_STATES.includes(info.state)) return;
    this.settled = info;
    this.settledEmitter.fire(info);
    if (info.state === 'finished') {
      const what = info.alreadyPresent ? 'already present (identical file)' : `downloaded ${formatBytes(info.bytes)}`;
      this.finish(0, `\r\x1b[K${info.name}: ${what}\r\n  ${info.path}\r\n  sha256 ${info.sha256} (verified)\r\n  blake3 ${info.blake3}\r\n`);
    } else if (info.state === 'failed') this.finish(1, `\r\n\x1b[31m${info.name}: ${info.error?.message ?? 'failed'}${info.error ? ` (${info.error.code})` : ''}\x1b[0m\r\n`);
    else this.finish(1, `\r\n${info.name}: ${info.state}; the partial file is kept, resume it from the Downloads view.\r\n`);
  }

  private finish(code: number, text: string): void {
    this.write(text);
    this.subscription?.dispose();
    this.closeEmitter.fire(code);
  }
}

function taskName(item: DownloadItem): string {
  let name = item.fileName;
  if (!name) {
    try {
      name = decodeURIComponent(new URL(item.url).pathname.split('/').filter(Boolean).pop() ?? '') || item.url;
    } catch {
      name = item.url;
    }
  }
  return `Download ${name}`;
}

export function downloadTask(ctx: Ctx, item: DownloadItem, definition?: vscode.TaskDefinition, scope?: vscode.TaskScope | vscode.WorkspaceFolder): vscode.Task {
  const def: DownloadTaskDefinition = (definition as DownloadTaskDefinition) ?? { type: DOWNLOAD_TASK_TYPE, ...withoutManifest(item) };
  const task = new vscode.Task(
    def,
    scope ?? vscode.workspace.workspaceFolders?.[0] ?? vscode.TaskScope.Workspace,
    taskName(item),
    'Comfy Models',
    new vscode.CustomExecution(async () => new DownloadTerminal(ctx, item)),
  );
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Always, panel: vscode.TaskPanelKind.Dedicated, clear: true };
  return task;
}

function withoutManifest(item: DownloadItem): Omit<DownloadItem, 'manifestPath'> {
  const { manifestPath: _omit, ...rest } = item;
  return rest;
}

/** tasks.json entries of type `comfy-models-download`. */
export function registerDownloadTasks(ctx: Ctx): vscode.Disposable {
  return vscode.tasks.registerTaskProvider(DOWNLOAD_TASK_TYPE, {
    provideTasks: () => [],
    resolveTask(task) {
      const d = task.definition as DownloadTaskDefinition;
      if (typeof d.url !== 'string' || !d.url) return undefined;
      const item: DownloadItem = { url: d.url, category: d.category, subfolder: d.subfolder, sha256: d.sha256, fileName: d.fileName };
      return downloadTask(ctx, item, task.definition, task.scope as vscode.WorkspaceFolder | vscode.TaskScope | undefined);
    },
  });
}

/** Downloads write model files: none in an untrusted workspace (their menus are hidden there too). */
export function requireDownloadTrust(): void {
  if (!vscode.workspace.isTrusted) throw new Error('downloads are disabled in an untrusted workspace');
}

/** `comfyModels.startDownloads`: one task per item, all started at once (the server's concurrency limit queues them). */
export async function startDownloads(ctx: Ctx, items: readonly DownloadItem[]): Promise<vscode.TaskExecution[]> {
  requireDownloadTrust();
  if (!Array.isArray(items)) throw new Error('startDownloads takes an array of { url, category?, subfolder?, sha256?, size?, fileName? }');
  const valid = items.filter((i) => i && typeof i.url === 'string' && /^https?:\/\//i.test(i.url));
  if (valid.length !== items.length) throw new Error('every download needs an http(s) url');
  return Promise.all(valid.map((item) => vscode.tasks.executeTask(downloadTask(ctx, item))));
}
