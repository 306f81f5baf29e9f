// The search palette: a QuickPick over the server's index by name, path or hash prefix, with a
// `category:<name>` token to filter and `base:<family>` (passed on in the text: the server reads it).
// Each keystroke cancels the previous request. A pick offers the model actions (buttons on the item,
// or a menu on accept); from a reference (the "Search model index…" quick fix) the pick maps or
// replaces the reference instead.
import * as vscode from 'vscode';
import { FixEditRequest, type ReferenceTarget, type SearchModelItem, SearchModelsRequest } from '../../server/src/protocol';
import { TreeCommands } from '../../server/src/protocol/trees';
import { baseModelLabel, formatSize } from '../../server/src/protocol/format';
import type { Ctx } from './ctx';

interface ModelPick extends vscode.QuickPickItem {
  model: SearchModelItem;
}

/** `category:loras detail` → category `loras`, query `detail`; other tokens (`base:sdxl`) stay in the query. */
export function parseQuery(value: string): { query: string; category?: string } {
  const m = /(^|\s)category:(\S*)/i.exec(value);
  if (!m) return { query: value };
  const query = `${value.slice(0, m.index)} ${value.slice(m.index + m[0].length)}`.trim().replace(/\s+/g, ' ');
  return { category: m[2] || undefined, query };
}

/** What can be done with a picked model: [label, command] (commands take the model as argument). */
const MODEL_ACTIONS: { label: string; icon: string; command: string; writes?: boolean }[] = [
  { label: 'Copy Name', icon: 'copy', command: TreeCommands.copyModelName },
  { label: 'Copy Hash', icon: 'key', command: TreeCommands.copyModelHash },
  { label: 'Insert into Editor', icon: 'insert', command: TreeCommands.insertModelName, writes: true },
  { label: 'Reveal in Models View', icon: 'list-tree', command: TreeCommands.revealModelInView },
  { label: 'Add to Manifest', icon: 'add', command: TreeCommands.addModelToManifest, writes: true },
];

const availableActions = () => MODEL_ACTIONS.filter((a) => !a.writes || vscode.workspace.isTrusted);

interface PickOptions {
  /** Fixed category (a reference's); else the `category:` prefix of the typed text. */
  category?: string | null;
  similarTo?: string;
  /** Models of this base model first (the workflow's, for a LoRA or the like). */
  preferBaseModel?: ReferenceTarget['baseModel'];
  title: string;
  /** Show the model actions as item buttons. */
  actions?: boolean;
}

/** Let the user pick an indexed model; resolves undefined when the pick is dismissed (or an item button ran an action). */
export function pickModel(ctx: Ctx, options: PickOptions): Promise<SearchModelItem | undefined> {
  const qp = vscode.window.createQuickPick<ModelPick>();
  qp.title = options.title;
  qp.placeholder = options.category ? `Search ${options.category} by name, path or hash` : 'Search models by name, path or hash prefix (category:<name>, base:sdxl to filter)';
  // The server ranks and filters; VS Code's own filter would hide hash-prefix and fuzzy path matches.
  qp.matchOnDescription = false;
  qp.matchOnDetail = false;
  const buttons = options.actions ? availableActions().map((a) => ({ iconPath: new vscode.ThemeIcon(a.icon), tooltip: a.label, command: a.command })) : [];
  let pending: vscode.CancellationTokenSource | undefined;

  const search = async (value: string) => {
    pending?.cancel();
    const cts = (pending = new vscode.CancellationTokenSource());
    const { query, category } = options.category !== undefined ? { query: value, category: options.category } : parseQuery(value);
    qp.busy = true;
    try {
      const items = await ctx.client.sendRequest(SearchModelsRequest.type, { query, category, similarTo: options.similarTo, preferBaseModel: options.preferBaseModel, limit: 200 }, cts.token);
      if (cts.token.isCancellationRequested) return;
      qp.items = items.map((model) => ({
        label: model.relativePath,
        description: [model.category, model.baseModel && baseModelLabel(model.baseModel)].filter(Boolean).join(' · ') || undefined,
        detail: `${formatSize(model.size)} · ${model.hash} · ${model.root}`,
        alwaysShow: true,
        buttons,
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
      qp.onDidTriggerItemButton((e) => {
        const command = (e.button as { command?: string }).command;
        qp.hide();
        if (command) void vscode.commands.executeCommand(command, e.item.model);
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

/** "Comfy Models: Search Models…": pick a model, then one of its actions. */
export async function searchModels(ctx: Ctx): Promise<void> {
  const model = await pickModel(ctx, { title: 'Search Models', actions: true });
  if (!model) return;
  const action = await vscode.window.showQuickPick(
    availableActions().map((a) => ({ label: `$(${a.icon}) ${a.label}`, command: a.command })),
    { title: model.name, placeHolder: `${model.relativePath} · ${formatSize(model.size)} · ${model.hash}` },
  );
  if (action) await vscode.commands.executeCommand(action.command, model);
}

/** The quick fix "Search model index…": pick a model, then map or replace the reference with it. */
export async function resolveReferenceInteractively(ctx: Ctx, reference: ReferenceTarget): Promise<boolean> {
  const model = await pickModel(ctx, { category: reference.category, similarTo: reference.value, preferBaseModel: reference.baseModel, title: `Resolve '${reference.value}'` });
  if (!model) return false;
  const how = await vscode.window.showQuickPick(
    [
      // Worded like the quick fixes: what each changes, the one ComfyUI can load as written first.
      { label: `Replace in workflow with '${model.name}'`, detail: 'Rewrite the model name in the workflow JSON.', fix: 'replace' as const },
      {
        label: `Map in pyproject.toml (workflow unchanged) to '${model.relativePath}'`,
        detail: 'Record the mapping in pyproject.toml; the workflow stays as it is.',
        fix: 'map' as const,
      },
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
