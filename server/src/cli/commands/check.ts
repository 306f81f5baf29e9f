// `comfy-models check <workflow.json|folder>...`: sync the index over the roots, resolve every
// reference of every workflow, report (DESIGN.md §12). Exit 1 when an active reference is missing,
// ambiguous or flagged; 2 when a file cannot be read or is broken JSON.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { workflowMappings } from '../../core/manifest/query';
import { workflowRelativePath } from '../../core/manifest/discover';
import { resolveReferences, workflowBaseModelMismatches, type ResolvedReference } from '../../core/resolve';
import { baseModelMismatchMessage } from '../../core/resolve/mismatchMessage';
import type { IndexQuery } from '../../core/types';
import { looksLikeWorkflow } from '../../core/workflow';
import type { CliCommand } from '../command';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, UsageError } from '../errors';
import { output, type CliContext } from '../context';
import { withSyncedIndex } from '../indexContext';
import { projectManifest } from '../projectManifest';
import { lineColumn, refJson, whereText, type RefJson } from './workflowFile';
import { loadWorkflowFile, type EmbeddedIn, type SourcedWorkflowFile } from './workflowSource';

interface CheckedRef extends RefJson {
  status: 'resolved' | 'ambiguous' | 'missing' | 'inactive';
  via?: string;
  flags?: string[];
  reason?: string;
  resolvedPath?: string;
  hash?: string;
  downloadUrls?: string[];
  candidates?: { relativePath: string; score: number; confidence: string }[];
}

interface CheckedWorkflow {
  path: string;
  embeddedIn?: EmbeddedIn;
  error?: { message: string; offset: number };
  references: CheckedRef[];
}

/** Workflow files named on the command line: files as given, folders searched for workflow JSON. */
export function workflowPaths(cwd: string, args: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const p = join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json') && looksLikeWorkflow(readFileSync(p, 'utf8'))) out.push(p);
    }
  };
  for (const arg of args) {
    const p = resolve(cwd, arg);
    if (existsSync(p) && statSync(p).isDirectory()) walk(p);
    else out.push(p);
  }
  return out;
}

function checked(r: ResolvedReference): CheckedRef {
  const base = refJson(r.reference);
  const res = r.resolution;
  const candidates = (list: { relativePath: string; score: number; confidence: string }[]) =>
    list.map((c) => ({ relativePath: c.relativePath, score: Number(c.score.toFixed(3)), confidence: c.confidence }));
  switch (res.status) {
    case 'resolved':
      return { ...base, status: 'resolved', via: res.via, flags: res.flags, resolvedPath: join(res.location.root, res.location.relativePath), hash: res.location.hash };
    case 'ambiguous':
      return { ...base, status: 'ambiguous', candidates: candidates(res.candidates) };
    case 'missing':
      return { ...base, status: 'missing', reason: res.reason, ...(res.hash ? { hash: res.hash } : {}), downloadUrls: res.downloadUrls, candidates: candidates(res.candidates) };
    default:
      return { ...base, status: 'inactive' };
  }
}

const isProblem = (r: CheckedRef): boolean => r.status === 'missing' || r.status === 'ambiguous' || (r.status === 'resolved' && !!r.flags?.length);

function refLine(r: CheckedRef, resolved: ResolvedReference, note?: string): string {
  const name = `${r.category ?? '?'}/${r.value}`;
  const where = whereText(resolved.reference);
  if (r.status === 'inactive') return `  ○ ${name}  ${where}  (inactive)\n`;
  if (r.status === 'ambiguous') return `  ⚠ ${name}  ${where}  ambiguous: ${r.candidates!.map((c) => c.relativePath).join(', ')}\n`;
  if (r.status === 'missing') {
    const best = r.candidates?.[0];
    const hints = [r.reason === 'mapped-model-gone' ? `mapped model ${r.hash} is gone` : 'missing', best ? `did you mean ${best.relativePath} (${best.confidence})?` : '', r.downloadUrls?.[0] ? `download: ${r.downloadUrls[0]}` : ''];
    return `  ✖ ${name}  ${where}  ${hints.filter(Boolean).join('; ')}\n`;
  }
  const flagged = r.flags?.length ? `  ⚠ ${r.flags.join(', ')}` : '';
  return `  ${r.flags?.length ? '⚠' : '✔'} ${name}  ${where}  → ${r.resolvedPath} (${r.via})${flagged}\n${note ? `      ${note}\n` : ''}`;
}

export type Project = ReturnType<typeof projectManifest>;

export const mappingsFor = (project: Project, workflowPath: string) => project && workflowMappings(project.manifest, workflowRelativePath(project.path, workflowPath));

function checkOne(project: Project, wf: SourcedWorkflowFile, index: IndexQuery): { json: CheckedWorkflow; text: string; problem: boolean } {
  const [error] = wf.parsed.errors;
  if (error) {
    return { json: { path: wf.path, error: { message: error.message, offset: error.offset }, references: [] }, text: `${wf.path}:${lineColumn(wf.text, error.offset)}: ${error.message}\n`, problem: true };
  }
  const resolved = resolveReferences(wf.parsed.references, { index, mappings: mappingsFor(project, wf.path) });
  const refs = resolved.map(checked);
  const notes = new Map<ResolvedReference, string>();
  for (const m of workflowBaseModelMismatches(wf.text, resolved)) {
    const i = resolved.findIndex((r) => r.reference === m.reference);
    refs[i].flags = [...(refs[i].flags ?? []), 'base-model-mismatch'];
    notes.set(resolved[i], baseModelMismatchMessage(m));
  }
  const problems = refs.filter(isProblem).length;
  const header = wf.parsed.format ? `${wf.path}: ${refs.length} references, ${problems} problem${problems === 1 ? '' : 's'}\n` : `${wf.path}: not a ComfyUI workflow\n`;
  return { json: { path: wf.path, ...(wf.embeddedIn ? { embeddedIn: wf.embeddedIn } : {}), references: refs }, text: header + refs.map((r, i) => refLine(r, resolved[i], notes.get(resolved[i]))).join(''), problem: problems > 0 };
}

export const checkCommand: CliCommand = {
  usage: 'check <workflow.json|image|folder>...',
  async run(ctx: CliContext): Promise<number> {
    const args = ctx.args.positionals.slice(1);
    if (!args.length) throw new UsageError('check needs workflow files or folders');
    const files = workflowPaths(ctx.io.cwd, args);
    const noRoots = () => ctx.io.stderr('comfy-models: no model folders given (--models-dir DIR or `dir add`): checking against the index as it is\n');
    return withSyncedIndex(ctx, async (store) => {
      const index = store.snapshot();
      const project = projectManifest(ctx); // once for every workflow checked
      let broken = false;
      let problem = false;
      const results: ReturnType<typeof checkOne>[] = [];
      for (const path of files) {
        let wf: SourcedWorkflowFile;
        try {
          wf = await loadWorkflowFile(path);
        } catch (err) {
          broken = true;
          const message = err instanceof Error ? err.message : String(err);
          results.push({ json: { path, error: { message, offset: 0 }, references: [] }, text: `${path}: ${message}\n`, problem: true });
          continue;
        }
        const r = checkOne(project, wf, index);
        if (wf.parsed.errors.length) broken = true;
        else problem ||= r.problem;
        results.push(r);
      }
      output(ctx, { workflows: results.map((r) => r.json) }, () => results.map((r) => r.text).join('\n'));
      return broken ? EXIT_USAGE : problem ? EXIT_FAILED : EXIT_OK;
    }, noRoots);
  },
};
