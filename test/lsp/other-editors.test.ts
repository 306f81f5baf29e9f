// The server as an editor other than VS Code sees it (issue 12): clients that neither pull
// diagnostics nor answer workspace/configuration, that cannot create files, that have none of our
// commands, and one that never answers refresh requests. Real server, real index, real files.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  type ClientCapabilities,
  CodeActionRequest,
  CodeLensRequest,
  type CodeAction,
  type Diagnostic,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  FileChangeType,
  HoverRequest,
  type MarkupContent,
  PublishDiagnosticsNotification,
  type PublishDiagnosticsParams,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { tempDir, writeFile } from '../helpers/files';
import { startInMemory, VSCODE_CAPABILITIES, type HarnessOptions } from '../helpers/lspHarness';
import { REFRESH_STALE_AFTER_MS } from '../../server/src/lsp/refreshRequest';
import { startSession, type Session } from '../helpers/lspSession';
import { uiNode } from '../helpers/workflows';

const WORKFLOW = JSON.stringify(
  { last_node_id: 2, nodes: [uiNode(1, 'CheckpointLoaderSimple', ['sd_xl_base.safetensors']), uiNode(2, 'VAELoader', ['ae.safetensors'])], links: [], version: 0.4 },
  null,
  2,
);

/** What Neovim 0.7's built-in client declares, as far as the server looks. */
const NEOVIM_CAPABILITIES: ClientCapabilities = {
  workspace: { workspaceFolders: true, applyEdit: true, workspaceEdit: { resourceOperations: ['rename', 'create', 'delete'] } },
  textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] }, publishDiagnostics: { relatedInformation: true } },
  window: { workDoneProgress: true },
};
/** A minimal client (ALE-like): no configuration, no pull, no resource operations, no progress. */
const MINIMAL_CAPABILITIES: ClientCapabilities = { workspace: { applyEdit: true }, textDocument: { hover: { contentFormat: ['plaintext'] } } };

/** Where `value` starts in `text` (plus `delta` characters). */
function positionOf(text: string, value: string, delta = 0) {
  return TextDocument.create('file:///x', 'json', 0, text).positionAt(text.indexOf(value) + delta);
}

/** Records what the server sends: every request method, and the diagnostics it publishes, with waiters. */
function recorder(answer = true) {
  const requests: string[] = [];
  const published = new Map<string, Diagnostic[]>();
  const waiters: { pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  const requestWaiters: { method: string; resolve: () => void }[] = [];
  const options: Partial<HarnessOptions> = {
    beforeInitialize: (c) => {
      c.onNotification(PublishDiagnosticsNotification.type, (p) => {
        published.set(p.uri, p.diagnostics);
        for (const w of [...waiters]) if (w.pred(p)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(p);
      });
      // Registered after the harness's own handlers: this one answers every server→client request.
      for (const method of ['workspace/diagnostic/refresh', 'workspace/codeLens/refresh', 'window/workDoneProgress/create', 'client/registerCapability']) {
        c.onRequest(method, () => {
          requests.push(method);
          for (const w of [...requestWaiters]) if (w.method === method) requestWaiters.splice(requestWaiters.indexOf(w), 1) && w.resolve();
          // A client that never answers.
          return answer ? null : new Promise(() => undefined);
        });
      }
    },
  };
  return {
    options,
    requests,
    published,
    nextPublish: (uri: string, pred: (d: Diagnostic[]) => boolean) =>
      new Promise<Diagnostic[]>((resolve) => waiters.push({ pred: (p) => p.uri === uri && pred(p.diagnostics), resolve: (p) => resolve(p.diagnostics) })),
    nextRequest: (method: string) => new Promise<void>((resolve) => requestWaiters.push({ method, resolve })),
  };
}

/** A model library with the near-miss checkpoint and the VAE, and a workspace with the workflow. */
function library(prefix: string) {
  const dir = tempDir(prefix);
  const models = join(dir, 'models');
  writeFile(join(models, 'checkpoints/sd_xl_base_1.0.safetensors'), 'sdxl base weights');
  writeFile(join(models, 'vae/ae.safetensors'), 'flux vae');
  const ws = join(dir, 'ws');
  const wf = join(ws, 'workflows/main.json');
  writeFile(wf, WORKFLOW);
  return { dir, models, ws, wf, indexPath: join(dir, 'index.sqlite') };
}

const isMissing = (d: Diagnostic[]) => d.some((x) => x.code === 'missing-model');

describe('a Neovim-like client: no workspace/configuration, no pulled diagnostics', () => {
  let lib: ReturnType<typeof library>;
  let rec: ReturnType<typeof recorder>;
  let s: Session;

  before(async () => {
    lib = library('cm-nvim-like-');
    rec = recorder();
    s = await startSession(lib.dir, {}, lib.ws, startInMemory, {
      ...rec.options,
      capabilities: NEOVIM_CAPABILITIES,
      initializationOptions: { settings: { comfyModels: { modelDirectories: [lib.models], indexPath: lib.indexPath } } },
    });
    await s.nextStatus((st) => st.state === 'idle' && st.locations === 2);
  });
  after(() => s.dispose());

  test('the server declares no pull diagnostics and takes its roots from initializationOptions', async () => {
    assert.equal(s.h.initializeResult.capabilities.diagnosticProvider, undefined);
    const published = rec.nextPublish(s.uri(lib.wf), isMissing);
    await s.open(lib.wf, WORKFLOW);
    const diags = await published;
    const missing = diags.find((d) => d.code === 'missing-model')!;
    assert.deepEqual(missing.range.start, positionOf(WORKFLOW, 'sd_xl_base.safetensors'));
    assert.match(missing.message as string, /sd_xl_base_1\.0\.safetensors/);
    const hover = await s.h.client.sendRequest(HoverRequest.type, { textDocument: { uri: s.uri(lib.wf) }, position: positionOf(WORKFLOW, 'ae.safetensors', 2) });
    assert.match((hover?.contents as MarkupContent).value, /ae\.safetensors/);
    assert.doesNotMatch((hover?.contents as MarkupContent).value, /not found/i);
  });

  test('a change is published again; closing the workflow clears its diagnostics', async () => {
    const fixed = WORKFLOW.replace('sd_xl_base.safetensors', 'sd_xl_base_1.0.safetensors');
    const cleared = rec.nextPublish(s.uri(lib.wf), (d) => !isMissing(d));
    await s.change(lib.wf, fixed);
    await cleared;
    const again = rec.nextPublish(s.uri(lib.wf), isMissing);
    await s.change(lib.wf, WORKFLOW);
    await again;
    const closed = rec.nextPublish(s.uri(lib.wf), (d) => d.length === 0);
    await s.h.client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: s.uri(lib.wf) } });
    await closed;
    await s.open(lib.wf, WORKFLOW);
    await rec.nextPublish(s.uri(lib.wf), isMissing);
  });

  test('a model file appearing in a root re-publishes: the reference resolves without any refresh request', async () => {
    const resolved = rec.nextPublish(s.uri(lib.wf), (d) => !isMissing(d));
    writeFile(join(lib.models, 'checkpoints/sd_xl_base.safetensors'), 'the exact name now');
    await resolved;
    assert.deepEqual(rec.requests.filter((m) => m.endsWith('/refresh')), []);
  });

  test('quick fixes are plain edits, with CreateFile for a new pyproject.toml; no VS Code command anywhere', async () => {
    // The exact-name file of the previous test goes again: the near miss is the only candidate.
    rmSync(join(lib.models, 'checkpoints/sd_xl_base.safetensors'));
    const missing = await rec.nextPublish(s.uri(lib.wf), isMissing);
    const actions = (await s.h.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: s.uri(lib.wf) },
      range: missing[0].range,
      context: { diagnostics: missing },
    })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes("Replace in workflow with 'sd_xl_base_1.0.safetensors'"), titles.join(', '));
    assert.ok(titles.some((t) => t.startsWith('Map in pyproject.toml')), titles.join(', '));
    assert.ok(actions.every((a) => !a.command), 'no action runs a client command');
    const map = actions.find((a) => a.title.startsWith('Map in pyproject.toml'))!;
    assert.equal((map.edit!.documentChanges![0] as { kind: string }).kind, 'create');
    const lenses = await s.h.client.sendRequest(CodeLensRequest.type, { textDocument: { uri: s.uri(lib.wf) } });
    assert.equal(lenses?.length, 1);
    assert.match(lenses![0].command!.title, /1 missing/);
    assert.notEqual(lenses![0].command!.command, 'comfyModels.searchIndex');
  });
});

describe('a minimal client (ALE-like): settings only through didChangeConfiguration, no file creation', () => {
  let lib: ReturnType<typeof library>;
  let rec: ReturnType<typeof recorder>;
  let s: Session;

  before(async () => {
    lib = library('cm-minimal-');
    rec = recorder();
    s = await startSession(lib.dir, {}, lib.ws, startInMemory, { ...rec.options, capabilities: MINIMAL_CAPABILITIES, initializationOptions: {} });
  });
  after(() => s.dispose());

  test('roots sent with didChangeConfiguration are indexed; hover names the file; a bare change notification keeps them', async () => {
    const indexed = s.nextStatus((st) => st.state === 'idle' && st.locations === 2);
    await s.h.client.sendNotification(DidChangeConfigurationNotification.type, { settings: { comfyModels: { modelDirectories: [lib.models], indexPath: lib.indexPath } } });
    await indexed;
    await s.h.client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await s.h.client.sendNotification(DidChangeConfigurationNotification.type, { settings: { otherServer: { x: 1 } } });
    const published = rec.nextPublish(s.uri(lib.wf), isMissing);
    await s.open(lib.wf, WORKFLOW);
    await published;
    const hover = await s.h.client.sendRequest(HoverRequest.type, { textDocument: { uri: s.uri(lib.wf) }, position: positionOf(WORKFLOW, 'ae.safetensors', 2) });
    const text = (hover?.contents as MarkupContent).value;
    assert.match(text, /ae\.safetensors/);
    assert.doesNotMatch(text, /not found/i);
  });

  test('no CreateFile for a client without resource operations: only the Replace fix, as a plain edit', async () => {
    const missing = rec.published.get(s.uri(lib.wf))!.filter((d) => d.code === 'missing-model');
    const actions = (await s.h.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: s.uri(lib.wf) },
      range: missing[0].range,
      context: { diagnostics: missing },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => a.title),
      ["Replace in workflow with 'sd_xl_base_1.0.safetensors'"],
    );
    const edit = actions[0].edit as WorkspaceEdit;
    assert.equal(edit.documentChanges, undefined);
    assert.ok(edit.changes?.[s.uri(lib.wf)]);
  });

  test('the server sent it no request at all (no refresh, progress or registration)', async () => {
    // A watched-file change is the server's cue to refresh: it re-publishes instead.
    const republished = rec.nextPublish(s.uri(lib.wf), isMissing);
    await s.h.client.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: URI.file(join(lib.ws, 'pyproject.toml')).toString(), type: FileChangeType.Created }] });
    await republished;
    assert.deepEqual(rec.requests, []);
  });
});

describe('a client that declares refresh, progress and registration support and never answers', () => {
  test('the index is not held up; later refreshes are still sent once the unanswered one is given up; meanwhile they are coalesced', async () => {
    const lib = library('cm-stuck-');
    const rec = recorder(false);
    let clock = 0;
    const capabilities = { ...VSCODE_CAPABILITIES, workspace: { ...VSCODE_CAPABILITIES.workspace, didChangeWatchedFiles: { dynamicRegistration: true } } };
    const s = await startSession(lib.dir, { modelDirectories: [lib.models], indexPath: lib.indexPath }, lib.ws, startInMemory, { ...rec.options, capabilities, now: () => clock });
    try {
      // Unanswered window/workDoneProgress/create and client/registerCapability did not stop the sync.
      await s.nextStatus((st) => st.state === 'idle' && st.locations === 2);
      assert.ok(rec.requests.includes('window/workDoneProgress/create') && rec.requests.includes('client/registerCapability'), rec.requests.join(', '));
      const refreshes = () => rec.requests.filter((m) => m === 'workspace/diagnostic/refresh').length;
      const manifestChanged = () =>
        s.h.client.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: URI.file(join(lib.ws, 'pyproject.toml')).toString(), type: FileChangeType.Changed }] });
      clock += REFRESH_STALE_AFTER_MS + 1;
      const first = rec.nextRequest('workspace/diagnostic/refresh');
      await manifestChanged();
      await first;
      const before = refreshes();
      clock += 1_000;
      await manifestChanged();
      clock += REFRESH_STALE_AFTER_MS;
      const second = rec.nextRequest('workspace/diagnostic/refresh');
      await manifestChanged();
      await second;
      assert.equal(refreshes(), before + 1, 'the change while the first was pending was coalesced, the later one sent');
    } finally {
      await s.dispose();
    }
  });
});
