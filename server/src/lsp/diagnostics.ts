// Turning resolutions and manifest checks into LSP diagnostics (DESIGN.md §8): stable codes, the
// severities of the table, messages that name the category, the best candidate and a download
// source, and ranges that cover the value inside its quotes.
import { type CancellationToken, Diagnostic, DiagnosticSeverity, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { IndexSnapshot } from '../core/index/snapshot';
import { manifestModelStatus } from '../core/manifest/query';
import type { Manifest } from '../core/manifest/types';
import { normalizeRelativePath } from '../core/categories';
import { runSteps, runStepsCancellable, type Steps } from '../core/steps';
import type { Span } from '../core/text';
import type { ResolvedReference } from '../core/resolve';
import type { WorkflowAnalysis } from './analysis';
import { baseModelMismatchMessage } from '../core/resolve/mismatchMessage';
import { hostOf } from './format';
import { signalOf } from './cancellation';
import { createDiagnosticsChannel, type DiagnosticsChannel } from './diagnosticsChannel';
import { rangesOf } from './positions';
import { analyze, isManifest, openManifest, type FeatureContext } from './featureContext';

export const SOURCE = 'comfy-models';

export type DiagnosticCode =
  | 'missing-model'
  | 'mapped-model-gone'
  | 'ambiguous-model'
  | 'wrong-folder'
  | 'category-mismatch'
  | 'missing-embedding'
  | 'invalid-workflow'
  | 'mapped-path-differs'
  | 'manifest-model-not-local'
  | 'manifest-invalid'
  | 'manifest-unknown-hash'
  | 'base-model-mismatch';

/** What code actions need to find the diagnostic's subject again. */
export type DiagnosticData = { kind: 'reference'; offset: number } | { kind: 'manifest-hash'; hash: string };

export function rangeOf(doc: TextDocument, span: Span): Range {
  return Range.create(doc.positionAt(span.offset), doc.positionAt(span.offset + Math.max(span.length, 0)));
}

/** A span without the quotes around it, when it is a quoted string or key. */
export function unquoted(text: string, span: Span): Span {
  const first = text[span.offset];
  const last = text[span.offset + span.length - 1];
  if (span.length >= 2 && (first === '"' || first === "'") && last === first) return { offset: span.offset + 1, length: span.length - 2 };
  return span;
}

const NO_RANGE = Range.create(0, 0, 0, 0);

/**
 * Diagnostics of one document, their ranges filled in at the end in one pass over the text
 * (positions.ts): a big file's hundred thousand diagnostics do not each search a line table.
 */
class DiagnosticList {
  private readonly out: Diagnostic[] = [];
  private readonly spans: Span[] = [];

  add(span: Span, severity: DiagnosticSeverity, code: DiagnosticCode, message: string, data?: DiagnosticData): Diagnostic {
    const d = Diagnostic.create(NO_RANGE, message, severity, code, SOURCE);
    if (data) d.data = data;
    this.out.push(d);
    this.spans.push(span);
    return d;
  }

  finish(doc: TextDocument): Diagnostic[] {
    const ranges = rangesOf(doc.getText(), this.spans);
    this.out.forEach((d, i) => (d.range = ranges[i]));
    return this.out;
  }
}

const where = (category: string | null) => (category ? `${category}/` : 'any model folder');

/**
 * How many distinct missing names a diagnostics run searches the index for, to name the closest model
 * in the message. Each search reads a whole category list; a workflow with thousands of missing names
 * would spend seconds on messages nobody reads at once. Beyond this, the message omits the closest
 * model; the hover and the quick fixes of that reference still search it (when asked).
 */
export const NAMED_CANDIDATE_SEARCHES = 100;

function missingMessage(r: ResolvedReference & { resolution: { status: 'missing' } }, searched: Set<string>): string {
  const { reference: ref, resolution } = r;
  const parts = [`Model '${ref.value}' was not found in ${where(ref.category)}.`];
  const key = `${ref.category ?? ''}\u0000${ref.value}`;
  if (!searched.has(key) && searched.size < NAMED_CANDIDATE_SEARCHES) searched.add(key);
  const best = searched.has(key) ? resolution.candidates[0] : undefined;
  // A weak ("possible") match is named in the hover, not in the message: it is usually noise.
  if (best && best.confidence !== 'possible') parts.push(`Closest indexed model: '${best.location.name}' (${Math.round(best.score * 100)}%, ${best.confidence}).`);
  if (resolution.downloadUrls[0]) parts.push(`Download source: ${hostOf(resolution.downloadUrls[0])}.`);
  return parts.join(' ');
}

/** References turned into diagnostics in one step, at most (a search for a closest model ends a step too). */
const DIAGNOSTICS_SLICE = 2_000;

export function workflowDiagnostics(doc: TextDocument, analysis: WorkflowAnalysis): Diagnostic[] {
  return runSteps(workflowDiagnosticSteps(doc, analysis));
}

/** workflowDiagnostics for the language server: in steps with turns between them, stopped by `signal` (core/steps.ts). */
export function workflowDiagnosticsCancellable(doc: TextDocument, analysis: WorkflowAnalysis, signal?: AbortSignal): Promise<Diagnostic[]> {
  return runStepsCancellable(workflowDiagnosticSteps(doc, analysis), signal);
}

function* workflowDiagnosticSteps(doc: TextDocument, analysis: WorkflowAnalysis): Steps<Diagnostic[]> {
  if (!analysis.isWorkflow) return [];
  const out = new DiagnosticList();
  const searched = new Set<string>();
  for (const e of analysis.parsed.errors) {
    out.add({ offset: e.offset, length: Math.max(e.length, 1) }, DiagnosticSeverity.Error, 'invalid-workflow', `This workflow cannot be read: ${e.message}.`);
  }
  let sinceTurn = 0;
  for (const r of analysis.resolved) {
    const searches = searched.size;
    if (++sinceTurn > DIAGNOSTICS_SLICE) {
      sinceTurn = 0;
      yield;
    }
    const { reference: ref, resolution } = r;
    const data: DiagnosticData = { kind: 'reference', offset: ref.offset };
    switch (resolution.status) {
      case 'missing': {
        if (resolution.reason === 'mapped-model-gone') {
          const entry = analysis.manifest.manifest.models.find((m) => m.hash === resolution.hash);
          const source = entry?.sources[0];
          const msg = `'${ref.value}' is mapped in pyproject.toml to model ${resolution.hash}${entry?.filename ? ` (${entry.filename})` : ''}, which has no file any more.${source ? ` Download source: ${hostOf(source.url)}.` : ''}`;
          out.add(ref, DiagnosticSeverity.Error, 'mapped-model-gone', msg, data);
        } else if (ref.kind === 'embedding') {
          out.add(ref, DiagnosticSeverity.Warning, 'missing-embedding', `Embedding '${ref.value}' was not found in embeddings/ (ComfyUI will ignore it).`, data);
        } else {
          out.add(ref, DiagnosticSeverity.Error, 'missing-model', missingMessage(r as ResolvedReference & { resolution: { status: 'missing' } }, searched), data);
        }
        break;
      }
      case 'ambiguous': {
        const names = resolution.candidates.slice(0, 4).map((c) => `'${c.location.name}'`).join(', ');
        out.add(ref, DiagnosticSeverity.Warning, 'ambiguous-model', `Several files match '${ref.value}' in other folders: ${names}. ComfyUI will not load it as written.`, data);
        break;
      }
      case 'resolved': {
        const { location, flags, via } = resolution;
        if (flags.includes('category-mismatch')) {
          out.add(ref, DiagnosticSeverity.Warning, 'category-mismatch', `'${ref.value}' is only in ${location.category ?? 'a model root'}/ ('${location.name}'), not in ${where(ref.category)}: this loader will not find it.`, data);
        } else if (flags.includes('wrong-folder')) {
          out.add(ref, DiagnosticSeverity.Warning, 'wrong-folder', `'${ref.value}' is not at this path in ${where(ref.category)}; it was found as '${location.name}'. ComfyUI will not load it as written.`, data);
        } else if (via === 'mapping' && location.name !== normalizeRelativePath(ref.value)) {
          // Information, not a faded hint: the mapping serves this extension and ComfyDock, but ComfyUI
          // loading the workflow as written still looks for the old name.
          const msg = `Mapped in pyproject.toml to '${location.name}' (workflow unchanged): ComfyUI itself will look for '${ref.value}'.`;
          out.add(ref, DiagnosticSeverity.Information, 'mapped-path-differs', msg, data);
        }
        break;
      }
      case 'inactive':
        break;
    }
    // A closest-model search reads a whole category list: a turn after each.
    if (searched.size !== searches) {
      sinceTurn = 0;
      yield;
    }
  }
  for (const m of analysis.mismatches) {
    out.add(m.reference, DiagnosticSeverity.Warning, 'base-model-mismatch', baseModelMismatchMessage(m), { kind: 'reference', offset: m.reference.offset });
  }
  return out.finish(doc);
}

export function manifestDiagnostics(doc: TextDocument, manifest: Manifest, index: IndexSnapshot): Diagnostic[] {
  const text = doc.getText();
  const out = new DiagnosticList();
  for (const p of manifest.problems) out.add({ offset: p.offset, length: Math.max(p.length, 1) }, DiagnosticSeverity.Error, 'manifest-invalid', p.message);
  if (manifest.malformed) return out.finish(doc);
  const status = manifestModelStatus(manifest, index);
  for (const m of status.models) {
    if (m.local) continue;
    const name = m.model.filename ?? m.model.hash;
    const source = m.model.sources[0];
    const msg = `'${name}' (${m.model.hash}) has no local file in any model folder.${source ? ` Download source: ${hostOf(source.url)}.` : ' No download source is recorded.'}`;
    out.add(unquoted(text, m.model.keySpan), DiagnosticSeverity.Warning, 'manifest-model-not-local', msg, { kind: 'manifest-hash', hash: m.model.hash });
  }
  for (const u of status.unknownMappedHashes) {
    out.add(unquoted(text, u.span), DiagnosticSeverity.Warning, 'manifest-unknown-hash', `Workflow '${u.workflow}' maps '${u.reference}' to ${u.hash}, which is not in [tool.comfydock.models.*].`, {
      kind: 'manifest-hash',
      hash: u.hash,
    });
  }
  return out.finish(doc);
}

/**
 * Diagnostics of workflows and manifests, pulled or pushed as the client declared
 * (diagnosticsChannel.ts): one computation serves both.
 */
export function registerDiagnostics(ctx: FeatureContext): DiagnosticsChannel {
  const compute = async (doc: TextDocument, token: CancellationToken): Promise<Diagnostic[]> => {
    const view = ctx.index.view();
    if (isManifest(doc.uri)) return manifestDiagnostics(doc, openManifest(ctx, doc), view.snapshot);
    return workflowDiagnosticsCancellable(doc, await analyze(ctx, doc, view, token), signalOf(token));
  };
  const { connection, documents, client, log, now } = ctx;
  return createDiagnosticsChannel({ connection, documents, client, compute, log, now });
}
