// Reading the files the language features need (workflows, manifests) the way the user sees them:
// the open editor's text when the file is open, else the file on disk.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';

export class WorkspaceFiles {
  private folders: string[] = [];
  private ordered: string[] = [];

  constructor(private readonly documents: TextDocuments<TextDocument>) {}

  setFolders(uris: readonly string[]): void {
    this.ordered = uris.map(uriToPath);
    this.folders = [...this.ordered].sort((a, b) => b.length - a.length);
  }

  /** The workspace folders' paths, in the workspace's order. */
  get workspaceFolders(): readonly string[] {
    return this.ordered;
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
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  }
}

export const uriToPath = (uri: string): string => URI.parse(uri).fsPath;
export const pathToUri = (path: string): string => URI.file(path).toString();
