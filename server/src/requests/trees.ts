// The custom requests behind the sidebar views and the model actions (protocol/trees.ts), wired to the
// connection. The index, the workspace's files and the settings come in through TreeDeps.
import { type Connection, type DidChangeWatchedFilesParams, DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver';
import { join } from 'node:path';
import type { IndexStore } from '../core/index/store';
import type { Logger } from '../core/log';
import type { ModelHeaderInfo } from '../core/modelInfo/types';
import type { IndexView } from '../engine/indexHost';
import type { WorkflowAnalyzer } from '../lsp/analysis';
import type { ClientFeatures } from '../lsp/clientCapabilities';
import { previewUri } from '../lsp/modelHover';
import { runSafe } from '../lsp/runSafe';
import { uriToPath, type WorkspaceFiles } from '../lsp/workspaceFiles';
import {
  AddModelToManifestRequest, ComputeFullHashesRequest, DeleteModelCopyRequest, DuplicatesRequest, ManifestModelsRequest, ModelDetailsRequest,
  ModelTreeRequest, RemoveModelFromManifestRequest, WorkflowReferencesRequest, WorkflowsChangedNotification, WorkflowsRequest,
} from '../protocol/trees';
import type { Settings } from '../settings';
import { addModelToManifest, manifestModels, removeModelFromManifest } from './manifestModels';
import { computeFullHashes, deleteModelCopy } from './modelFiles';
import { ModelTree } from './modelTree';
import { WorkflowScanner } from './workflowScan';
import { WorkspaceWorkflows } from './workflows';
import { registerModelSymbols } from './modelSymbols';
import { beginWorkDoneProgress } from '../lsp/workDoneProgress';

export interface TreeDeps {
  /** The index as the language features see it: this window's scoped view (engine/indexHost.ts). */
  view(): IndexView;
  /** Write to the open index (full hashes, a deleted copy), then announce the change. */
  edit(work: (store: IndexStore) => Promise<void>): Promise<void>;
  files: WorkspaceFiles;
  /** The language features' analyzer: an open workflow is analysed once for diagnostics and views alike. */
  analyzer: WorkflowAnalyzer;
  settings(uri?: string): Promise<Settings>;
  log: Logger;
  /** What the client declared in `initialize` (progress, resource operations): clientCapabilities.ts. */
  client: ClientFeatures;
}

/** The tooltip's facts from the model's header (the preview is looked up beside the file). */
const headerDetails = (h: ModelHeaderInfo | undefined) => ({
  ...(h?.baseModel && { baseModel: h.baseModel }),
  ...(h?.kind && { kind: h.kind }),
  ...(h?.title && { title: h.title }),
  ...(h?.trainedWords?.length && { trainedWords: h.trainedWords }),
});

export interface TreeRequests {
  /** Workspace folders changed: find the workflows again. */
  foldersChanged(): void;
  /** didChangeWatchedFiles: JSON files and manifests tell the Workflows view to ask again. */
  watchedFilesChanged(params: DidChangeWatchedFilesParams): void;
}

export function registerTreeRequests(connection: Connection, deps: TreeDeps): TreeRequests {
  const { log, files, analyzer } = deps;
  const query = () => deps.view().snapshot;
  const tree = new ModelTree();
  const scanner = new WorkflowScanner(() => files.workspaceFolders, log);
  const workflows = new WorkspaceWorkflows({ scanner, analyzer, files, view: deps.view, settings: (uri) => deps.settings(uri) });
  registerModelSymbols(connection, { workflows, files, view: deps.view, log, client: deps.client });
  const manifestDeps = { analyzer, files, query, model: (hash: string) => deps.view().model(hash), log, client: deps.client };

  connection.onRequest(ModelTreeRequest.type, (params, token) => runSafe(log, token, 'model tree', { items: [], total: 0 }, () => tree.page(query(), params)));

  connection.onRequest(ModelDetailsRequest.type, (params, token) =>
    runSafe(log, token, 'model details', null, async () => {
      const view = deps.view();
      const model = view.model(params.hash);
      const locations = view.snapshot.byHash(params.hash);
      if (!model && !locations.length) return null;
      const preview = await previewUri(model);
      return {
        hash: params.hash,
        size: model?.size ?? locations[0].size,
        ...(model?.sha256 && { sha256: model.sha256 }),
        ...(model?.blake3 && { blake3: model.blake3 }),
        ...(model?.hashOrigin && { hashOrigin: model.hashOrigin }),
        locations: locations.map((l) => ({ path: join(l.root, l.relativePath), root: l.root, name: l.name, category: l.category })),
        sources: (model?.sources ?? []).map((s) => ({ type: s.type, url: s.url })),
        workflows: await workflows.usersOf(params.hash, token),
        ...headerDetails(model?.header),
        ...(preview && { preview }),
      };
    }),
  );

  connection.onRequest(WorkflowsRequest.type, (token) => runSafe(log, token, 'workflows', [], () => workflows.summaries(token)));
  connection.onRequest(WorkflowReferencesRequest.type, (params, token) => runSafe(log, token, 'workflow references', [], () => workflows.references(params.uri)));

  connection.onRequest(DuplicatesRequest.type, (token) =>
    runSafe(log, token, 'duplicates', [], () =>
      query()
        .duplicates()
        .map((locs) => ({ hash: locs[0].hash, size: locs[0].size, paths: locs.map((l) => join(l.root, l.relativePath)) }))
        .sort((a, b) => b.size - a.size),
    ),
  );

  connection.onRequest(AddModelToManifestRequest.type, (params, token) =>
    runSafe(log, token, 'add model to manifest', { manifestUri: '', message: 'failed (see the log)' }, () => addModelToManifest(manifestDeps, params)),
  );
  connection.onRequest(RemoveModelFromManifestRequest.type, (params, token) =>
    runSafe(log, token, 'remove model from manifest', { manifestUri: '', message: 'failed (see the log)' }, () => removeModelFromManifest(manifestDeps, params)),
  );
  connection.onRequest(ManifestModelsRequest.type, (params, token) =>
    runSafe(log, token, 'manifest models', { manifestUri: '', exists: false, models: [] }, () => manifestModels(manifestDeps, params.near)),
  );

  const fileDeps = { query, edit: deps.edit, log };
  connection.onRequest(DeleteModelCopyRequest.type, (params, token) =>
    runSafe(log, token, 'delete model copy', { deleted: false, message: 'failed (see the log)' }, () => deleteModelCopy(fileDeps, params.hash, params.path)),
  );

  connection.onRequest(ComputeFullHashesRequest.type, async (params, token) => {
    const abort = new AbortController();
    const stop = token.onCancellationRequested(() => abort.abort(new Error('cancelled')));
    const progress = beginWorkDoneProgress(connection, deps.client.workDoneProgress, 'Computing full hashes', () => abort.abort(new Error('cancelled')), log);
    try {
      return await computeFullHashes(fileDeps, params.hashes, abort.signal, {
        report: (done, total, current) => progress.report(done, total, `${done + 1}/${total}: ${current}`),
      });
    } finally {
      stop.dispose();
      progress.done();
    }
  });

  return {
    foldersChanged() {
      scanner.reset();
      void connection.sendNotification(WorkflowsChangedNotification.type);
    },
    watchedFilesChanged(params) {
      const relevant = params.changes.filter((c) => /\.json$|(^|[\\/])pyproject\.toml$/i.test(c.uri));
      if (!relevant.length) return;
      void Promise.all(relevant.map((c) => scanner.fileChanged(uriToPath(c.uri), c.type === FileChangeType.Deleted))).then(() =>
        connection.sendNotification(WorkflowsChangedNotification.type),
      );
    },
  };
}

/** Ask the client to report JSON files changing on disk (workflows are found by content, any name). */
export async function watchWorkflows(connection: Connection): Promise<void> {
  await connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.json' }] });
}
