// What the model commands do, for a model given as a Models view row, a palette pick, or `{ hash }`
// (scripts and tests); without one the user picks it in the palette. Writes (manifest edits, deleting a
// copy) are refused with an explanation in an untrusted workspace.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { formatSize } from '../../server/src/protocol/format';
import type { SearchModelItem } from '../../server/src/protocol';
import {
  AddModelToManifestRequest, ComputeFullHashesRequest, DeleteModelCopyRequest, DuplicatesRequest, type ManifestEditResult, ManifestModelsRequest,
  type ManifestTable, ModelDetailsRequest, RemoveModelFromManifestRequest, TreeViews,
} from '../../server/src/protocol/trees';
import type { Ctx } from './ctx';
import { pickModel } from './palette';
import type { ModelNode } from './views/modelsTree';

export interface ModelRef {
  hash: string;
  /** The name a workflow writes. */
  name: string;
  /** Absolute path of the file meant (a tree row or palette pick is one file of the model). */
  path?: string;
}

/** A model from a command argument: a tree row, a palette pick (SearchModelItem) or `{ hash, name?, path? }`. */
export function modelRefOf(arg: unknown): ModelRef | undefined {
  if (!arg || typeof arg !== 'object') return undefined;
  const node = arg as Partial<ModelNode> & { item?: { kind?: string } };
  if (node.type === 'row') {
    const item = (node as Extract<ModelNode, { type: 'row' }>).item;
    return item.kind === 'model' && item.hash ? { hash: item.hash, name: item.name ?? item.label, path: item.path } : undefined;
  }
  const m = arg as Partial<SearchModelItem> & { path?: string };
  if (typeof m.hash !== 'string') return undefined;
  return { hash: m.hash, name: m.name ?? m.filename ?? m.hash, path: m.path ?? (m.root && m.relativePath ? join(m.root, m.relativePath) : undefined) };
}

/** The model of a command: its argument, else one the user picks. */
export async function modelArg(ctx: Ctx, arg: unknown, title: string): Promise<ModelRef | undefined> {
  return modelRefOf(arg) ?? modelRefOf(await pickModel(ctx, { title }));
}

/** False (with a message) in an untrusted workspace: there the extension reads and reports only. */
export function allowWrites(what: string): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(`Comfy Models: ${what} is not available in an untrusted workspace (it writes files). Trust the workspace to use it.`);
  return false;
}

/** The active editor's file: its manifest is the one meant by manifest commands. */
const activeFile = (): string | undefined => {
  const uri = vscode.window.activeTextEditor?.document.uri;
  return uri?.scheme === 'file' ? uri.toString() : undefined;
};

/** Apply a manifest edit from the server and save the manifest; returns its URI (undefined when nothing changed). */
async function applyManifestEdit(ctx: Ctx, result: ManifestEditResult): Promise<string | undefined> {
  if (!result.edit) {
    void vscode.window.showInformationMessage(`Comfy Models: ${result.message ?? 'nothing to change.'}`);
    return undefined;
  }
  const applied = await vscode.workspace.applyEdit(await ctx.client.protocol2CodeConverter.asWorkspaceEdit(result.edit));
  if (!applied) throw new Error(`the edit of ${vscode.Uri.parse(result.manifestUri).fsPath} could not be applied`);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(result.manifestUri));
  await doc.save();
  return result.manifestUri;
}

export async function addToManifest(ctx: Ctx, arg: unknown, table: ManifestTable): Promise<string | undefined> {
  if (!allowWrites('Adding a model to the manifest')) return undefined;
  const model = await modelArg(ctx, arg, `Add Model to Manifest (${table})`);
  if (!model) return undefined;
  const result = await ctx.client.sendRequest(AddModelToManifestRequest.type, { hash: model.hash, table, near: activeFile() });
  const uri = await applyManifestEdit(ctx, result);
  if (uri) void vscode.window.showInformationMessage(`Comfy Models: ${model.name} added to ${vscode.Uri.parse(uri).fsPath} (${table}).`);
  return uri;
}

export async function removeFromManifest(ctx: Ctx, arg: unknown): Promise<string | undefined> {
  if (!allowWrites('Removing a model from the manifest')) return undefined;
  let hash = modelRefOf(arg)?.hash;
  if (!hash) {
    const list = await ctx.client.sendRequest(ManifestModelsRequest.type, { near: activeFile() });
    if (!list.models.length) return void vscode.window.showInformationMessage('Comfy Models: the manifest lists no models.');
    const pick = await vscode.window.showQuickPick(
      list.models.map((m) => ({ label: m.filename, description: `${m.category} · ${m.table}`, detail: m.hash, hash: m.hash })),
      { title: 'Remove Model from Manifest', placeHolder: vscode.Uri.parse(list.manifestUri).fsPath },
    );
    hash = pick?.hash;
  }
  if (!hash) return undefined;
  return applyManifestEdit(ctx, await ctx.client.sendRequest(RemoveModelFromManifestRequest.type, { hash, near: activeFile() }));
}

export async function listManifestModels(ctx: Ctx): Promise<void> {
  const list = await ctx.client.sendRequest(ManifestModelsRequest.type, { near: activeFile() });
  if (!list.manifestUri) return void vscode.window.showInformationMessage('Comfy Models: open a folder first; its pyproject.toml is the manifest.');
  if (!list.models.length) return void vscode.window.showInformationMessage(`Comfy Models: ${vscode.Uri.parse(list.manifestUri).fsPath} lists no models.`);
  const manifest = vscode.Uri.parse(list.manifestUri);
  const pick = await vscode.window.showQuickPick(
    list.models.map((m) => ({
      label: `$(${m.local ? 'pass' : 'cloud-download'}) ${m.filename}`,
      description: `${m.category} · ${m.table}${m.local ? '' : ' · not on this machine'}`,
      detail: m.hash,
      model: m,
    })),
    { title: `Models in ${manifest.fsPath}` },
  );
  if (!pick) return;
  // The model's own name, not the label (which carries the icon); a model with no file here has no row
  // in the Models view, so its manifest entry is shown instead of an empty view.
  if (pick.model.local) await revealInView(ctx, { hash: pick.model.hash, name: pick.model.filename });
  else await showManifestEntry(manifest, pick.model.hash);
}

/** Open the manifest with the entry of `hash` (its quoted key) selected. */
export async function showManifestEntry(manifest: vscode.Uri, hash: string): Promise<boolean> {
  const doc = await vscode.workspace.openTextDocument(manifest);
  const at = doc.getText().indexOf(`"${hash}"`);
  if (at < 0) return false;
  const start = doc.positionAt(at + 1);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(start, start.translate(0, hash.length)), preview: false });
  return true;
}

export async function showSources(ctx: Ctx, arg: unknown): Promise<void> {
  const model = await modelArg(ctx, arg, 'Show Model Sources');
  if (!model) return;
  const details = await ctx.client.sendRequest(ModelDetailsRequest.type, { hash: model.hash });
  if (!details?.sources.length) return void vscode.window.showInformationMessage(`Comfy Models: no download source is known for ${model.name}.`);
  const pick = await vscode.window.showQuickPick(details.sources.map((s) => ({ label: s.url, description: s.type })), { title: `Sources of ${model.name}` });
  if (pick) await vscode.env.openExternal(vscode.Uri.parse(pick.label));
}

export async function deleteCopy(ctx: Ctx, arg: unknown): Promise<boolean> {
  if (!allowWrites('Deleting a model file')) return false;
  const model = modelRefOf(arg);
  if (!model?.path) return false;
  const ok = await vscode.window.showWarningMessage(
    `Delete ${model.path}?`,
    { modal: true, detail: 'The other copies of this model stay. The file is deleted from disk, not moved to the trash.' },
    'Delete This Copy',
  );
  if (ok !== 'Delete This Copy') return false;
  const result = await ctx.client.sendRequest(DeleteModelCopyRequest.type, { hash: model.hash, path: model.path });
  if (!result.deleted) void vscode.window.showWarningMessage(`Comfy Models: ${result.message}`);
  return result.deleted;
}

export async function computeFullHashes(ctx: Ctx, arg: unknown): Promise<void> {
  const model = modelRefOf(arg);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: model ? `Computing full hashes of ${model.name}` : 'Computing full hashes', cancellable: true },
    (_progress, token) => ctx.client.sendRequest(ComputeFullHashesRequest.type, { hashes: model ? [model.hash] : undefined }, token),
  );
  const failed = result.failed ? `, ${result.failed} failed (see the log)` : '';
  void vscode.window.showInformationMessage(`Comfy Models: full hashes computed for ${result.computed} model${result.computed === 1 ? '' : 's'}${failed}${result.cancelled ? ' (cancelled)' : ''}.`);
}

export async function showDuplicates(ctx: Ctx): Promise<void> {
  const groups = await ctx.client.sendRequest(DuplicatesRequest.type);
  if (!groups.length) return void vscode.window.showInformationMessage('Comfy Models: no model has more than one file.');
  const wasted = groups.reduce((sum, g) => sum + g.size * (g.paths.length - 1), 0);
  const pick = await vscode.window.showQuickPick(
    groups.map((g) => ({ label: g.paths[0].split(/[\\/]/).pop()!, description: `${g.paths.length} copies · ${formatSize(g.size)} each`, detail: g.paths.join('  ·  '), hash: g.hash })),
    { title: `${groups.length} duplicated model${groups.length === 1 ? '' : 's'}: ${formatSize(wasted)} in extra copies`, matchOnDetail: true },
  );
  if (pick) await revealInView(ctx, { hash: pick.hash, name: pick.label });
}

/** Show one model in the Models view: the view filtered to its hash, expanded down to its rows. */
export async function revealInView(ctx: Ctx, model: ModelRef): Promise<void> {
  const { models, modelsView } = ctx.views;
  models.filter = { text: model.hash };
  modelsView.description = `filter: ${model.name}`;
  await vscode.commands.executeCommand('setContext', 'comfyModels.modelsFiltered', true);
  await vscode.commands.executeCommand(`${TreeViews.models}.focus`);
  let level = await models.getChildren();
  for (let depth = 0; depth < 8 && level.length; depth++) {
    const row = level.find((n) => n.type === 'row' && n.item.kind === 'model' && (!model.path || n.item.path === model.path));
    if (row) return modelsView.reveal(row, { select: true, focus: true });
    const next = level.find((n) => n.type === 'row');
    if (!next) return;
    level = await models.getChildren(next);
  }
}
