// A model as a symbol: Find All References and Rename on a model value (or, for references, a manifest
// entry) across every workflow of the workspace. Resolution is by content, so every copy of the model
// counts; the rename is one WorkspaceEdit (the file and its sidecars renamed, every token and the
// manifest path edited) so one Undo restores all of it. Clients that cannot rename files are refused.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ErrorCodes, ResponseError, TextDocumentEdit, RenameFile, TextEdit,
  type CancellationToken, type Connection, type Location, type Position, type WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { editManifest, ManifestEditError } from '../core/manifest/edit';
import { readManifest } from '../core/manifest/read';
import type { Manifest } from '../core/manifest/types';
import { manifestUse, usesOfModel, type ResolvedWorkflow } from '../core/refactor/modelUses';
import { RenameRefused } from '../core/refactor/newName';
import { renamePlan, type RenamePlan } from '../core/refactor/renamePlan';
import type { IndexedLocation } from '../core/index/snapshot';
import type { Logger } from '../core/log';
import type { IndexView } from '../engine/indexHost';
import type { ClientFeatures } from '../lsp/clientCapabilities';
import { isManifest } from '../lsp/featureContext';
import { manifestHashAt, referenceAt } from '../lsp/referenceAt';
import { runSafe } from '../lsp/runSafe';
import { pathToUri, uriToPath, type WorkspaceFiles } from '../lsp/workspaceFiles';
import type { WorkspaceWorkflows } from './workflows';

export interface ModelSymbolDeps {
  workflows: WorkspaceWorkflows;
  files: WorkspaceFiles;
  view(): IndexView;
  log: Logger;
  client: ClientFeatures;
}

const refused = (message: string) => new ResponseError(ErrorCodes.InvalidRequest, message);

/** The text of a file as the user sees it: the open buffer, else the disk (absent: undefined). */
function textOf(files: WorkspaceFiles, path: string): TextDocument | undefined {
  const open = files.openDocument(path);
  if (open) return open;
  const text = files.read(path);
  return text === undefined ? undefined : TextDocument.create(pathToUri(path), 'toml', 0, text);
}

export function registerModelSymbols(connection: Connection, deps: ModelSymbolDeps): void {
  const { log, files } = deps;

  /** The model under the cursor: the file a resolved value names, or the hash of a manifest entry. */
  async function modelAt(uri: string, position: Position): Promise<{ hash: string; location?: IndexedLocation; via?: string } | undefined> {
    if (isManifest(uri)) {
      const doc = textOf(files, uriToPath(uri));
      if (!doc) return undefined;
      const at = manifestHashAt(readManifest(doc.getText()), doc.offsetAt(position));
      return at && { hash: at.hash };
    }
    const { doc, analysis } = await deps.workflows.analyzeUri(uri);
    const ref = referenceAt(analysis, doc.offsetAt(position));
    if (ref?.resolution.status !== 'resolved') return undefined;
    const location = ref.resolution.location as IndexedLocation;
    return { hash: location.hash, location, via: ref.resolution.via };
  }

  async function workspace(token: CancellationToken) {
    const all = await deps.workflows.all(token);
    const resolved: ResolvedWorkflow[] = all.map((w) => ({ path: w.path, text: w.doc.getText(), resolved: w.analysis.resolved }));
    const manifests = new Map<string, Manifest>();
    for (const w of all) if (w.analysis.manifest.exists) manifests.set(w.analysis.manifest.path, w.analysis.manifest.manifest);
    return { all, resolved, manifests };
  }

  connection.onReferences((params, token) =>
    runSafe(log, token, 'references', [] as Location[], async () => {
      const model = await modelAt(params.textDocument.uri, params.position);
      if (!model) return [];
      const { all, resolved, manifests } = await workspace(token);
      const docs = new Map(all.map((w) => [w.path, w.doc]));
      const out: Location[] = [];
      for (const use of usesOfModel(resolved, model.hash)) {
        const doc = docs.get(use.path)!;
        const { offset, length } = use.resolved.reference;
        out.push({ uri: doc.uri, range: { start: doc.positionAt(offset), end: doc.positionAt(offset + length) } });
      }
      if (isManifest(params.textDocument.uri)) {
        const path = uriToPath(params.textDocument.uri);
        const doc = textOf(files, path);
        if (doc) manifests.set(path, readManifest(doc.getText()));
      }
      for (const [path, manifest] of manifests) {
        const doc = textOf(files, path);
        const use = doc && manifestUse(path, manifest, model.hash);
        for (const s of use?.spans ?? []) out.push({ uri: doc!.uri, range: { start: doc!.positionAt(s.offset), end: doc!.positionAt(s.offset + s.length) } });
      }
      return out;
    }),
  );

  /** Why this value cannot be renamed here, or the model file it names. */
  async function renameSubject(uri: string, position: Position): Promise<IndexedLocation> {
    if (!deps.client.renameFiles) {
      throw refused('Renaming a model moves its file, and this editor does not declare that it can rename files (workspace.workspaceEdit.resourceOperations); use `comfy-models mv` instead');
    }
    if (isManifest(uri)) throw refused('Rename a model from a workflow value that names it');
    const model = await modelAt(uri, position);
    if (!model?.location) throw refused('This is not a model value that resolves to a file');
    if (model.via === 'mapping') throw refused('This value reaches its model through a mapping; rename the model from a value that names its file');
    return model.location;
  }

  connection.onPrepareRename((params, token) =>
    runSafe(log, token, 'prepare rename', null, async () => {
      const location = await renameSubject(params.textDocument.uri, params.position);
      const { doc, analysis } = await deps.workflows.analyzeUri(params.textDocument.uri);
      const ref = referenceAt(analysis, doc.offsetAt(params.position))!;
      const { offset, length } = ref.reference;
      return { range: { start: doc.positionAt(offset), end: doc.positionAt(offset + length) }, placeholder: location.name };
    }),
  );

  connection.onRenameRequest((params, token) =>
    runSafe(log, token, 'rename', null as WorkspaceEdit | null, async () => {
      const location = await renameSubject(params.textDocument.uri, params.position);
      const { all, resolved, manifests } = await workspace(token);
      let plan: RenamePlan;
      try {
        plan = renamePlan({
          location,
          newName: params.newName,
          exists: (relativePath) => existsSync(join(location.root, relativePath)),
          siblings: readdirSync(dirname(join(location.root, location.relativePath))),
          workflows: resolved,
          manifests: [...manifests].map(([path, manifest]) => ({ path, manifest })),
        });
      } catch (err) {
        if (err instanceof RenameRefused) throw refused(`Cannot rename '${location.name}': ${err.message}`);
        throw err;
      }
      try {
        return renameEdit(plan, all, files);
      } catch (err) {
        if (err instanceof ManifestEditError) throw refused(`Cannot rename '${location.name}': the manifest cannot take the new path (${err.message})`);
        throw err;
      }
    }),
  );
}

/** The plan as one WorkspaceEdit: text edits first (against the texts the plan read), then the file renames. */
function renameEdit(plan: RenamePlan, all: { path: string; doc: TextDocument }[], files: WorkspaceFiles): WorkspaceEdit {
  const changes: WorkspaceEdit['documentChanges'] = [];
  const docs = new Map(all.map((w) => [w.path, w.doc]));
  const versionOf = (path: string) => files.openDocument(path)?.version ?? null;
  for (const w of plan.workflows) {
    const doc = docs.get(w.path)!;
    const edits = w.splices.map((s) => TextEdit.replace({ start: doc.positionAt(s.offset), end: doc.positionAt(s.offset + s.length) }, s.text));
    changes.push(TextDocumentEdit.create({ uri: doc.uri, version: versionOf(w.path) }, edits));
  }
  for (const m of plan.manifests) {
    const doc = textOf(files, m.path);
    if (!doc) continue;
    const splices = editManifest(doc.getText(), m.edits);
    const edits = splices.map((s) => TextEdit.replace({ start: doc.positionAt(s.offset), end: doc.positionAt(s.offset + s.length) }, s.text));
    changes.push(TextDocumentEdit.create({ uri: pathToUri(m.path), version: versionOf(m.path) }, edits));
  }
  for (const move of [plan.model, ...plan.sidecars]) changes.push(RenameFile.create(pathToUri(move.from), pathToUri(move.to), { overwrite: false }));
  return { documentChanges: changes };
}
