// Workflows inside ComfyUI outputs (PNG/WebP/FLAC/MP4) as read-only JSON documents on the
// `comfy-embedded:` scheme. The URI path is the file's path + EMBEDDED_SUFFIX: the server finds the
// manifest from the file's real folder, and the language client's selector includes the scheme, so the
// document gets the same diagnostics, hover and install plan as a workflow file.
import * as vscode from 'vscode';
import { EMBEDDED_SCHEME, EMBEDDED_SUFFIX, EmbeddedWorkflowRequest } from '../../../server/src/protocol';
import type { Ctx } from '../ctx';

export function embeddedUri(file: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: EMBEDDED_SCHEME, path: file.path + EMBEDDED_SUFFIX });
}

export function registerEmbeddedWorkflows(ctx: Ctx): vscode.Disposable {
  const provider: vscode.TextDocumentContentProvider = {
    async provideTextDocumentContent(uri) {
      await ctx.start(`embedded workflow ${uri.path}`);
      const file = vscode.Uri.file(uri.path.slice(0, -EMBEDDED_SUFFIX.length));
      const found = await ctx.client.sendRequest(EmbeddedWorkflowRequest.type, { path: file.fsPath });
      if (!found) throw new Error(`${file.fsPath} has no embedded ComfyUI workflow`);
      return found.text;
    },
  };
  return vscode.workspace.registerTextDocumentContentProvider(EMBEDDED_SCHEME, provider);
}

/** Open the workflow embedded in `file` (asked for with a file picker when not given). */
export async function openEmbeddedWorkflow(file?: vscode.Uri): Promise<vscode.TextEditor | undefined> {
  if (!(file instanceof vscode.Uri)) {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Open Embedded Workflow', filters: { 'ComfyUI outputs': ['png', 'webp', 'flac', 'mp4'] } });
    file = picked?.[0];
  }
  if (!file) return undefined;
  const doc = await vscode.workspace.openTextDocument(embeddedUri(file));
  const json = doc.languageId === 'json' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'json');
  return vscode.window.showTextDocument(json, { preview: false });
}
