// Applying an LSP WorkspaceEdit to real files, as the editor would: CreateFile, versioned text
// document edits, RenameFile (after the text edits are written, refusing to overwrite) and plain `changes`. Open documents are updated through `openText`.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { WorkspaceEdit, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'plaintext', 0, text), [...edits]);
}

/** Apply `edit` to the files on disk; returns the new text of every touched file by path. */
export function applyWorkspaceEditToDisk(edit: WorkspaceEdit): Map<string, string> {
  const touched = new Map<string, string>();
  const read = (path: string) => touched.get(path) ?? (existsSync(path) ? readFileSync(path, 'utf8') : '');
  const apply = (uri: string, edits: readonly TextEdit[]) => {
    const path = URI.parse(uri).fsPath;
    touched.set(path, applyTextEdits(read(path), edits));
  };
  const renames: { from: string; to: string }[] = [];
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change && change.kind === 'rename') {
      renames.push({ from: URI.parse(change.oldUri).fsPath, to: URI.parse(change.newUri).fsPath });
    } else if ('kind' in change) {
      if (change.kind !== 'create') throw new Error(`unexpected resource operation ${change.kind}`);
      const path = URI.parse(change.uri).fsPath;
      if (!existsSync(path) || !change.options?.ignoreIfExists) touched.set(path, read(path));
    } else apply(change.textDocument.uri, change.edits as TextEdit[]);
  }
  for (const [uri, edits] of Object.entries(edit.changes ?? {})) apply(uri, edits);
  for (const [path, text] of touched) writeFileSync(path, text);
  for (const { from, to } of renames) {
    if (existsSync(to)) throw new Error(`rename target exists: ${to}`);
    mkdirSync(dirname(to), { recursive: true });
    renameSync(from, to);
  }
  return touched;
}
