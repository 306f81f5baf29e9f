// The client's copy of the server's download list: filled from `comfyModels/listDownloads` when the
// server starts, kept current by `comfyModels/downloadChanged`. The Downloads view and the task
// terminals read it; one notification subscription serves them all.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DownloadChangedNotification, ListDownloadsRequest, type DownloadInfo } from '../../../server/src/protocol';

export const SETTLED_STATES: readonly DownloadInfo['state'][] = ['finished', 'failed', 'cancelled', 'interrupted'];

export class DownloadsModel implements vscode.Disposable {
  private readonly infos = new Map<string, DownloadInfo>();
  private readonly emitter = new vscode.EventEmitter<DownloadInfo>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];
  /** Fires with each new state of a download (also progress). */
  readonly onDidChange = this.emitter.event;

  /** Follow the server's downloads (called once the server runs). */
  async attach(client: LanguageClient): Promise<void> {
    this.disposables.push(client.onNotification(DownloadChangedNotification.type, (info) => this.update(info)));
    for (const info of await client.sendRequest(ListDownloadsRequest.type)) this.update(info);
  }

  list(): DownloadInfo[] {
    return [...this.infos.values()];
  }

  get(id: string): DownloadInfo | undefined {
    return this.infos.get(id);
  }

  update(info: DownloadInfo): void {
    this.infos.set(info.id, info);
    this.emitter.fire(info);
  }

  forget(id: string): void {
    const info = this.infos.get(id);
    if (!info) return;
    this.infos.delete(id);
    this.emitter.fire(info);
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** `1.2 GB`, `340 MB`, `12 KB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatEta(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** One line of progress: `42% · 1.2 GB of 2.9 GB · 35 MB/s · ETA 48 s`. */
export function progressLine(info: DownloadInfo): string {
  const parts: string[] = [];
  if (info.total) parts.push(`${Math.floor((info.bytes * 100) / info.total)}%`, `${formatBytes(info.bytes)} of ${formatBytes(info.total)}`);
  else parts.push(formatBytes(info.bytes));
  if (info.speed) parts.push(`${formatBytes(info.speed)}/s`);
  if (info.eta !== undefined) parts.push(`ETA ${formatEta(info.eta)}`);
  return parts.join(' · ');
}
