// Reading the files the language features need (workflows, manifests) the way the user sees them:
// the open editor's text when the file is open, else the file on disk.
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';

export class WorkspaceFiles {
  private folders: string[] = [];

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  setFolders(uris: readonly string[]): void {
    this.folders = uris.map(uriToPath).sort((a, b) => b.length - a.length);
  }

  /** The workspace folder holding `path` (the innermost), else the file's own folder. */
  folderOf(path: string): string {
    return this.folders.find((f) => path === f || path.startsWith(f.endsWith('/') ? f : `${f}/`)) ?? dirname(path);
  }

  /** Open document for a path, if any. */
  openDocument(path: string): TextDocument | undefined {
    return this.documents.get(pathToUri(path));
  }

  /** Text of a file as the user sees it; undefined when it neither is open nor exists on disk. */
  read(path: string): string | undefined {
    const open = this.openDocument(path);
    if (open) return open.getText();
    try {
      if (!statSync(path).isFile()) return undefined; // reading a FIFO would block the server
      const text = readFileSync(path, 'utf8');
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text; // the editor hides a byte order mark too
    } catch {
      return undefined;
    }
  }
}

export const uriToPath = (uri: string): string => URI.parse(uri).fsPath;
export const pathToUri = (path: string): string => URI.file(path).toString();
