// Creates the three sidebar views and keeps them current: the Models view on `indexChanged`, the
// Workflows view on `indexChanged` and `workflowsChanged`. A view becoming visible starts the language
// server (cheap activation: nothing runs until a workflow, a command or a view asks). Context keys drive the welcome content
// (no root configured, empty index) and the view actions (filter set, grouping).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { DownloadInfo, StatusResult } from '../../../server/src/protocol';
import { TreeViews, WorkflowsChangedNotification } from '../../../server/src/protocol/trees';
import type { Views } from '../ctx';
import { ModelsTree } from './modelsTree';
import { WorkflowsTree } from './workflowsTree';

/**
 * `server` resolves with the running client (starting it); `visible` is called whenever a view becomes
 * visible; `downloads` feeds the Downloads view (the client's model of the server's downloads).
 */
export function createViews(
  server: () => Promise<LanguageClient>,
  visible: (viewId: string) => void,
  downloads: vscode.TreeDataProvider<DownloadInfo>,
  subscriptions: vscode.Disposable[],
): Views {
  const models = new ModelsTree(server);
  const workflows = new WorkflowsTree(server);
  const modelsView = vscode.window.createTreeView(TreeViews.models, { treeDataProvider: models, showCollapseAll: true });
  const workflowsView = vscode.window.createTreeView(TreeViews.workflows, { treeDataProvider: workflows, showCollapseAll: true });
  const downloadsView = vscode.window.createTreeView(TreeViews.downloads, { treeDataProvider: downloads });
  subscriptions.push(models, workflows, modelsView, workflowsView, downloadsView);
  for (const [id, view] of [[TreeViews.models, modelsView], [TreeViews.workflows, workflowsView], [TreeViews.downloads, downloadsView]] as const) {
    if (view.visible) visible(id);
    subscriptions.push(view.onDidChangeVisibility((e) => e.visible && visible(id)));
  }
  void vscode.commands.executeCommand('setContext', 'comfyModels.groupBy', models.groupBy);
  return { models, modelsView, workflows };
}

/** Once the client runs: the Workflows view asks again when workflow files or manifests change. */
export function listenForChanges(client: LanguageClient, views: Views, subscriptions: vscode.Disposable[]): void {
  subscriptions.push(client.onNotification(WorkflowsChangedNotification.type, () => views.workflows.refresh()));
}

/**
 * An `indexChanged` status (the client has one handler per notification: extension.ts calls this).
 * Progress-only news while syncing does not re-ask; every other status refreshes both views (cheap:
 * the server caches pages per index snapshot).
 */
export function indexChanged(views: Views, status: StatusResult, previous: StatusResult | undefined): void {
  void updateContext(status);
  if (previous?.state === 'syncing' && status.state === 'syncing') return;
  views.models.refresh();
  views.workflows.refresh();
}

export async function updateContext(status: StatusResult): Promise<void> {
  await vscode.commands.executeCommand('setContext', 'comfyModels.noRoots', status.roots.length === 0);
  await vscode.commands.executeCommand('setContext', 'comfyModels.hasRoots', status.roots.length > 0);
  await vscode.commands.executeCommand('setContext', 'comfyModels.indexEmpty', status.roots.length > 0 && status.models === 0 && status.state === 'idle');
}
