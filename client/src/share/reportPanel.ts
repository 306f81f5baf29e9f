// Library Health and Install Plan open in a read-only webview panel (one per report, reused when shown
// again): nothing to save, no dirty editor, nothing restored by hot exit (no serializer is registered).
// The page's buttons post { action, arg }; each action is checked against the report the panel shows
// before it runs, so the page can only ask for what it was given.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DownloadCommands, ManifestModelsRequest, ShareCommands, type DownloadItem, type HealthResult, type InstallPlanResult } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';
import { showManifestEntry } from '../modelActions';
import { healthPage, installPlanPage, reportDocument, type ReportAction, type ReportOptions, type ReportPage } from './reportHtml';

export type ReportKind = 'health' | 'plan';

type Report = { kind: 'health'; health: HealthResult } | { kind: 'plan'; plan: InstallPlanResult };

interface Shown {
  panel: vscode.WebviewPanel;
  report: Report;
  manifestUri?: vscode.Uri;
  html: string;
}

export interface ReportMessage {
  action: ReportAction;
  arg: string;
}

/** Every file path a report shows (the ones "Reveal" and "Delete This Copy" may act on). */
function filesOf(report: Report): Set<string> {
  if (report.kind === 'plan') return new Set();
  const h = report.health;
  return new Set([...h.duplicates.flatMap((d) => d.copies), ...h.unused.map((u) => u.paths[0]), ...h.withoutSource.map((w) => w.paths[0]), ...h.staleParts.map((p) => p.path)]);
}

export class ReportPanels implements vscode.Disposable {
  private readonly shown = new Map<ReportKind, Shown>();

  constructor(private readonly ctx: () => Ctx) {}

  /** The panel of a report and the HTML it shows (the e2e suite reads them). */
  current(kind: ReportKind): Readonly<Shown> | undefined {
    return this.shown.get(kind);
  }

  async showHealth(health: HealthResult): Promise<vscode.WebviewPanel> {
    // A file directly in the project folder finds the folder's own pyproject.toml.
    const manifest = await this.manifest(path.join(health.project, 'workflow.json'));
    return this.show({ kind: 'health', health }, healthPage(health, this.options(manifest)), manifest?.uri);
  }

  async showPlan(plan: InstallPlanResult): Promise<vscode.WebviewPanel> {
    const manifest = await this.manifest(plan.path);
    return this.show({ kind: 'plan', plan }, installPlanPage(plan, this.options(manifest)), manifest?.uri);
  }

  /** Run what a button of the page asked for; false when the report does not offer it. */
  async act(kind: ReportKind, message: ReportMessage): Promise<boolean> {
    const shown = this.shown.get(kind);
    if (!shown || typeof message?.arg !== 'string') return false;
    const { report } = shown;
    switch (message.action) {
      case 'reveal': {
        if (!filesOf(report).has(message.arg)) return false;
        const uri = vscode.Uri.file(message.arg);
        // Model files are binary: show where the file is, in the Explorer when the workspace holds it.
        await vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS', uri);
        return true;
      }
      case 'deleteCopy': {
        if (report.kind !== 'health' || !report.health.duplicates.some((d) => d.copies.includes(message.arg))) return false;
        const deleted = await vscode.commands.executeCommand<boolean>(ShareCommands.deleteDuplicateCopy, message.arg);
        // The report shown again, without the deleted copy.
        if (deleted) await vscode.commands.executeCommand(ShareCommands.libraryHealth);
        return !!deleted;
      }
      case 'download': {
        const model = report.kind === 'plan' ? report.plan.models[Number(message.arg)] : undefined;
        if (!model?.sources[0] || !model.category) return false;
        const item: DownloadItem = {
          url: model.sources[0].url,
          category: model.category,
          fileName: path.basename(model.value.replace(/\\/g, '/')),
          ...(model.size !== null ? { size: model.size } : {}),
        };
        await vscode.commands.executeCommand(DownloadCommands.startDownloads, [item]);
        return true;
      }
      case 'openManifestEntry':
        return shown.manifestUri ? showManifestEntry(shown.manifestUri, message.arg) : false;
      default:
        return false;
    }
  }

  dispose(): void {
    for (const { panel } of this.shown.values()) panel.dispose();
    this.shown.clear();
  }

  private options(manifest: { hashes: Set<string> } | undefined): ReportOptions {
    return { manifestHashes: manifest?.hashes ?? new Set(), trusted: vscode.workspace.isTrusted };
  }

  /** The manifest of a file's project, and the hashes it lists (none when there is no manifest). */
  private async manifest(near: string): Promise<{ uri: vscode.Uri; hashes: Set<string> } | undefined> {
    const list = await this.ctx().client.sendRequest(ManifestModelsRequest.type, { near: vscode.Uri.file(near).toString() });
    if (!list.manifestUri || !list.exists) return undefined;
    return { uri: vscode.Uri.parse(list.manifestUri), hashes: new Set(list.models.map((m) => m.hash)) };
  }

  private show(report: Report, page: ReportPage, manifestUri: vscode.Uri | undefined): vscode.WebviewPanel {
    let shown = this.shown.get(report.kind);
    if (!shown) {
      const panel = vscode.window.createWebviewPanel(`comfyModels.report.${report.kind}`, page.title, vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [],
      });
      const kind = report.kind;
      panel.webview.onDidReceiveMessage((message: ReportMessage) => {
        this.act(kind, message).catch((err: unknown) => {
          this.ctx().log.error(`report action ${message?.action} failed: ${err instanceof Error ? err.message : String(err)}`);
          void vscode.window.showErrorMessage(`Comfy Models: ${err instanceof Error ? err.message : String(err)}`);
        });
      });
      panel.onDidDispose(() => this.shown.delete(kind));
      shown = { panel, report, html: '' };
      this.shown.set(kind, shown);
    }
    const html = reportDocument(page, shown.panel.webview.cspSource, randomBytes(16).toString('base64'));
    Object.assign(shown, { report, manifestUri, html });
    shown.panel.title = page.title;
    shown.panel.webview.html = html;
    shown.panel.reveal(undefined, false);
    return shown.panel;
  }
}
