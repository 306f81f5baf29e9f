// Reading the files the language features need (workflows, manifests) the way the user sees them:
// the open editor's text when the file is open, else the file on disk as the manifest cache read it.
import { dirname } from 'node:path';
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { ManifestLocation } from '../core/manifest/discover';
import { ManifestCache } from '../engine/manifestCache';

export class WorkspaceFiles {
  private folders: string[] = [];
  private ordered: string[] = [];

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    readonly manifests = new ManifestCache(),
  ) {}

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

  /** Text of a manifest as the user sees it; undefined when it neither is open nor exists on disk. */
  read(path: string): string | undefined {
    const open = this.openDocument(path);
    return open ? open.getText() : this.manifests.diskText(path);
  }

  /** Read ahead, without blocking, what manifestOf(workflowFile) needs from disk. */
  loadManifestOf(workflowFile: string): Promise<void> {
    return this.manifests.load(workflowFile, this.folderOf(workflowFile));
  }

  /** The manifest that belongs to a workflow file (discovery from cached facts). */
  manifestOf(workflowFile: string): ManifestLocation {
    return this.manifests.find(workflowFile, this.folderOf(workflowFile));
  }
}

export const uriToPath = (uri: string): string => URI.parse(uri).fsPath;
export const pathToUri = (path: string): string => URI.file(path).toString();
