// Downloads inside a real VS Code, against the loopback Hugging Face stand-in of test/e2e/run.mjs: the
// quick fix "Download '<name>' from <host>" runs a comfy-models-download task whose terminal shows the
// progress and the verified hash; the file lands in the index, the Downloads view lists it, and the
// squiggle goes away. "Download Missing Models" shows its plan (a QuickPick left open for the UI check).
// Runs after languageFeatures.e2e (file order): the new model would change the counts earlier tests expect.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DownloadInfo, DownloadPlan } from '../../../server/src/protocol';
import type { DownloadTerminal } from '../../../client/src/downloads/task';
import { activateExtension, codeOf, diagnosticsWhere, fixture, statusWhere } from './context';
import { test } from './harness';

function once<T>(event: vscode.Event<T>): Promise<T> {
  return new Promise((resolve) => {
    const sub = event((value) => {
      sub.dispose();
      resolve(value);
    });
  });
}

test('the "Download from …" quick fix runs a task: progress and the verified hash in its terminal, the model indexed, the squiggle gone', async () => {
  const api = await activateExtension();
  const { workflows, models, modelsDir, downloads } = fixture();
  const before = await statusWhere(api, (s) => s.state === 'idle' && s.locations >= Object.keys(models).length);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(workflows.download)));
  const uri = editor.document.uri;
  const [missing] = (await diagnosticsWhere(uri, (d) => d.some((x) => codeOf(x) === 'missing-model'))).filter((x) => codeOf(x) === 'missing-model');
  assert.equal(editor.document.getText(missing.range), 'flux_ae.safetensors');
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, missing.range, vscode.CodeActionKind.QuickFix.value);
  const host = new URL(downloads.urls.vae).host;
  const download = actions.find((a) => a.title === `Download 'flux_ae.safetensors' from ${host}`);
  assert.ok(download?.command, `the download fix is offered: ${actions.map((a) => a.title).join(' | ')}`);
  assert.equal(download.command.command, 'comfyModels.startDownloads');

  const opened = once(api.onDidOpenDownloadTerminal);
  const gone = diagnosticsWhere(uri, (d) => !d.some((x) => codeOf(x) === 'missing-model'));
  await vscode.commands.executeCommand(download.command.command, ...(download.command.arguments ?? []));
  const terminal: DownloadTerminal = await opened;
  const settled: DownloadInfo = await once(terminal.onDidSettle);
  assert.equal(settled.state, 'finished', settled.error?.message);
  assert.equal(settled.sha256, downloads.vaeSha256);
  assert.match(terminal.text, /flux_ae\.safetensors: \d+% · /, 'progress lines');
  assert.ok(terminal.text.includes(`sha256 ${downloads.vaeSha256} (verified)`), terminal.text);
  const target = path.join(modelsDir, 'vae', 'flux_ae.safetensors');
  assert.equal(fs.statSync(target).size, downloads.vaeSize);
  assert.ok(!fs.existsSync(`${target}.part`));

  await statusWhere(api, (s) => s.state === 'idle' && s.locations === before.locations + 1);
  await gone;
  const rows = api.downloadsView.getChildren();
  const row = rows.find((r) => r.id === settled.id);
  assert.ok(row, 'the Downloads view lists the download');
  const item = api.downloadsView.getTreeItem(row);
  assert.equal(item.contextValue, 'download-finished');
  assert.match(String(item.description), /^finished · /);
  // The Downloads view stays visible for the UI check's screenshot.
  await vscode.commands.executeCommand('comfyModels.downloads.focus');
});

test('"Download Missing Models" plans first: each model with its size and target folder (and the folders it may go to instead), the total and the free space', async () => {
  const api = await activateExtension();
  const { workflows, modelsDir, secondModelsDir, downloads, folder } = fixture();
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(workflows.downloadPlan)));
  await diagnosticsWhere(editor.document.uri, (d) => d.some((x) => codeOf(x) === 'missing-model'));
  // Back to the workflow the UI checks of the language features look at, before the dialog opens.
  const uiCheck = path.join(folder, 'workflows', 'ui-check-missing.json');
  if (fs.existsSync(uiCheck)) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(uiCheck)));
  const planned = once(api.onDidPlanDownloads);
  // The command then waits in its QuickPick (the UI check looks at it and dismisses it): not awaited.
  void vscode.commands.executeCommand('comfyModels.downloadMissing', editor.document.uri);
  const plan: DownloadPlan = await planned;
  const clip = plan.downloads.find((d) => d.item.fileName === 'clip_l_demo.safetensors');
  assert.ok(clip, `the plan lists the missing text encoder: ${JSON.stringify(plan)}`);
  assert.equal(clip.size, downloads.clipSize);
  // Both model roots take a text encoder; on one disk they have the same free space, so the configured order decides.
  assert.equal(clip.targetDir, path.join(modelsDir, 'text_encoders'));
  assert.equal(clip.item.root, modelsDir);
  assert.deepEqual(clip.targets.map((t) => [t.root, t.folder]), [[modelsDir, path.join(modelsDir, 'text_encoders')], [secondModelsDir, path.join(secondModelsDir, 'text_encoders')]]);
  assert.ok(!plan.downloads.some((d) => d.item.fileName === 'flux_ae.safetensors'), 'the downloaded VAE is no longer missing');
  assert.equal(plan.totalBytes, downloads.clipSize);
  assert.ok(plan.freeBytes[modelsDir] > 0, 'free space of the model folder');
});
