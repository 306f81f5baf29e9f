// The workspace edits behind the quick fixes: a manifest mapping (plus the model entry) as one edit to
// pyproject.toml — creating the file when needed and the client can — or a replacement of the value
// in the workflow.
import { CreateFile, TextDocumentEdit, TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { editManifest, ManifestEditError, type ManifestEdit } from '../core/manifest/edit';
import { modelEntryFor } from '../core/manifest/entry';
import type { ModelInfo, ModelLocation, ModelReference } from '../core/types';
import type { ManifestContext } from './analysis';
import { rangeOf } from './diagnostics';
import { jsonStringBody } from './format';
import { pathToUri, type WorkspaceFiles } from './workspaceFiles';
import type { Logger } from '../core/log';
import type { ClientFeatures } from './clientCapabilities';

/** The edit shapes a client declared (clientCapabilities.ts). */
export type EditSupport = Pick<ClientFeatures, 'documentChanges' | 'createFiles'>;

/**
 * Splices against the manifest text as one versioned edit (with CreateFile when the file is new). A
 * client that cannot create files gets no edit for a new manifest (the fix is not offered: an edit
 * to a file that does not exist fails or silently goes nowhere in such clients); one without
 * `documentChanges` gets plain `changes`.
 */
export function manifestWorkspaceEdit(ctx: ManifestContext, edits: readonly ManifestEdit[], files: WorkspaceFiles, log: Logger, support: EditSupport): WorkspaceEdit | undefined {
  if (!ctx.exists && !support.createFiles) return undefined;
  let splices;
  try {
    splices = editManifest(ctx.text, edits);
  } catch (err) {
    if (err instanceof ManifestEditError) {
      log.warn(`No manifest edit for ${ctx.path}: ${err.message}`);
      return undefined;
    }
    throw err;
  }
  const uri = pathToUri(ctx.path);
  const doc = TextDocument.create(uri, 'toml', 0, ctx.text);
  const textEdits = splices.map((s) => TextEdit.replace(rangeOf(doc, s), s.text));
  if (!support.documentChanges) return { changes: { [uri]: textEdits } };
  const open = files.openDocument(ctx.path);
  const change = TextDocumentEdit.create({ uri, version: open ? open.version : null }, textEdits);
  return { documentChanges: ctx.exists ? [change] : [CreateFile.create(uri, { ignoreIfExists: true }), change] };
}

/** Adding an indexed model to `[tool.comfydock.models.required]`, with what the index knows of it. */
export function addModelEdit(model: ModelInfo, location: ModelLocation, fallbackCategory: string | null): ManifestEdit {
  return { kind: 'add-model', table: 'required', model: modelEntryFor(location, model, location.category ?? fallbackCategory ?? 'unknown') };
}

/** "Map to indexed model": the mapping reference → hash, plus the model entry when it is not listed. */
export function mapEdits(ctx: ManifestContext, ref: ModelReference, model: ModelInfo, location: ModelLocation): ManifestEdit[] {
  const edits: ManifestEdit[] = [];
  if (!ctx.manifest.models.some((m) => m.hash === model.hash)) edits.push(addModelEdit(model, location, ref.category));
  const existing = ctx.manifest.workflows.get(ctx.workflowKey)?.mappings.get(ref.value);
  if (existing) edits.push({ kind: 'remove-mapping', workflow: ctx.workflowKey, reference: ref.value });
  const node = ref.widgetIndex !== undefined ? { nodeId: ref.nodeId, widgetIndex: ref.widgetIndex } : { nodeId: ref.nodeId, inputName: ref.inputName };
  edits.push({ kind: 'add-mapping', mapping: { workflow: ctx.workflowKey, workflowPath: ctx.workflowPath, reference: ref.value, hash: model.hash, nodes: [node] } });
  return edits;
}

/** "Replace with '<name>'": the value in the workflow, relative to its category folder with `/`. */
export function replaceEdit(doc: TextDocument, ref: ModelReference, name: string): WorkspaceEdit {
  return { changes: { [doc.uri]: [TextEdit.replace(rangeOf(doc, ref), jsonStringBody(name))] } };
}
