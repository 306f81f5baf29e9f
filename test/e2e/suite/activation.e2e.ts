// The extension comes up in a real VS Code: it activates, its language server starts and answers,
// the status bar shows the answer, and a contributed command runs.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { StatusRequest, type StatusResult } from '../../../server/src/protocol';
import { activateExtension, EXTENSION_ID, fixture, statusWhere } from './context';
import { test } from './harness';

test('the extension activates and its API becomes ready', async () => {
  const api = await activateExtension();
  const status = await api.ready;
  assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
  assert.equal(typeof status.version, 'string');
});

test('the language server process starts and answers comfyModels/status', async () => {
  const api = await activateExtension();
  await api.ready;
  assert.equal(api.ctx.client.isRunning(), true);
  const status = await api.ctx.client.sendRequest(StatusRequest.type);
  assert.ok(['loading', 'idle', 'syncing', 'error'].includes(status.state), `unexpected state ${status.state}`);
});

test('the server reads comfyModels.indexPath from the workspace settings', async () => {
  const api = await activateExtension();
  const { indexPath } = fixture();
  // Settings are pulled after initialization: wait for the status that reflects them.
  const status = await statusWhere(api, (s) => s.indexPath === indexPath);
  assert.equal(status.indexPath, indexPath);
});

test('the status bar shows the server answer', async () => {
  const api = await activateExtension();
  await api.ready;
  // The first answer may still be "loading": wait for the bar to show a loaded state (the bar is updated
  // before the event fires, and subscribing before looking at it leaves no gap).
  await new Promise<void>((resolve) => {
    const sub = api.onDidChangeStatus((s) => {
      if (s.state === 'loading') return;
      sub.dispose();
      resolve();
    });
    if (!api.ctx.statusBar.text.startsWith('$(loading~spin)')) {
      sub.dispose();
      resolve();
    }
  });
  assert.match(api.ctx.statusBar.text, /Comfy Models: [\d,]+ models?|Comfy Models: (syncing|\d+\/\d+)/);
});

test('the command comfyModels.showIndexStatus returns the index status', async () => {
  const status = await vscode.commands.executeCommand<StatusResult>('comfyModels.showIndexStatus');
  assert.ok(status, 'the command returned nothing');
  assert.equal(typeof status.models, 'number');
  assert.equal(typeof status.state, 'string');
});
