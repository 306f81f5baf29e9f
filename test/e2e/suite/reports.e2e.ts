// Library Health and Install Plan in a real VS Code: each opens as a read-only panel (a webview tab, no
// Untitled document, nothing dirty to save or for hot exit to restore), and its buttons act on the rows
// the report shows: "Open Manifest Entry" opens pyproject.toml at the model's entry; a row the report
// does not show is refused. Downloads are not started here (later suites count the missing models);
// the UI check (ui/reports.ui.mjs) opens the panels from the palette and keeps screenshots.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ShareCommands, TreeCommands, type HealthResult, type InstallPlanResult } from '../../../server/src/protocol';
import { activateExtension, fixture, statusWhere } from './context';
import { test } from './harness';

/** The tab labelled `label` once it is there (the workbench adds a panel's tab after the call returns). */
function tabWhere(label: string): Promise<vscode.Tab> {
  const find = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === label);
  return new Promise((resolve) => {
    const found = find();
    if (found) return resolve(found);
    const sub = vscode.window.tabGroups.onDidChangeTabs(() => {
      const tab = find();
      if (!tab) return;
      sub.dispose();
      resolve(tab);
    });
  });
}

/** The report's tab is a webview tab, and no editor holds an unsaved or Untitled document. */
async function assertReadOnlyPanel(label: string): Promise<void> {
  const tab = await tabWhere(label);
  assert.ok(tab.input instanceof vscode.TabInputWebview, `the report is a webview tab`);
  assert.equal(tab.isDirty, false);
  const untitled = vscode.workspace.textDocuments.filter((d) => d.isUntitled || d.languageId === 'markdown');
  assert.deepEqual(untitled.map((d) => d.uri.toString()), [], 'no Untitled Markdown buffer');
  assert.deepEqual(vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.isDirty).map((t) => t.label), []);
}

test('Library Health opens read-only in a panel, and "Open Manifest Entry" of a model there opens pyproject.toml at its entry', async () => {
  const api = await activateExtension();
  const { modelsDir, models, folder } = fixture();
  const library = Object.keys(models).length;
  await statusWhere(api, (s) => s.state === 'idle' && s.locations >= library);
  const previous = vscode.window.activeTextEditor?.document;
  // Every demo model is used by a workflow: one more that none uses, removed again at the end.
  const unusedFile = path.join(modelsDir, 'loras', 'unused-for-health.safetensors');
  fs.writeFileSync(unusedFile, 'a LoRA no workflow of the demo loads');
  await statusWhere(api, (s) => s.state === 'idle' && s.models === library + 1);
  const first = await vscode.commands.executeCommand<HealthResult>(ShareCommands.libraryHealth);
  const unused = first?.unused.find((u) => u.paths[0] === unusedFile);
  assert.ok(unused, 'the new model is unused');
  await assertReadOnlyPanel('Library Health');
  // Put into the manifest: the report shown again offers its entry.
  await vscode.commands.executeCommand(TreeCommands.addModelToManifest, { hash: unused.hash, name: path.basename(unusedFile) });
  await vscode.commands.executeCommand<HealthResult>(ShareCommands.libraryHealth);
  await assertReadOnlyPanel('Library Health');
  const html = api.ctx.reports.current('health')?.html ?? '';
  assert.ok(html.includes(`data-action="openManifestEntry" data-arg="${unused.hash}"`), 'the row offers its manifest entry');
  assert.ok(html.includes('<h2>Duplicates</h2>') && html.includes('>Reveal</button>'));

  assert.equal(await api.ctx.reports.act('health', { action: 'openManifestEntry', arg: unused.hash }), true);
  const editor = vscode.window.activeTextEditor;
  assert.equal(editor?.document.uri.fsPath, path.join(folder, 'pyproject.toml'));
  assert.equal(editor.document.getText(editor.selection), unused.hash);
  // The page can only ask for what the report shows.
  assert.equal(await api.ctx.reports.act('health', { action: 'reveal', arg: '/etc/passwd' }), false);
  assert.equal(await api.ctx.reports.act('health', { action: 'deleteCopy', arg: unusedFile }), false, 'not a duplicate copy');
  await vscode.commands.executeCommand(TreeCommands.removeModelFromManifest, { hash: unused.hash });
  // As the suites after this one expect: the demo library, the workflow they left active, no report panel.
  fs.rmSync(unusedFile);
  await statusWhere(api, (s) => s.state === 'idle' && s.models === library);
  api.ctx.reports.current('health')?.panel.dispose();
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  if (previous) await vscode.window.showTextDocument(previous);
});

test('Show Install Plan opens read-only in a panel, with a Download button per missing model that has a source', async () => {
  const api = await activateExtension();
  const previous = vscode.window.activeTextEditor?.document;
  const plan = await vscode.commands.executeCommand<InstallPlanResult>(ShareCommands.showInstallPlan, vscode.Uri.file(fixture().workflows.downloadPlan));
  assert.deepEqual(plan?.models.map((m) => m.value).sort(), ['clip_l_demo.safetensors', 'flux_ae.safetensors']);
  await assertReadOnlyPanel('Install Plan: flux-plan.json');
  const html = api.ctx.reports.current('plan')?.html ?? '';
  assert.equal([...html.matchAll(/data-action="download"/g)].length, 2);
  assert.equal(await api.ctx.reports.act('plan', { action: 'download', arg: '7' }), false, 'no such row');
  api.ctx.reports.current('plan')?.panel.dispose();
  if (previous) await vscode.window.showTextDocument(previous);
});
