// Sharing requests (protocol/share.ts) over the engine's core/share functions. Manifest edits go back as
// WorkspaceEdits when the manifest is open (the client applies them, the user's buffer stays the truth);
// export of a closed manifest is written here, atomically. Results recorded in the index (full hashes,
// XXH3 samples, a deleted copy) are saved and announced like a sync.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Connection, ErrorCodes, LSPErrorCodes, ResponseError, TextDocumentEdit, type TextDocuments, TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { IndexStore } from '../core/index/store';
import type { Logger } from '../core/log';
import { findManifest, workflowRelativePath } from '../core/manifest/discover';
import { readManifestText, rewriteManifestFile } from '../core/manifest/file';
import { workflowMappings } from '../core/manifest/query';
import { readManifest } from '../core/manifest/read';
import type { ModelRoot } from '../core/roots';
import { deleteDuplicateCopy } from '../core/share/duplicates';
import { exportManifest, type ExportReport } from '../core/share/export';
import { libraryHealth } from '../core/share/health';
import { importReport } from '../core/share/importReport';
import { installPlan } from '../core/share/installPlan';
import { linkFile, unlinkFile } from '../core/share/linkFile';
import { usedModelHashes } from '../core/share/usedModels';
import { useLocalFileEdits } from '../core/share/useLocalFile';
import { parseWorkflow } from '../core/workflow';
import { readEmbeddedWorkflow } from '../core/workflow/embedded';
import type { IndexView } from '../engine/indexHost';
import { manifestWorkspaceEdit, type EditSupport } from '../lsp/fixes';
import { uriToPath, type WorkspaceFiles } from '../lsp/workspaceFiles';
import {
  DeleteDuplicateRequest, EMBEDDED_SCHEME, EMBEDDED_SUFFIX, EmbeddedWorkflowRequest, ExportManifestRequest, HealthRequest,
  InstallPlanRequest, LinkComfyuiRequest, ResolveManifestRequest, UseLocalFileRequest,
} from '../protocol/share';
import { signalOf } from '../lsp/cancellation';
import { beginWorkDoneProgress } from '../lsp/workDoneProgress';
import type { ClientFeatures } from '../lsp/clientCapabilities';

export interface ShareDeps {
  documents: TextDocuments<TextDocument>;
  files: WorkspaceFiles;
  log: Logger;
  /** What the client's workspace edits may contain (lsp/fixes.ts), and whether it shows progress. */
  client: EditSupport & Pick<ClientFeatures, 'workDoneProgress'>;
  index: {
    view(): IndexView;
    shared(): Promise<{ store: IndexStore; roots: readonly ModelRoot[] }>;
    edit(work: (store: IndexStore) => Promise<void>): Promise<void>;
  };
}

/** Errors reach the client with their message (the user reads it); nothing else is lost. */
async function answer<T>(log: Logger, what: string, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ResponseError) throw err;
    if (signal?.aborted) throw new ResponseError(LSPErrorCodes.RequestCancelled, `${what} cancelled`);
    const message = err instanceof Error ? err.message : String(err);
    log.warn(`${what}: ${message}`);
    throw new ResponseError(ErrorCodes.InternalError, message);
  }
}

/** The real file behind a document URI: a `comfy-embedded:` document stands for its image. */
export function documentFile(uri: string): { path: string; embedded: boolean } {
  const path = uriToPath(uri);
  if (uri.startsWith(`${EMBEDDED_SCHEME}:`) && path.endsWith(EMBEDDED_SUFFIX)) return { path: path.slice(0, -EMBEDDED_SUFFIX.length), embedded: true };
  return { path, embedded: false };
}

/** One replacement from the first to the last changed character: the edit the user sees is the change. */
function minimalEdit(doc: TextDocument, next: string): WorkspaceEdit {
  const old = doc.getText();
  let start = 0;
  while (start < old.length && start < next.length && old[start] === next[start]) start++;
  let end = 0;
  while (end < old.length - start && end < next.length - start && old[old.length - 1 - end] === next[next.length - 1 - end]) end++;
  const range = { start: doc.positionAt(start), end: doc.positionAt(old.length - end) };
  return { documentChanges: [TextDocumentEdit.create({ uri: doc.uri, version: doc.version }, [TextEdit.replace(range, next.slice(start, next.length - end))])] };
}

export function registerShareRequests(connection: Connection, deps: ShareDeps): void {
  const { files, log, index, client } = deps;
  const manifestText = async (path: string) => {
    const open = files.openDocument(path);
    if (open) return { text: open.getText(), exists: true, open };
    return { ...(await readManifestText(path)), open: undefined };
  };
  const save = async (ops: Parameters<IndexStore['apply']>[0]) => {
    if (!ops.length) return;
    await index.edit(async (store) => {
      store.apply(ops);
      await store.save();
    });
  };

  connection.onRequest(ExportManifestRequest.type, (params, token) => {
    const cancel = new AbortController();
    token.onCancellationRequested(() => cancel.abort());
    return answer(log, 'export', async () => {
      const path = uriToPath(params.manifestUri);
      const { text, exists, open } = await manifestText(path);
      if (!exists) throw new ResponseError(ErrorCodes.InvalidParams, `${path} does not exist: add models to it first`);
      const progress = beginWorkDoneProgress(connection, deps.client.workDoneProgress, 'Comfy Models: exporting the manifest', () => cancel.abort(), log);
      try {
        const { store } = await index.shared();
        const exportOf = async (from: string): Promise<ExportReport> => {
          const computed = await exportManifest(from, store, {
            computeFullHashes: params.computeFullHashes,
            signal: cancel.signal,
            onProgress: (p) => p.done < p.total && progress.report(p.done, p.total, `hashing ${p.filename} (${p.done + 1}/${p.total})`),
          });
          await save(computed.indexOps);
          return computed;
        };
        let report: ExportReport;
        let edit: WorkspaceEdit | undefined;
        let written = false;
        if (open) {
          report = await exportOf(text);
          if (report.changed) edit = minimalEdit(open, report.text);
        } else {
          // A closed manifest: written under its lock over the text the export was computed from (an
          // edit landing meanwhile is read back and exported too).
          const rewrite = await rewriteManifestFile(path, async (current) => {
            if (!current.exists) throw new ResponseError(ErrorCodes.InvalidParams, `${path} does not exist: add models to it first`);
            const computed = await exportOf(current.text);
            return { text: computed.text, result: computed };
          });
          report = rewrite.result;
          written = rewrite.replaced;
          report.warnings.push(...rewrite.warnings);
        }
        const withoutSource = report.models.filter((m) => !m.sources).map((m) => m.filename ?? m.hash);
        return { manifestPath: path, changed: report.changed, ...(edit ? { edit } : {}), written, models: report.models, withoutSource, warnings: report.warnings };
      } finally {
        progress.done();
      }
    }, cancel.signal);
  });

  connection.onRequest(ResolveManifestRequest.type, (params, token) =>
    answer(log, 'resolve manifest', async () => {
      const path = uriToPath(params.manifestUri);
      const { text, exists } = await manifestText(path);
      if (!exists) throw new ResponseError(ErrorCodes.InvalidParams, `${path} does not exist`);
      const manifest = readManifest(text);
      if (manifest.malformed) throw new ResponseError(ErrorCodes.InvalidParams, `${path}: ${manifest.problems[0].message}`);
      const { store, roots } = await index.shared();
      const { indexOps, ...report } = await importReport(manifest, store, roots, { signal: signalOf(token) });
      await save(indexOps);
      return { manifestPath: path, ...report };
    }),
  );

  connection.onRequest(UseLocalFileRequest.type, (params) =>
    answer(log, 'use local file', async () => {
      const path = uriToPath(params.manifestUri);
      const { text, exists } = await manifestText(path);
      const manifest = readManifest(text);
      const from = manifest.models.find((m) => m.hash === params.hash);
      const view = index.view();
      const location = view.snapshot.locations.find((l) => join(l.root, l.relativePath) === params.path);
      if (!from || !location) return null;
      const edits = useLocalFileEdits(manifest, params.hash, location, view.model(location.hash), from.category ?? 'unknown');
      return manifestWorkspaceEdit({ path, exists, text, manifest, workflowKey: '', workflowPath: '' }, edits, files, log, client) ?? null;
    }),
  );

  connection.onRequest(InstallPlanRequest.type, (params) =>
    answer(log, 'install plan', async () => {
      const { path, embedded } = documentFile(params.uri);
      const open = deps.documents.get(params.uri);
      let text = open?.getText();
      if (text === undefined && embedded) text = (await readEmbeddedWorkflow(path))?.text;
      if (text === undefined) text = await readFile(path, 'utf8');
      const parsed = parseWorkflow(text);
      const location = findManifest(path, files.folderOf(path));
      const manifest = location.exists ? readManifest((await manifestText(location.path)).text) : undefined;
      const mappings = manifest && !embedded ? workflowMappings(manifest, workflowRelativePath(location.path, path)) : undefined;
      const { roots } = await index.shared();
      const plan = await installPlan({ text, parsed, index: index.view().snapshot, roots, manifest, mappings });
      return { path, ...plan };
    }),
  );

  connection.onRequest(HealthRequest.type, (params, token) =>
    answer(log, 'library health', async () => {
      const { store, roots } = await index.shared();
      const manifestPath = join(params.projectDir, 'pyproject.toml');
      const manifest = existsSync(manifestPath) ? { path: manifestPath, manifest: readManifest((await manifestText(manifestPath)).text) } : undefined;
      const signal = signalOf(token);
      const snapshot = index.view().snapshot;
      const used = await usedModelHashes(params.projectDir, snapshot, manifest, signal);
      const report = await libraryHealth({ index: { snapshot: () => snapshot, sources: (h) => store.sources(h) }, roots, usedHashes: used.hashes, now: Date.now(), signal });
      return { project: params.projectDir, workflows: used.workflows, ...report };
    }),
  );

  connection.onRequest(DeleteDuplicateRequest.type, (params) =>
    answer(log, 'delete duplicate copy', async () => {
      const { store } = await index.shared();
      const op = await deleteDuplicateCopy(store.snapshot(), params.path);
      await save([op]);
      return { deleted: params.path };
    }),
  );

  connection.onRequest(LinkComfyuiRequest.type, (params) =>
    answer(log, params.unlink ? 'unlink' : 'link', async () => {
      const path = join(params.comfyuiDir, 'extra_model_paths.yaml');
      if (params.unlink) return { path, changed: await unlinkFile(path), roots: 0 };
      const { roots } = await index.shared();
      if (!roots.length) throw new ResponseError(ErrorCodes.InvalidParams, 'no model folders to link: add one first (Comfy Models: Add Model Folder)');
      return { path, changed: await linkFile(path, roots), roots: roots.length };
    }),
  );

  connection.onRequest(EmbeddedWorkflowRequest.type, (params) =>
    answer(log, 'embedded workflow', async () => (await readEmbeddedWorkflow(params.path)) ?? null),
  );
}
