// What the client's features share: the language client, the one log channel, the status bar and the
// sidebar views.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { StatusResult } from '../../server/src/protocol';
import type { ReportPanels } from './share/reportPanel';
import type { IndexStatusBar } from './statusBar';
import type { DownloadsModel } from './downloads/model';
import type { ModelNode, ModelsTree } from './views/modelsTree';
import type { WorkflowsTree } from './views/workflowsTree';

export interface Views {
  models: ModelsTree;
  modelsView: vscode.TreeView<ModelNode>;
  workflows: WorkflowsTree;
}

export interface Ctx {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly client: LanguageClient;
  readonly statusBar: IndexStatusBar;
  /** The server's downloads, as the client last heard of them. */
  readonly downloads: DownloadsModel;
  readonly views: Views;
  /** Library Health and Install Plan, read-only panels with actions. */
  readonly reports: ReportPanels;
  /** Start the language server if it is not running yet (`why` goes to the log); resolves once it answered. */
  start(why: string): Promise<StatusResult>;
}
