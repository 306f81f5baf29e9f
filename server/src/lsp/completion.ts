// Completion of indexed model names inside a loader value: the category's names, ranked by the
// index's fuzzy search on what is typed so far; the item replaces the whole value. For LoRAs,
// ControlNets and IP-Adapters, models of the workflow's base model (that of its checkpoint) come first.
import { CompletionItem, CompletionItemKind, TextEdit, type CompletionList } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { IndexSnapshot, SearchHit } from '../core/index/snapshot';
import { baseModelLabel } from '../core/modelInfo/types';
import { isAddonCategory, workflowBaseModel } from '../core/resolve';
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
  const base = isAddonCategory(ref.category) ? workflowBaseModel(analysis.resolved) : undefined;
  let hits: SearchHit[] = index.search(typed, { category: ref.category, limit: LIMIT });
  if (base) {
    const fitting = index.search(typed, { category: ref.category, baseModel: base, limit: LIMIT });
    const first = new Set(fitting.map((h) => h.location));
    hits = [...fitting, ...hits.filter((h) => !first.has(h.location))].slice(0, LIMIT);
  }
  const range = rangeOf(doc, ref);
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  for (const { location } of hits) {
    if (seen.has(location.name)) continue;
    seen.add(location.name);
    const item = CompletionItem.create(location.name);
    item.kind = CompletionItemKind.File;
    const family = location.baseModel ? `${baseModelLabel(location.baseModel)} · ` : '';
    item.detail = `${location.category ?? 'model'} · ${family}${formatSize(location.size)}`;
    item.labelDetails = location.baseModel ? { description: baseModelLabel(location.baseModel) } : undefined;
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
      return modelCompletions(doc, await analyze(ctx, doc, view, token), view.snapshot, doc.offsetAt(params.position));
    }),
  );
}
