// The walkthrough's steps complete on real events, through context keys: a workflow of the workspace
// opened in an editor, a workflow whose missing models went down (a fix was applied), and a download
// that reached `finished`. VS Code's walkthrough service only hears events once it runs (it starts with
// the first walkthrough or welcome page shown), and takes a key that is already true then as seen, not
// done: so each step also completes on the command that does it (package.json completionEvents).
import * as vscode from 'vscode';
import type { WorkflowSummary } from '../../server/src/protocol/trees';
import type { Views } from './ctx';
import type { DownloadsModel } from './downloads/model';

export const WalkthroughContext = {
  workflowOpened: 'comfyModels.workflowOpened',
  missingFixed: 'comfyModels.missingModelFixed',
  downloadFinished: 'comfyModels.downloadFinished',
} as const;

export function trackWalkthrough(views: Views, downloads: DownloadsModel, subscriptions: vscode.Disposable[]): void {
  let workflows = new Map<string, WorkflowSummary>();
  const checkEditor = (editor: vscode.TextEditor | undefined) => {
    if (editor && workflows.has(editor.document.uri.toString())) void vscode.commands.executeCommand('setContext', WalkthroughContext.workflowOpened, true);
  };
  subscriptions.push(
    views.workflows.onDidList((list) => {
      const next = new Map(list.map((w) => [w.uri, w]));
      if ([...next.values()].some((w) => (workflows.get(w.uri)?.missing ?? 0) > w.missing)) {
        void vscode.commands.executeCommand('setContext', WalkthroughContext.missingFixed, true);
      }
      workflows = next;
      checkEditor(vscode.window.activeTextEditor);
    }),
    vscode.window.onDidChangeActiveTextEditor(checkEditor),
    downloads.onDidChange((info) => {
      if (info.state === 'finished') void vscode.commands.executeCommand('setContext', WalkthroughContext.downloadFinished, true);
    }),
  );
}
