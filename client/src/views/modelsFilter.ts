// The Models view's filter (text, or `category:<name>` with optional text) and its grouping (by
// category, by root or by base model). Both show in the view's description and in context keys for
// the title actions.
import * as vscode from 'vscode';
import type { ModelTreeGrouping } from '../../../server/src/protocol/trees';
import type { Ctx } from '../ctx';
import { parseQuery } from '../palette';

/** Set the filter from `value` (undefined: ask for it; empty: clear it). */
export async function filterModels(ctx: Ctx, value?: string): Promise<void> {
  const { models, modelsView } = ctx.views;
  const current = [models.filter.category && `category:${models.filter.category}`, models.filter.text].filter(Boolean).join(' ');
  const text = value ?? (await vscode.window.showInputBox({ title: 'Filter Models', prompt: 'Part of a name or path, a hash prefix, and/or category:<name>', value: current }));
  if (text === undefined) return;
  const { query, category } = parseQuery(text);
  models.filter = { ...(query.trim() && { text: query.trim() }), ...(category && { category }) };
  modelsView.description = text.trim() ? `filter: ${text.trim()}` : undefined;
  await vscode.commands.executeCommand('setContext', 'comfyModels.modelsFiltered', !!text.trim());
}

export async function setGrouping(ctx: Ctx, groupBy: ModelTreeGrouping): Promise<void> {
  ctx.views.models.groupBy = groupBy;
  await vscode.commands.executeCommand('setContext', 'comfyModels.groupBy', groupBy);
}
