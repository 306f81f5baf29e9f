// The Downloads view (DESIGN.md §9): every download of the server — running with its percent, finished,
// failed with the error, interrupted (still listed after a reload, resumable from its `.part`) — with
// cancel, retry, resume, reveal and remove as context actions (package.json `view/item/context`).
import * as vscode from 'vscode';
import type { DownloadInfo } from '../../../server/src/protocol';
import { formatBytes, progressLine, type DownloadsModel } from '../downloads/model';

const ORDER: Record<DownloadInfo['state'], number> = { running: 0, queued: 1, interrupted: 2, failed: 3, cancelled: 4, finished: 5 };
const ICONS: Record<DownloadInfo['state'], vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin'),
  queued: new vscode.ThemeIcon('clock'),
  interrupted: new vscode.ThemeIcon('debug-pause'),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')),
  cancelled: new vscode.ThemeIcon('circle-slash'),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
};

export function describe(info: DownloadInfo): string {
  switch (info.state) {
    case 'running':
      return progressLine(info);
    case 'queued':
      return 'queued';
    case 'finished':
      return `${info.alreadyPresent ? 'already present' : 'finished'} · ${formatBytes(info.bytes)}${info.category ? ` · ${info.category}` : ''}`;
    case 'failed':
      return `failed: ${info.error?.message ?? 'unknown error'}`;
    case 'interrupted':
      return `interrupted${info.total ? ` at ${Math.floor((info.bytes * 100) / info.total)}%` : ''} · resume to continue`;
    case 'cancelled':
      return 'cancelled';
  }
}

export class DownloadsTreeProvider implements vscode.TreeDataProvider<DownloadInfo>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<DownloadInfo | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly model: DownloadsModel) {
    // Rows are looked up by id (getTreeItem reads the latest info), so any change refreshes the list.
    this.subscription = model.onDidChange(() => this.emitter.fire(undefined));
  }

  getChildren(element?: DownloadInfo): DownloadInfo[] {
    if (element) return [];
    return this.model.list().sort((a, b) => ORDER[a.state] - ORDER[b.state] || Number(b.id.slice(1)) - Number(a.id.slice(1)));
  }

  getTreeItem(info: DownloadInfo): vscode.TreeItem {
    const item = new vscode.TreeItem(info.name, vscode.TreeItemCollapsibleState.None);
    item.id = info.id;
    item.description = describe(info);
    item.iconPath = ICONS[info.state];
    item.contextValue = `download-${info.state}`;
    const tip = new vscode.MarkdownString();
    tip.appendText(`${info.url}\n`);
    if (info.path) tip.appendText(`${info.path}\n`);
    if (info.sha256) tip.appendText(`sha256 ${info.sha256} (verified)\n`);
    if (info.error) tip.appendText(`${info.error.code}: ${info.error.message}\n`);
    item.tooltip = tip;
    if (info.state === 'finished' && info.path) item.resourceUri = vscode.Uri.file(info.path);
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
