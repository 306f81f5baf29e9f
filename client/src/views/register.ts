// Creates the three sidebar views and keeps them current: the Models view on `indexChanged`, the
// Workflows view on `indexChanged` and `workflowsChanged`. Context keys drive the welcome content
// (no root configured, empty index) and the view actions (filter set, grouping).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { StatusResult } from '../../../server/src/protocol';
import { TreeViews, WorkflowsChangedNotification } from '../../../server/src/protocol/trees';
import type { Views } from '../ctx';
import { DownloadsTree } from './downloadsTree';
import { ModelsTree } from './modelsTree';
import { WorkflowsTree } from './workflowsTree';

export function createViews(client: LanguageClient, subscriptions: vscode.Disposable[]): Views {
  const models = new ModelsTree(client);
  const workflows = new WorkflowsTree(client);
  const modelsView = vscode.window.createTreeView(TreeViews.models, { treeDataProvider: models, showCollapseAll: true });
  const workflowsView = vscode.window.createTreeView(TreeViews.workflows, { treeDataProvider: workflows, showCollapseAll: true });
  subscriptions.push(models, workflows, modelsView, workflowsView, vscode.window.registerTreeDataProvider(TreeViews.downloads, new DownloadsTree()));
  void vscode.commands.executeCommand('setContext', 'comfyModels.groupBy', models.groupBy);
  return { models, modelsView, workflows, workflowsView };
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
