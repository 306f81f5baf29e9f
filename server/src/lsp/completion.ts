// Completion of indexed model names inside a loader value: the category's names, ranked by the
// index's fuzzy search on what is typed so far; the item replaces the whole value.
import { CompletionItem, CompletionItemKind, TextEdit, type CompletionList } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { IndexSnapshot } from '../core/index/snapshot';
import type { WorkflowAnalysis } from './analysis';
import { rangeOf } from './diagnostics';
import { formatSize } from '../protocol/format';
import { jsonStringBody } from './format';
import { referenceAt } from './referenceAt';
import { analyze, isJson, type FeatureContext } from './featureContext';
import { runSafe } from './runSafe';

const LIMIT = 100;

export function modelCompletions(doc: TextDocument, analysis: WorkflowAnalysis, index: IndexSnapshot, offset: number): CompletionList | null {
  const r = referenceAt(analysis, offset);
  if (!r || r.reference.kind === 'embedding') return null;
  const ref = r.reference;
  const typed = doc.getText().slice(ref.offset, offset).replace(/\\\\/g, '/');
  const hits = index.search(typed, { category: ref.category, limit: LIMIT });
  const range = rangeOf(doc, ref);
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const { location } of hits) {
    if (seen.has(location.name)) continue;
    seen.add(location.name);
    const item = CompletionItem.create(location.name);
    item.kind = CompletionItemKind.File;
    item.detail = `${location.category ?? 'model'} · ${formatSize(location.size)}`;
    item.documentation = `${location.root}/${location.relativePath}`;
    item.textEdit = TextEdit.replace(range, jsonStringBody(location.name));
    item.filterText = location.name;
    item.sortText = String(items.length).padStart(4, '0');
    items.push(item);
  }
  return { isIncomplete: hits.length >= LIMIT, items };
}

/** Completion of model names inside loader values. */
export function registerCompletion(ctx: FeatureContext): void {
  ctx.connection.onCompletion((params, token) =>
    runSafe(ctx.log, token, 'completion', null, async () => {
      const doc = ctx.documents.get(params.textDocument.uri);
      if (!doc || !isJson(doc)) return null;
      const view = ctx.index.view();
      return modelCompletions(doc, await analyze(ctx, doc, view), view.snapshot, doc.offsetAt(params.position));
    }),
  );
}
