// The Comfy Models views. Until their trees land they are empty (the welcome content shows); making
// one visible starts the language server, like a command does.
import * as vscode from 'vscode';
import { StatusViews } from '../../server/src/protocol';

const EMPTY: vscode.TreeDataProvider<never> = { getTreeItem: (e) => e, getChildren: () => [] };

/** Register the views; `visible` is called whenever one of them becomes visible. */
export function registerViews(visible: (viewId: string) => void): vscode.Disposable[] {
  return Object.values(StatusViews).flatMap((id) => {
    const view = vscode.window.createTreeView(id, { treeDataProvider: EMPTY });
    if (view.visible) visible(id);
    return [view, view.onDidChangeVisibility((e) => e.visible && visible(id))];
  });
}
