// The Workflows view's data: each workspace workflow analysed as the editor would (open text when
// open, else the file on disk), summarised as "N models · M missing", and its references with status.
import { readFile } from 'node:fs/promises';
import type { CancellationToken } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { normalizeRelativePath } from '../core/categories';
import type { ResolvedReference } from '../core/resolve';
import type { IndexView } from '../engine/indexHost';
import type { ReferenceStatus, WorkflowReferenceItem, WorkflowSummary } from '../protocol/trees';
import type { Settings } from '../settings';
import type { WorkflowAnalysis, WorkflowAnalyzer } from '../lsp/analysis';
import { pathToUri, uriToPath, type WorkspaceFiles } from '../lsp/workspaceFiles';
import type { WorkflowScanner } from './workflowScan';

export interface WorkflowDeps {
  scanner: WorkflowScanner;
  analyzer: WorkflowAnalyzer;
  files: WorkspaceFiles;
  /** This window's scoped index view (engine/indexHost.ts). */
  view(): IndexView;
  settings(uri: string): Promise<Settings>;
}

/** A reference's status in the view: the same reading as its diagnostic (diagnostics.ts). */
export function referenceStatus(r: ResolvedReference, analysis?: Pick<WorkflowAnalysis, 'mismatches'>): ReferenceStatus {
  const res = r.resolution;
  if (res.status !== 'resolved') return res.status;
  if (res.flags.length) return 'wrong-folder';
  if (analysis?.mismatches.some((m) => m.reference.offset === r.reference.offset)) return 'base-model-mismatch';
  if (res.via === 'mapping' && res.location.name !== normalizeRelativePath(r.reference.value)) return 'mapped';
  return 'resolved';
}

const WARNINGS = new Set<ReferenceStatus>(['ambiguous', 'wrong-folder', 'base-model-mismatch']);

function referenceDetail(r: ResolvedReference): string {
  const res = r.resolution;
  switch (res.status) {
    case 'resolved':
      if (res.flags.includes('wrong-folder')) return `found in another folder: ${res.location.relativePath}`;
      if (res.flags.includes('category-mismatch')) return `found in another category: ${res.location.relativePath}`;
      return res.via === 'mapping' ? `mapped to ${res.location.relativePath}` : res.location.relativePath;
    case 'ambiguous':
      return `${res.candidates.length} files match`;
    case 'missing':
      return res.reason === 'mapped-model-gone' ? 'mapped model is not on disk' : res.candidates.length ? `not found (closest: ${res.candidates[0].location.name})` : 'not found';
    case 'inactive':
      return 'node is muted or bypassed';
  }
}

export class WorkspaceWorkflows {
  constructor(private readonly deps: WorkflowDeps) {}

  /** A workflow's analysis, from the open editor or the file on disk. */
  private async analyze(path: string, diskText?: string, mtimeMs = 0): Promise<{ doc: TextDocument; analysis: WorkflowAnalysis }> {
    const uri = pathToUri(path);
    const doc = this.deps.files.openDocument(path) ?? TextDocument.create(uri, 'json', -Math.floor(mtimeMs), diskText ?? (await readFile(path, 'utf8')));
    // The manifest is read ahead (manifest cache): the analysis itself does no disk I/O.
    const [settings] = await Promise.all([this.deps.settings(uri), this.deps.files.loadManifestOf(path)]);
    const view = this.deps.view();
    return { doc, analysis: await this.deps.analyzer.analyze(doc, view.snapshot, settings, view.fuzzy) };
  }

  /** The analysis of one workflow document (open text, else the file on disk). */
  async analyzeUri(uri: string): Promise<{ doc: TextDocument; analysis: WorkflowAnalysis }> {
    return this.analyze(uriToPath(uri));
  }

  /** Every workspace workflow with its analysis (open documents from their buffers), in path order. */
  async all(token?: CancellationToken): Promise<{ path: string; doc: TextDocument; analysis: WorkflowAnalysis }[]> {
    const out: { path: string; doc: TextDocument; analysis: WorkflowAnalysis }[] = [];
    for (const w of await this.deps.scanner.workflows(token)) {
      if (token?.isCancellationRequested) break;
      const { doc, analysis } = await this.analyze(w.path, w.text, w.mtimeMs);
      if (analysis.parsed.format) out.push({ path: w.path, doc, analysis });
    }
    return out;
  }

  async summaries(token?: CancellationToken): Promise<WorkflowSummary[]> {
    const out: WorkflowSummary[] = [];
    for (const w of await this.deps.scanner.workflows(token)) {
      if (token?.isCancellationRequested) break;
      const { analysis } = await this.analyze(w.path, w.text, w.mtimeMs);
      if (!analysis.parsed.format) continue;
      const active = analysis.resolved.filter((r) => r.reference.active);
      const statuses = active.map((r) => referenceStatus(r, analysis));
      const folder = this.deps.files.folderOf(w.path);
      out.push({
        uri: pathToUri(w.path),
        label: w.path.startsWith(folder) ? w.path.slice(folder.length).replace(/^[\\/]+/, '') : w.path,
        format: analysis.parsed.format,
        models: active.length,
        missing: statuses.filter((s) => s === 'missing').length,
        warnings: statuses.filter((s) => WARNINGS.has(s)).length,
        mapped: statuses.filter((s) => s === 'mapped').length,
      });
    }
    return out;
  }

  async references(uri: string): Promise<WorkflowReferenceItem[]> {
    const { doc, analysis } = await this.analyze(uriToPath(uri));
    return analysis.resolved.map((r) => {
      const { nodeId, nodeType, value, category, offset, length } = r.reference;
      const res = r.resolution;
      return {
        uri,
        nodeId,
        nodeType,
        value,
        category,
        status: referenceStatus(r, analysis),
        detail: referenceDetail(r),
        ...(res.status === 'resolved' && { hash: res.location.hash }),
        offset,
        length,
        range: { start: doc.positionAt(offset), end: doc.positionAt(offset + length) },
      };
    });
  }

  /** Workflows with a reference that resolves to the model `hash`. */
  async usersOf(hash: string, token?: CancellationToken): Promise<{ uri: string; label: string }[]> {
    const out: { uri: string; label: string }[] = [];
    for (const w of await this.deps.scanner.workflows(token)) {
      const { analysis } = await this.analyze(w.path, w.text, w.mtimeMs);
      if (analysis.resolved.some((r) => r.resolution.status === 'resolved' && r.resolution.location.hash === hash)) {
        const folder = this.deps.files.folderOf(w.path);
        out.push({ uri: pathToUri(w.path), label: w.path.slice(folder.length).replace(/^[\\/]+/, '') });
      }
    }
    return out;
  }
}
