// What the client's features share: the language client, the one log channel, the status bar.
import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { StatusResult } from '../../server/src/protocol';
import type { IndexStatusBar } from './statusBar';
import type { DownloadsModel } from './downloads/model';

export interface Ctx {
  readonly extension: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  readonly client: LanguageClient;
  readonly statusBar: IndexStatusBar;
  /** The server's downloads, as the client last heard of them. */
  readonly downloads: DownloadsModel;
  /** Start the language server if it is not running yet (`why` goes to the log); resolves once it answered. */
  start(why: string): Promise<StatusResult>;
}
