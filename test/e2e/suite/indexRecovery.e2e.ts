// A corrupt index file is set aside and rebuilt, and the client hears about it (status message →
// a warning notification); restoring the setting returns to the fixture's index.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, fixture, statusWhere } from './context';
import { test } from './harness';

test('a corrupt index file is set aside and rebuilt with a visible message', async () => {
  const api = await activateExtension();
  const { folder, indexPath, models } = fixture();
  const corrupt = path.join(folder, '.comfy-models', 'corrupt.sqlite');
  fs.writeFileSync(corrupt, 'this is not a SQLite database');
  const config = vscode.workspace.getConfiguration('comfyModels');
  try {
    await config.update('indexPath', corrupt, vscode.ConfigurationTarget.Workspace);
    const status = await statusWhere(api, (s) => s.indexPath === corrupt && !!s.message && s.state === 'idle' && s.locations === Object.keys(models).length);
    assert.match(status.message!, /could not be read/);
    assert.ok(fs.readdirSync(path.dirname(corrupt)).some((f) => f.startsWith('corrupt.sqlite.corrupt-')), 'the damaged file was kept aside');
  } finally {
    await config.update('indexPath', indexPath, vscode.ConfigurationTarget.Workspace);
    await statusWhere(api, (s) => s.indexPath === indexPath && s.state === 'idle');
  }
});
