// Library Health and Install Plan in a real VS Code: each opens as a read-only panel (a webview tab, no
// Untitled document, nothing dirty to save or for hot exit to restore), and its buttons act on the rows
// the report shows: "Open Manifest Entry" opens pyproject.toml at the model's entry; a row the report
// does not show is refused. Downloads are not started here (later suites count the missing models);
// the UI check (ui/reports.ui.mjs) opens the panels from the palette and keeps screenshots.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ShareCommands, TreeCommands, type HealthResult, type InstallPlanResult } from '../../../server/src/protocol';
import { activateExtension, fixture, statusWhere } from './context';
import { test } from './harness';

/** The active tab is a webview titled `label`, and no editor holds an unsaved or Untitled document. */
function assertReadOnlyPanel(label: string): void {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  assert.ok(tab?.input instanceof vscode.TabInputWebview, `the report is a webview tab, not ${tab?.label}`);
  assert.equal(tab.label, label);
  assert.equal(tab.isDirty, false);
  const untitled = vscode.workspace.textDocuments.filter((d) => d.isUntitled || d.languageId === 'markdown');
  assert.deepEqual(untitled.map((d) => d.uri.toString()), [], 'no Untitled Markdown buffer');
  assert.deepEqual(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.isDirty).map((t) => t.label), []);
}

test('Library Health opens read-only in a panel, and "Open Manifest Entry" of a model there opens pyproject.toml at its entry', async () => {
  const api = await activateExtension();
  await statusWhere(api, (s) => s.state === 'idle' && s.locations >= Object.keys(fixture().models).length);
  const previous = vscode.window.activeTextEditor?.document;
  const first = await vscode.commands.executeCommand<HealthResult>(ShareCommands.libraryHealth);
  assert.ok(first?.unused.length, 'the demo library has models no workflow uses');
  assertReadOnlyPanel('Library Health');
  // An unused model put into the manifest: the report shown again offers its entry.
  const unused = first.unused[0];
  await vscode.commands.executeCommand(TreeCommands.addModelToManifest, { hash: unused.hash, name: path.basename(unused.paths[0]) });
  await vscode.commands.executeCommand<HealthResult>(ShareCommands.libraryHealth);
  assertReadOnlyPanel('Library Health');
  const html = api.ctx.reports.current('health')?.html ?? '';
  assert.ok(html.includes(`data-action="openManifestEntry" data-arg="${unused.hash}"`), 'the row offers its manifest entry');
  assert.ok(html.includes('<h2>Duplicates</h2>') && html.includes('>Reveal</button>'));

  assert.equal(await api.ctx.reports.act('health', { action: 'openManifestEntry', arg: unused.hash }), true);
  const editor = vscode.window.activeTextEditor;
  assert.equal(editor?.document.uri.fsPath, path.join(fixture().folder, 'pyproject.toml'));
  assert.equal(editor.document.getText(editor.selection), unused.hash);
  // The page can only ask for what the report shows.
  assert.equal(await api.ctx.reports.act('health', { action: 'reveal', arg: '/etc/passwd' }), false);
  assert.equal(await api.ctx.reports.act('health', { action: 'deleteCopy', arg: unused.paths[0] }), false, 'not a duplicate copy');
  await vscode.commands.executeCommand(TreeCommands.removeModelFromManifest, { hash: unused.hash });
  // As the suites after this one expect: the workflow they left active, no report panel.
  api.ctx.reports.current('health')?.panel.dispose();
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  if (previous) await vscode.window.showTextDocument(previous);
});

test('Show Install Plan opens read-only in a panel, with a Download button per missing model that has a source', async () => {
  const api = await activateExtension();
  const plan = await vscode.commands.executeCommand<InstallPlanResult>(ShareCommands.showInstallPlan, vscode.Uri.file(fixture().workflows.downloadPlan));
  assert.deepEqual(plan?.models.map((m) => m.value).sort(), ['clip_l_demo.safetensors', 'flux_ae.safetensors']);
  assertReadOnlyPanel('Install Plan: flux-plan.json');
  const html = api.ctx.reports.current('plan')?.html ?? '';
  assert.equal([...html.matchAll(/data-action="download"/g)].length, 2);
  assert.equal(await api.ctx.reports.act('plan', { action: 'download', arg: '7' }), false, 'no such row');
  api.ctx.reports.current('plan')?.panel.dispose();
});
