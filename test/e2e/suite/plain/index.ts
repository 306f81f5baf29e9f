// Second window of the e2e run: a folder with JSON files and a pyproject.toml that are not ComfyUI's.
// Activating the extension there must start no language server process (and so no sync).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, e2eDir } from '../context';
import { runRegistered, test } from '../harness';

/** Written for the outer harness (and `npm run bench`): how long activate() took here. */
export const ACTIVATION_FILE = 'activation.json';

/** Language server processes this extension host started (vscode-languageclient passes --clientProcessId). */
function serverProcesses(): string[] {
  const lines = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n');
  return lines.filter((l) => l.includes(path.join('server', 'dist', 'server.js')) && l.includes(`--clientProcessId=${process.pid}`));
}

test('a folder without workflows or a comfydock/comfygit manifest starts no language server', async () => {
  const api = await activateExtension();
  fs.writeFileSync(path.join(e2eDir(), ACTIVATION_FILE), JSON.stringify({ activationMs: api.activationMs }));
  const found = await api.workspaceScanned;
  assert.equal(found, undefined, `the scan found ${found?.fsPath}`);
  // Open the plain files too: opening them is no reason to start either.
  for (const uri of await vscode.workspace.findFiles('**/*.{json,toml}')) await vscode.window.showTextDocument(uri, { preview: false });
  assert.equal(api.startedBecause(), undefined, `started: ${api.startedBecause()}`);
  assert.equal(api.ctx.client.isRunning(), false);
  assert.deepEqual(serverProcesses(), []);
});

test('a Comfy Models command then starts it', async () => {
  const api = await activateExtension();
  await vscode.commands.executeCommand('comfyModels.showIndexStatus');
  assert.equal(api.startedBecause(), 'command comfyModels.showIndexStatus');
  assert.equal(api.ctx.client.isRunning(), true);
  assert.equal(serverProcesses().length, 1);
});

export async function run(): Promise<void> {
  const failed = await runRegistered();
  if (failed) throw new Error(`${failed} in-host test(s) failed`);
}
