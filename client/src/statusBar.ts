// The status bar item: the index state as the server reports it; a click opens the explorer.
import * as vscode from 'vscode';
import type { StatusResult } from '../../server/src/protocol';

export class IndexStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('comfyModels.status', vscode.StatusBarAlignment.Left, 10);

  constructor() {
    this.item.name = 'Comfy Models';
    this.item.command = 'workbench.view.extension.comfyModels';
    this.item.text = '$(loading~spin) Comfy Models';
    this.item.tooltip = 'Comfy Models: starting the language server…';
  }

  /** Shown once the language server starts: a workspace without ComfyUI files shows nothing. */
  show(): void {
    this.item.show();
  }

  /** The text shown right now (the e2e suite reads it). */
  get text(): string {
    return this.item.text;
  }

  update(status: StatusResult): void {
    const count = `${status.models.toLocaleString('en-US')} model${status.models === 1 ? '' : 's'}`;
    switch (status.state) {
      case 'syncing': {
        const p = status.progress;
        this.item.text = p && p.total ? `$(sync~spin) Comfy Models: ${p.done}/${p.total}` : '$(sync~spin) Comfy Models: syncing';
        break;
      }
      case 'error':
        this.item.text = `$(error) Comfy Models: ${count}`;
        break;
      case 'loading':
        this.item.text = '$(loading~spin) Comfy Models';
        break;
      default:
        this.item.text = `$(database) Comfy Models: ${count}`;
    }
    this.item.backgroundColor = status.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    const tooltip = new vscode.MarkdownString(
      `**Comfy Models ${status.version}**\n\n${count}, ${status.locations} files in ${status.roots.length} root(s)\n\nIndex: \`${status.indexPath}\``,
    );
    if (status.progress?.total) tooltip.appendMarkdown(`\n\nSyncing: ${status.progress.done} of ${status.progress.total} files hashed`);
    if (status.message) tooltip.appendMarkdown(`\n\n${status.message}`);
    tooltip.appendMarkdown('\n\nClick to open the Comfy Models explorer.');
    this.item.tooltip = tooltip;
  }

  dispose(): void {
    this.item.dispose();
  }
}
