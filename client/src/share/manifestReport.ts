// The "Manifest Report" tree (Resolve Manifest): one row per manifest model with its status on this
// machine, and a summary row with the download total and the target folders' free space. Row actions
// are commands keyed by the row's status (contextValue), see shareCommands.ts.
import * as vscode from 'vscode';
import { formatSize, ShareCommands, ShareViews, type ResolveManifestResult } from '../../../server/src/protocol';

export type ReportRow = ResolveManifestResult['rows'][number];

export interface ReportNode {
  row?: ReportRow;
  summary?: string;
}

const ICON: Record<ReportRow['status'], [string, string]> = {
  present: ['pass', 'testing.iconPassed'],
  downloadable: ['cloud-download', 'charts.blue'],
  'name-match': ['question', 'list.warningForeground'],
  missing: ['error', 'list.errorForeground'],
};

const STATUS_TEXT: Record<ReportRow['status'], string> = {
  present: 'present',
  downloadable: 'downloadable',
  'name-match': 'same name — confirm',
  missing: 'missing',
};

export function summaryOf(report: ResolveManifestResult): string {
  const t = report.totals;
  const space = report.targets.map((s) => `${s.folder}: ${s.freeBytes === null ? 'free space unknown' : `${formatSize(s.freeBytes)} free`}${s.fits ? '' : ' (does not fit)'}`);
  return [`${t.present} present, ${t.downloadable} downloadable (${formatSize(t.downloadBytes)}), ${t.nameMatch} to confirm, ${t.missing} missing`, ...space].join(' · ');
}

export class ManifestReportProvider implements vscode.TreeDataProvider<ReportNode> {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.emitter.event;
  report: ResolveManifestResult | undefined;
  manifestUri: vscode.Uri | undefined;

  async show(manifestUri: vscode.Uri, report: ResolveManifestResult): Promise<void> {
    this.manifestUri = manifestUri;
    this.report = report;
    await vscode.commands.executeCommand('setContext', 'comfyModels.manifestReport.shown', true);
    this.emitter.fire();
  }

  getChildren(node?: ReportNode): ReportNode[] {
    if (node || !this.report) return [];
    return [{ summary: summaryOf(this.report) }, ...this.report.rows.map((row) => ({ row }))];
  }

  getTreeItem(node: ReportNode): vscode.TreeItem {
    if (node.summary !== undefined) {
      const item = new vscode.TreeItem(node.summary);
      item.iconPath = new vscode.ThemeIcon('info');
      item.tooltip = this.report?.manifestPath;
      return item;
    }
    const r = node.row!;
    const item = new vscode.TreeItem(r.filename ?? r.hash);
    item.id = `${r.table}:${r.hash}`;
    const size = r.size !== null ? formatSize(r.size) : undefined;
    item.description = [r.category, STATUS_TEXT[r.status], size].filter(Boolean).join(' · ');
    item.contextValue = r.unsafe ? 'unsafe' : r.status;
    const [icon, color] = ICON[r.status];
    item.iconPath = new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
    const detail =
      r.status === 'present' ? `→ ${r.path} (${r.via})`
      : r.status === 'downloadable' ? `from ${r.source?.url}${r.target ? ` → ${r.target}` : ''}`
      : r.status === 'name-match' ? `same file name here, different or unknown content: ${r.candidates?.join(', ')}`
      : 'no file here and no known source';
    item.tooltip = `${r.hash}\n${detail}${r.unsafe ? '\nunsafe entry: not acted on' : ''}`;
    if (r.status === 'present' && r.path) item.command = { command: ShareCommands.revealModel, title: 'Reveal', arguments: [node] };
    return item;
  }
}

export function createManifestReportView(provider: ManifestReportProvider): vscode.TreeView<ReportNode> {
  return vscode.window.createTreeView(ShareViews.manifestReport, { treeDataProvider: provider });
}
