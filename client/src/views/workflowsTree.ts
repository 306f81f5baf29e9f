// The Workflows view: every workflow of the workspace (found by the server, by content) with a status
// icon and "N models · M missing", expandable to its references with their status. Clicking a
// reference opens the workflow with the value selected. Refreshes when the server says workflows,
// manifests or the index changed.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  type ReferenceStatus, TreeCommands, type WorkflowReferenceItem, WorkflowReferencesRequest, type WorkflowSummary, WorkflowsRequest,
} from '../../../server/src/protocol/trees';

export type WorkflowNode = { type: 'workflow'; workflow: WorkflowSummary } | { type: 'reference'; reference: WorkflowReferenceItem; parent: WorkflowNode };

const STATUS_ICONS: Record<ReferenceStatus, vscode.ThemeIcon> = {
  resolved: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  mapped: new vscode.ThemeIcon('link', new vscode.ThemeColor('problemsInfoIcon.foreground')),
  'base-model-mismatch': new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  missing: new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')),
  ambiguous: new vscode.ThemeIcon('question', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  'wrong-folder': new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground')),
  inactive: new vscode.ThemeIcon('circle-slash'),
};

const STATUS_TEXT: Record<ReferenceStatus, string> = {
  resolved: 'found',
  mapped: 'mapped (workflow unchanged)',
  'base-model-mismatch': 'other base model',
  missing: 'missing',
  ambiguous: 'ambiguous',
  'wrong-folder': 'wrong folder',
  inactive: 'inactive',
};

export function summaryText(w: WorkflowSummary): string {
  const parts = [`${w.models} model${w.models === 1 ? '' : 's'}`];
  if (w.missing) parts.push(`${w.missing} missing`);
  if (w.warnings) parts.push(`${w.warnings} to check`);
  if (w.mapped) parts.push(`${w.mapped} mapped`);
  return parts.join(' · ');
}

export class WorkflowsTree implements vscode.TreeDataProvider<WorkflowNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkflowNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly listed = new vscode.EventEmitter<WorkflowSummary[]>();
  /** Fires with each list the view shows (the walkthrough watches missing models get fixed). */
  readonly onDidList = this.listed.event;

  /** `server` resolves with the running client, starting the language server first if needed (views are a reason to run it). */
  constructor(private readonly server: () => Promise<LanguageClient>) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: WorkflowNode): vscode.TreeItem {
    if (node.type === 'workflow') {
      const w = node.workflow;
      // The file name first, so the status stays readable in a narrow sidebar; its folder after.
      const slash = Math.max(w.label.lastIndexOf('/'), w.label.lastIndexOf('\\'));
      const item = new vscode.TreeItem(w.label.slice(slash + 1), w.models ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = w.uri;
      item.description = slash > 0 ? `${summaryText(w)} · ${w.label.slice(0, slash)}` : summaryText(w);
      item.resourceUri = vscode.Uri.parse(w.uri);
      item.iconPath = w.missing ? STATUS_ICONS.missing : w.warnings ? STATUS_ICONS['wrong-folder'] : w.mapped ? STATUS_ICONS.mapped : STATUS_ICONS.resolved;
      item.tooltip = `${w.label} (${w.format === 'api' ? 'API' : 'UI'} format): ${summaryText(w)}`;
      item.command = { command: 'vscode.open', title: 'Open Workflow', arguments: [vscode.Uri.parse(w.uri)] };
      item.contextValue = 'workflow';
      return item;
    }
    const r = node.reference;
    const item = new vscode.TreeItem(r.value, vscode.TreeItemCollapsibleState.None);
    item.id = `${r.uri}#${r.offset}`;
    item.description = `${STATUS_TEXT[r.status]} · ${r.nodeType} #${r.nodeId}`;
    item.tooltip = `${r.value} (${r.category ?? 'unknown category'}): ${r.detail}`;
    item.iconPath = STATUS_ICONS[r.status];
    item.command = { command: TreeCommands.openReference, title: 'Open at Reference', arguments: [node] };
    item.contextValue = `reference reference-${r.status}`;
    return item;
  }

  async getChildren(node?: WorkflowNode): Promise<WorkflowNode[]> {
    if (!node) {
      const workflows = await (await this.server()).sendRequest(WorkflowsRequest.type);
      this.listed.fire(workflows);
      return workflows.map((workflow) => ({ type: 'workflow', workflow }));
    }
    if (node.type !== 'workflow') return [];
    const refs = await (await this.server()).sendRequest(WorkflowReferencesRequest.type, { uri: node.workflow.uri });
    return refs.map((reference) => ({ type: 'reference', reference, parent: node }));
  }

  getParent(node: WorkflowNode): WorkflowNode | undefined {
    return node.type === 'reference' ? node.parent : undefined;
  }

  dispose(): void {
    this.changed.dispose();
    this.listed.dispose();
  }
}
