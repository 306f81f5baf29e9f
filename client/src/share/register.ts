// Registers the sharing UI that is not a command: the manifest report tree and the embedded-workflow
// document provider.
import type * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { registerEmbeddedWorkflows } from './embeddedWorkflow';
import { createManifestReportView, ManifestReportProvider } from './manifestReport';
import { shareState } from './shareCommands';

export function registerShare(ctx: Ctx): vscode.Disposable[] {
  shareState.report = new ManifestReportProvider();
  return [createManifestReportView(shareState.report), registerEmbeddedWorkflows(ctx)];
}
