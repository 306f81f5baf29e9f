// "Search Model Index…": a QuickPick over the server's index. Each keystroke cancels the previous
// request; with a reference (from a quick fix) the pick is applied as a manifest mapping or a
// replacement of the value in the workflow.
import * as vscode from 'vscode';
import { FixEditRequest, type ReferenceTarget, type SearchModelItem, SearchModelsRequest } from '../../server/src/protocol';
import { formatSize } from '../../server/src/protocol';
import type { Ctx } from './ctx';

interface ModelPick extends vscode.QuickPickItem {
  model: SearchModelItem;
}


/** Let the user pick an indexed model; resolves undefined when the pick is dismissed. */
export function pickModel(ctx: Ctx, options: { category?: string | null; similarTo?: string; title: string }): Promise<SearchModelItem | undefined> {
  const qp = vscode.window.createQuickPick<ModelPick>();
  qp.title = options.title;
  qp.placeholder = options.category ? `Search ${options.category} by name, path or hash` : 'Search models by name, path or hash';
  qp.matchOnDescription = true;
  qp.matchOnDetail = true;
  let pending: vscode.CancellationTokenSource | undefined;

  const search = async (query: string) => {
    pending?.cancel();
    const cts = (pending = new vscode.CancellationTokenSource());
    qp.busy = true;
    try {
      const items = await ctx.client.sendRequest(SearchModelsRequest.type, { query, category: options.category, similarTo: options.similarTo, limit: 200 }, cts.token);
      if (cts.token.isCancellationRequested) return;
      qp.items = items.map((model) => ({
        label: model.relativePath,
        description: model.category ?? undefined,
        detail: `${formatSize(model.size)} · ${model.hash} · ${model.root}`,
        alwaysShow: true,
        model,
      }));
    } catch (err) {
      if (!cts.token.isCancellationRequested) ctx.log.warn(`Model search failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      if (pending === cts) qp.busy = false;
      cts.dispose();
    }
  };

  return new Promise((resolve) => {
    const disposables: vscode.Disposable[] = [
      qp.onDidChangeValue((v) => void search(v)),
      qp.onDidAccept(() => {
        resolve(qp.selectedItems[0]?.model);
        qp.hide();
      }),
      qp.onDidHide(() => {
        resolve(undefined);
        pending?.cancel();
        disposables.forEach((d) => d.dispose());
        qp.dispose();
      }),
    ];
    qp.show();
    void search('');
  });
}

/** The quick fix "Search model index…": pick a model, then map or replace the reference with it. */
export async function resolveReferenceInteractively(ctx: Ctx, reference: ReferenceTarget): Promise<boolean> {
  const model = await pickModel(ctx, { category: reference.category, similarTo: reference.value, title: `Resolve '${reference.value}'` });
  if (!model) return false;
  const how = await vscode.window.showQuickPick(
    [
      { label: `Map to '${model.relativePath}'`, detail: 'Record the mapping in pyproject.toml; the workflow stays as it is.', fix: 'map' as const },
      { label: `Replace with '${model.name}'`, detail: 'Rewrite the model name in the workflow JSON.', fix: 'replace' as const },
    ],
    { title: `Use '${model.relativePath}' for '${reference.value}'` },
  );
  if (!how) return false;
  const edit = await ctx.client.sendRequest(FixEditRequest.type, { reference, hash: model.hash, kind: how.fix });
  if (!edit) {
    void vscode.window.showWarningMessage(`Comfy Models: cannot ${how.fix} '${reference.value}' (see the log).`);
    return false;
  }
  return vscode.workspace.applyEdit(await ctx.client.protocol2CodeConverter.asWorkspaceEdit(edit));
}
