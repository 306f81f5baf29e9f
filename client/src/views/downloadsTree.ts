// The Downloads view. Running, finished and failed downloads arrive with the downloads service; until
// then it has no rows and package.json's welcome content explains what will appear here.
import type * as vscode from 'vscode';

export class DownloadsTree implements vscode.TreeDataProvider<never> {
  getTreeItem(node: never): vscode.TreeItem {
    return node;
  }

  getChildren(): never[] {
    return [];
  }
}
