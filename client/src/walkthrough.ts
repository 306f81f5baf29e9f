// The walkthrough's steps complete on real events, through context keys: a workflow of the workspace
// opened in an editor, and a workflow whose missing models went down (a fix was applied).
import * as vscode from 'vscode';
import type { WorkflowSummary } from '../../server/src/protocol/trees';
import type { Views } from './ctx';

export const WalkthroughContext = {
  workflowOpened: 'comfyModels.workflowOpened',
  missingFixed: 'comfyModels.missingModelFixed',
} as const;

export function trackWalkthrough(views: Views, subscriptions: vscode.Disposable[]): void {
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
  );
}
