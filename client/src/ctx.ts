// What the client's features share: the running language client, the one log channel, the status bar.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { IndexStatusBar } from './statusBar';

export interface Ctx {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly client: LanguageClient;
  readonly statusBar: IndexStatusBar;
}
