// Quick fixes for the diagnostics of diagnostics.ts (DESIGN.md §8). Each action carries its edit, so
// applying it needs no round trip — except a mapping into a closed pyproject.toml for a client that
// resolves code actions (computed on apply, see MapActionData). "Search model index…" is a command of
// our VS Code client (a QuickPick), offered to it only: other clients get the same fixes as edits.
import { CodeAction, CodeActionKind, Command, type CancellationToken, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { IndexSnapshot } from '../core/index/snapshot';
import type { Logger } from '../core/log';
import { isAddonCategory, workflowBaseModel, type Candidate, type ResolvedReference } from '../core/resolve';
import type { ModelInfo, ModelLocation } from '../core/types';
import type { ReferenceTarget } from '../protocol/fixes';
import type { ManifestContext, WorkflowAnalysis } from './analysis';
import { SOURCE, type DiagnosticData } from './diagnostics';
import { manifestRelativePath } from '../core/manifest/entry';
import { addModelEdit, manifestWorkspaceEdit, mapEdits, replaceEdit, type EditSupport } from './fixes';
import type { WorkspaceFiles } from './workspaceFiles';
import { analyze, fixContext, isManifest, type FeatureContext } from './featureContext';
import { runSafe } from './runSafe';
import { referenceDownload } from './downloadItems';
import { hostOf } from './format';
import { DownloadCommands } from '../protocol/downloads';
import { uriToPath } from './workspaceFiles';

export interface FixContext {
  index: IndexSnapshot;
  model(hash: string): ModelInfo | undefined;
  files: WorkspaceFiles;
  log: Logger;
  /** What the client can do: edit shapes, and whether it has our commands. */
  client: EditSupport & { vscodeClient: boolean };
  /** The client resolves code actions: a closed manifest's edit is left to codeAction/resolve (see below). */
  resolvesEdits?: boolean;
}

/**
 * What codeAction/resolve needs to compute a "Map to indexed model" edit again. The edit of a manifest
 * that is not open is made against the file on disk when the user applies the fix, not when the light
 * bulb was filled: a CLI or another tool may have written the file in between, and an edit computed
 * on the older text would silently undo that change.
 */
export interface MapActionData {
  kind: 'map';
  uri: string;
  offset: number;
  hash: string;
  root: string;
  relativePath: string;
}

const MAX_CANDIDATE_FIXES = 3;

/** The fixes' titles say what they change: the workflow, or only pyproject.toml. */
export const mapTitle = (relativePath: string): string => `Map in pyproject.toml (workflow unchanged) to '${relativePath}'`;
export const replaceTitle = (name: string): string => `Replace in workflow with '${name}'`;

/**
 * A ComfyDock / comfygit environment: its manifest has their tables. Only there does a mapping make
 * the workflow load (their resolver reads it); elsewhere ComfyUI still looks for the written name, so
 * Replace is the preferred fix.
 */
export function isComfyEnvironment(manifest: ManifestContext): boolean {
  return manifest.exists && /^\s*\[tool\.(comfydock|comfygit)[.\]]/m.test(manifest.text);
}
const CLOSE_TO_BEST = 0.15;

/** `resolved`: the workflow's references, to name its base model for an add-on reference (LoRA, …). */
export function referenceTarget(uri: string, r: ResolvedReference, resolved: readonly ResolvedReference[] = []): ReferenceTarget {
  const { nodeId, widgetIndex, inputName, value, category, offset, length } = r.reference;
  const baseModel = isAddonCategory(category) ? workflowBaseModel(resolved) : undefined;
  return { uri, nodeId, widgetIndex, inputName, value, category, offset, length, ...(baseModel && { baseModel }) };
}

export function mapAction(ctx: FixContext, manifest: ManifestContext, r: ResolvedReference, location: ModelLocation, diagnostic?: Diagnostic): CodeAction | undefined {
  const model = ctx.model(location.hash);
  if (!model) return undefined;
  const edit = manifestWorkspaceEdit(manifest, mapEdits(manifest, r.reference, model, location), ctx.files, ctx.log, ctx.client);
  if (!edit) return undefined;
  const action = CodeAction.create(mapTitle(manifestRelativePath(location)), edit, CodeActionKind.QuickFix);
  if (diagnostic) action.diagnostics = [diagnostic];
  return action;
}

/** mapAction for the light bulb: without its edit (resolved later) when the manifest is closed and the client resolves. */
function deferredMapAction(ctx: FixContext, uri: string, manifest: ManifestContext, r: ResolvedReference, location: ModelLocation, diagnostic: Diagnostic): CodeAction | undefined {
  const action = mapAction(ctx, manifest, r, location, diagnostic);
  if (!action || !ctx.resolvesEdits || ctx.files.openDocument(manifest.path)) return action;
  delete action.edit;
  const data: MapActionData = { kind: 'map', uri, offset: r.reference.offset, hash: location.hash, root: location.root, relativePath: location.relativePath };
  action.data = data;
  return action;
}

/**
 * codeAction/resolve of a deferred "Map to indexed model": the manifest is read from disk now and the
 * edit computed on that text. Without an edit (the reference or model is gone, the manifest cannot take
 * it) the action is returned as it came, and applying it changes nothing.
 */
export async function resolveMapAction(ctx: FeatureContext, action: CodeAction, token?: CancellationToken): Promise<CodeAction> {
  const data = action.data as MapActionData | undefined;
  const doc = data?.kind === 'map' ? ctx.documents.get(data.uri) : undefined;
  if (!data || !doc) return action;
  const view = ctx.index.view();
  const analysis = await analyze(ctx, doc, view, token);
  const r = analysis.resolved.find((x) => x.reference.offset === data.offset);
  const locations = view.snapshot.byHash(data.hash);
  const location = locations.find((l) => l.root === data.root && l.relativePath === data.relativePath) ?? locations[0];
  if (!r || !location) return action;
  const workflowFile = uriToPath(doc.uri);
  ctx.files.manifests.drop(analysis.manifest.path); // read the file as it is now
  await ctx.files.loadManifestOf(workflowFile);
  const fresh = mapAction(fixContext(ctx, view), ctx.analyzer.manifestFor(workflowFile), r, location);
  if (!fresh?.edit) ctx.log.warn(`"${action.title}" could not be applied to ${analysis.manifest.path} as it is now`);
  return { ...action, edit: fresh?.edit };
}

function replaceAction(doc: TextDocument, r: ResolvedReference, name: string, diagnostic: Diagnostic): CodeAction {
  const action = CodeAction.create(replaceTitle(name), replaceEdit(doc, r.reference, name), CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  return action;
}

/** "Download '<name>' from <host>": runs the client's download tasks (VS Code client only). */
function downloadAction(r: ResolvedReference, manifest: ManifestContext, diagnostic: Diagnostic): CodeAction | undefined {
  const item = referenceDownload(r, manifest);
  if (!item) return undefined;
  const title = `Download '${item.fileName}' from ${hostOf(item.url)}`;
  const action = CodeAction.create(title, Command.create(title, DownloadCommands.startDownloads, [item]), CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  return action;
}

function searchAction(ctx: FixContext, doc: TextDocument, r: ResolvedReference, diagnostic: Diagnostic, resolved: readonly ResolvedReference[]): CodeAction[] {
  if (!ctx.client.vscodeClient) return [];
  const action = CodeAction.create('Search model index…', Command.create('Search model index…', 'comfyModels.searchIndex', referenceTarget(doc.uri, r, resolved)), CodeActionKind.QuickFix);
  action.diagnostics = [diagnostic];
  return [action];
}

/**
 * Ambiguous: every match. Missing: the candidates close to the best one (shared `.safetensors` endings
 * lift every score, so a far second is noise), or only the best when all are weak.
 */
function candidatesOf(r: ResolvedReference): Candidate[] {
  const res = r.resolution;
  if (res.status === 'ambiguous') return res.candidates.slice(0, MAX_CANDIDATE_FIXES);
  if (res.status !== 'missing') return [];
  const best = res.candidates[0]?.score ?? 0;
  const strong = res.candidates.filter((c) => c.confidence !== 'possible' && c.score >= best - CLOSE_TO_BEST);
  return (strong.length ? strong : res.candidates.slice(0, 1)).slice(0, MAX_CANDIDATE_FIXES);
}

/**
 * A download from a URL the workflow or manifest names comes first (it is the file the workflow was
 * made with) and is then the preferred fix; else the best candidate when it is of high confidence and
 * not of another or unknown family (family.ts caps those), as a Replace outside a ComfyDock
 * environment and as a mapping inside one. Replace and Map are listed in that order of preference.
 */
function missingModelActions(ctx: FixContext, doc: TextDocument, analysis: WorkflowAnalysis, r: ResolvedReference, diagnostic: Diagnostic): CodeAction[] {
  const ambiguous = diagnostic.code === 'ambiguous-model';
  const download = ctx.client.vscodeClient && !ambiguous ? downloadAction(r, analysis.manifest, diagnostic) : undefined;
  const candidates = candidatesOf(r);
  const best = candidates[0];
  const preferBest = !download && !ambiguous && best?.confidence === 'high' && candidates[1]?.confidence !== 'high';
  const preferOnly = !download && candidates.length === 1 && best?.confidence === 'high';
  const maps: CodeAction[] = [];
  const replaces: CodeAction[] = [];
  for (const c of candidates) {
    const map = deferredMapAction(ctx, doc.uri, analysis.manifest, r, c.location, diagnostic);
    if (map) maps.push(map);
    replaces.push(replaceAction(doc, r, c.location.name, diagnostic));
  }
  const environment = isComfyEnvironment(analysis.manifest);
  const preferred = environment ? maps : replaces;
  if (preferred[0] && (preferBest || preferOnly)) preferred[0].isPreferred = true;
  if (download) download.isPreferred = true;
  return [...(download ? [download] : []), ...(environment ? [...maps, ...replaces] : [...replaces, ...maps]), ...searchAction(ctx, doc, r, diagnostic, analysis.resolved)];
}

export function workflowCodeActions(ctx: FixContext, doc: TextDocument, analysis: WorkflowAnalysis, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const data = diagnostic.data as DiagnosticData | undefined;
    if (diagnostic.source !== SOURCE || data?.kind !== 'reference') continue;
    const r = analysis.resolved.find((x) => x.reference.offset === data.offset);
    if (!r) continue;
    const res = r.resolution;
    switch (diagnostic.code) {
      case 'missing-model':
      case 'mapped-model-gone':
      case 'ambiguous-model':
        actions.push(...missingModelActions(ctx, doc, analysis, r, diagnostic));
        break;
      case 'wrong-folder':
        if (res.status === 'resolved') {
          const replace = replaceAction(doc, r, res.location.name, diagnostic);
          replace.isPreferred = true;
          actions.push(replace);
          const map = deferredMapAction(ctx, doc.uri, analysis.manifest, r, res.location, diagnostic);
          if (map) actions.push(map);
        }
        actions.push(...searchAction(ctx, doc, r, diagnostic, analysis.resolved));
        break;
      case 'category-mismatch':
        actions.push(...searchAction(ctx, doc, r, diagnostic, analysis.resolved));
        break;
      case 'mapped-path-differs':
        if (res.status === 'resolved') actions.push(replaceAction(doc, r, res.location.name, diagnostic));
        break;
    }
  }
  return actions;
}

/** Fixes in pyproject.toml that need no download: list a mapped model that is indexed, or drop the mapping. */
export function manifestCodeActions(ctx: FixContext, manifestCtx: ManifestContext, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const { manifest } = manifestCtx;
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    const data = diagnostic.data as DiagnosticData | undefined;
    if (diagnostic.source !== SOURCE || diagnostic.code !== 'manifest-unknown-hash' || data?.kind !== 'manifest-hash') continue;
    const location = ctx.index.byHash(data.hash)[0];
    const model = location && ctx.model(data.hash);
    if (location && model) {
      const edit = manifestWorkspaceEdit(manifestCtx, [addModelEdit(model, location, null)], ctx.files, ctx.log, ctx.client);
      if (edit) {
        const add = CodeAction.create(`Add '${manifestRelativePath(location)}' to the required models`, edit, CodeActionKind.QuickFix);
        add.diagnostics = [diagnostic];
        add.isPreferred = true;
        actions.push(add);
      }
    }
    for (const workflow of manifest.workflows.values()) {
      for (const mapping of workflow.mappings.values()) {
        if (mapping.hash !== data.hash) continue;
        const edit = manifestWorkspaceEdit(manifestCtx, [{ kind: 'remove-mapping', workflow: workflow.key, reference: mapping.reference }], ctx.files, ctx.log, ctx.client);
        if (!edit) continue;
        const remove = CodeAction.create(`Remove the mapping of '${mapping.reference}' (${workflow.key})`, edit, CodeActionKind.QuickFix);
        remove.diagnostics = [diagnostic];
        actions.push(remove);
      }
    }
  }
  return actions;
}

/** Quick fixes for the diagnostics of workflows and manifests. */
export function registerCodeActions(ctx: FeatureContext): void {
  ctx.connection.onCodeAction((params, token) =>
    runSafe(ctx.log, token, 'code actions', [], async () => {
      const doc = ctx.documents.get(params.textDocument.uri);
      if (!doc) return [];
      const view = ctx.index.view();
      if (isManifest(doc.uri)) {
        await ctx.files.loadManifestOf(uriToPath(doc.uri));
        return manifestCodeActions(fixContext(ctx, view), ctx.analyzer.manifestFor(uriToPath(doc.uri)), params.context.diagnostics);
      }
      return workflowCodeActions(fixContext(ctx, view), doc, await analyze(ctx, doc, view, token), params.context.diagnostics);
    }),
  );
  ctx.connection.onCodeActionResolve((action, token) => runSafe(ctx.log, token, 'code action resolve', action, () => resolveMapAction(ctx, action, token)));
}
