// What the server reads from `initialize` about the client, and the settings a client pushes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientFeatures } from '../../server/src/lsp/clientCapabilities';
import { PushedSettings } from '../../server/src/lsp/pushedSettings';
import { RefreshRequest } from '../../server/src/lsp/refreshRequest';

test('Neovim 0.7 pushes diagnostics and settings, may get CreateFile (implying documentChanges), has no VS Code commands', () => {
  const f = clientFeatures({
    clientInfo: { name: 'Neovim', version: '0.7.2' },
    capabilities: { workspace: { workspaceFolders: true, workspaceEdit: { resourceOperations: ['rename', 'create', 'delete'] } }, window: { workDoneProgress: true } },
    initializationOptions: null,
  });
  assert.deepEqual(
    { ...f },
    {
      name: 'Neovim',
      vscodeClient: false,
      pullDiagnostics: false,
      diagnosticRefresh: false,
      codeLensRefresh: false,
      configuration: false,
      documentChanges: true,
      createFiles: true,
      renameFiles: true,
      workDoneProgress: true,
      watchFilesRegistration: false,
      workspaceFolders: true,
    },
  );
});

test('only the explicit vscodeClient flag marks our VS Code client, not the client name', () => {
  const capabilities = { textDocument: { diagnostic: {} }, workspace: { configuration: true, diagnostics: { refreshSupport: true } } };
  assert.equal(clientFeatures({ clientInfo: { name: 'Visual Studio Code' }, capabilities }).vscodeClient, false);
  const ours = clientFeatures({ clientInfo: { name: 'code-server' }, capabilities, initializationOptions: { storagePath: '/x', vscodeClient: true } });
  assert.equal(ours.vscodeClient, true);
  assert.equal(ours.pullDiagnostics, true);
  assert.equal(ours.diagnosticRefresh, true);
});

test('pushed settings: both initializationOptions shapes, didChangeConfiguration, and notifications without the section change nothing', () => {
  const nested = new PushedSettings();
  nested.initialize({ settings: { comfyModels: { modelDirectories: ['/a'], civitai: { baseUrl: 'http://127.0.0.1:1' } } } });
  assert.deepEqual(nested.get().modelDirectories, ['/a']);
  assert.equal(nested.get().civitaiBaseUrl, 'http://127.0.0.1:1');
  const flat = new PushedSettings();
  flat.initialize({ comfyModels: { modelDirectories: ['/b'] }, storagePath: '/s' });
  assert.deepEqual(flat.get().modelDirectories, ['/b']);
  assert.equal(flat.update(null), false);
  assert.equal(flat.update({ otherServer: {} }), false);
  assert.deepEqual(flat.get().modelDirectories, ['/b']);
  assert.equal(flat.update({ comfyModels: { modelDirectories: ['/c'] } }), true);
  assert.deepEqual(flat.get().modelDirectories, ['/c']);
});

test('a refresh request is coalesced while answered late, resent after an answer, and given up on after the bound', async () => {
  let clock = 0;
  const answers: (() => void)[] = [];
  const sent = () => answers.length;
  const r = new RefreshRequest(() => new Promise<void>((resolve) => answers.push(resolve)), () => clock, 1_000);
  const settled = () => new Promise<void>((resolve) => setImmediate(resolve));
  r.request();
  await settled();
  r.request();
  r.request();
  await settled();
  assert.equal(sent(), 1, 'coalesced while the first is in flight');
  answers[0]();
  await settled();
  assert.equal(sent(), 2, 'one more for the requests made meanwhile');
  clock += 1_000;
  r.request();
  await settled();
  assert.equal(sent(), 3, 'the unanswered second one was given up on');
  answers[1]();
  await settled();
  assert.equal(sent(), 3, 'a late answer to a request given up on sends nothing');
});
