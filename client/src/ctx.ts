// What the client's features share: the language client, the one log channel, the status bar.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { StatusResult } from '../../server/src/protocol';
import type { IndexStatusBar } from './statusBar';

export interface Ctx {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly client: LanguageClient;
  readonly statusBar: IndexStatusBar;
  /** Start the language server if it is not running yet (`why` goes to the log); resolves once it answered. */
  start(why: string): Promise<StatusResult>;
}
