// Whether this workspace has anything for Comfy Models: a ComfyUI workflow or a comfydock/comfygit
// manifest, open or on disk. Until one turns up (or a Comfy Models view or command is used) the
// language server is not started, so a plain Python or JSON project pays for nothing but this look.
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** Bytes read of a file on disk: the markers sit near the top of a workflow and anywhere in a small manifest. */
const SNIFF_BYTES = 64 * 1024;
/** Files looked at on disk, per kind: enough for a project, bounded for a monorepo. */
const MAX_FILES = 200;
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.venv/**,**/venv/**}';

/** A ComfyUI workflow (UI format: "nodes" and "links"; API format: "class_type") or a comfydock/comfygit manifest. */
export function isComfyText(fileName: string, text: string): boolean {
  const name = path.basename(fileName).toLowerCase();
  if (name === 'pyproject.toml') return text.includes('[tool.comfydock') || text.includes('[tool.comfygit');
  if (!name.endsWith('.json')) return false;
  return (text.includes('"nodes"') && text.includes('"links"')) || text.includes('"class_type"');
}

async function head(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.toString('utf8', 0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Look at the workspace's manifests and JSON files (bounded); resolves with the first ComfyUI file found. */
export async function findComfyFile(token?: vscode.CancellationToken): Promise<vscode.Uri | undefined> {
  for (const glob of ['**/pyproject.toml', '**/*.json']) {
    const uris = await vscode.workspace.findFiles(glob, EXCLUDE, MAX_FILES, token);
    for (const uri of uris) {
      if (token?.isCancellationRequested) return undefined;
      if (uri.scheme !== 'file') continue;
      try {
        if (isComfyText(uri.fsPath, await head(uri.fsPath))) return uri;
      } catch {
        // unreadable: not ours to report
      }
    }
  }
  return undefined;
}

/** Calls `found` once, for the first open (or opened) document that is a ComfyUI file. */
export function watchOpenDocuments(found: (doc: vscode.TextDocument) => void): vscode.Disposable {
  const look = (doc: vscode.TextDocument) => doc.uri.scheme === 'file' && isComfyText(doc.fileName, doc.getText().slice(0, SNIFF_BYTES));
  const hit = vscode.workspace.textDocuments.find(look);
  if (hit) {
    found(hit);
    return new vscode.Disposable(() => undefined);
  }
  const sub = vscode.workspace.onDidOpenTextDocument((doc) => {
    if (!look(doc)) return;
    sub.dispose();
    found(doc);
  });
  return sub;
}
