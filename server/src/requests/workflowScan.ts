// Finds the workflows of the workspace by content, not by name: walks the workspace folders once
// (asynchronously, skipping hidden folders, node_modules and files too big to be workflows), then keeps
// the list current from file events. Each JSON file is sniffed once per modification time.
import { promises as fsp } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { CancellationToken } from 'vscode-languageserver';
import type { Logger } from '../core/log';
import { looksLikeWorkflow } from '../core/workflow';

/** Workflows of a few MB are common; a JSON file far above that is a data dump, not a workflow. */
export const MAX_WORKFLOW_BYTES = 32 * 1024 * 1024;
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'venv', 'site-packages']);

export interface WorkflowFile {
  path: string;
  mtimeMs: number;
  /** The text as on disk when it was sniffed (analysed for the view without reading again). */
  text: string;
}

type Sniffed = { mtimeMs: number; size: number; workflow?: WorkflowFile };

export class WorkflowScanner {
  /** JSON files under the folders, found by the walk and kept current by file events. */
  private candidates: Promise<Set<string>> | undefined;
  private readonly sniffed = new Map<string, Sniffed>();

  constructor(
    private readonly folders: () => readonly string[],
    private readonly log: Logger,
  ) {}

  /** The folders changed: walk again on the next request. */
  reset(): void {
    this.candidates = undefined;
  }

  /** A JSON file was created, changed or deleted (didChangeWatchedFiles). */
  async fileChanged(path: string, deleted: boolean): Promise<void> {
    if (!this.candidates) return;
    const set = await this.candidates;
    if (deleted) {
      set.delete(path);
      this.sniffed.delete(path);
    } else if (this.walked(path)) set.add(path);
  }

  /** Every workflow file, sorted by path. */
  async workflows(token?: CancellationToken): Promise<WorkflowFile[]> {
    const candidates = await (this.candidates ??= this.walk());
    const out: WorkflowFile[] = [];
    for (const path of [...candidates].sort()) {
      if (token?.isCancellationRequested) break;
      const w = await this.sniff(path);
      if (w) out.push(w);
    }
    return out;
  }

  private async sniff(path: string): Promise<WorkflowFile | undefined> {
    let stat;
    try {
      stat = await fsp.stat(path);
    } catch {
      this.sniffed.delete(path);
      return undefined;
    }
    const hit = this.sniffed.get(path);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.workflow;
    let workflow: WorkflowFile | undefined;
    if (stat.isFile() && stat.size <= MAX_WORKFLOW_BYTES) {
      const text = await fsp.readFile(path, 'utf8').catch(() => '');
      if (looksLikeWorkflow(text)) workflow = { path, mtimeMs: stat.mtimeMs, text };
    }
    this.sniffed.set(path, { mtimeMs: stat.mtimeMs, size: stat.size, workflow });
    return workflow;
  }

  /** Whether the walk would have found this JSON file (events also report hidden and skipped folders). */
  private walked(path: string): boolean {
    const folder = this.folders().find((f) => path.startsWith(f.endsWith(sep) ? f : f + sep));
    if (!folder || !path.toLowerCase().endsWith('.json')) return false;
    return !relative(folder, path).split(sep).some((seg) => seg.startsWith('.') || SKIPPED_FOLDERS.has(seg));
  }

  private async walk(): Promise<Set<string>> {
    const found = new Set<string>();
    const visit = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch (err) {
        this.log.warn(`Cannot list ${dir} for workflows: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith('.')) continue;
        const path = join(dir, e.name);
        // Symbolic links are not followed: a link to a model library or back up the tree would be walked forever.
        if (e.isDirectory() && !SKIPPED_FOLDERS.has(e.name)) await visit(path);
        else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) found.add(path);
      }
    };
    for (const folder of this.folders()) await visit(folder);
    return found;
  }
}
