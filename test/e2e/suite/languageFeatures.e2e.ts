// The language features inside a real VS Code: diagnostics on a workflow, hover, completion, and the
// "Map to indexed model" quick fix writing pyproject.toml until the diagnostic goes away. The last
// test leaves a workflow with a missing model open for the UI-level squiggle and hover checks.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, codeOf, diagnosticsWhere, fixture, statusWhere } from './context';
import { test } from './harness';

async function openWorkflow(file: string): Promise<vscode.TextEditor> {
  const api = await activateExtension();
  const { models } = fixture();
  await statusWhere(api, (s) => s.state === 'idle' && s.locations >= Object.keys(models).length);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  return vscode.window.showTextDocument(doc);
}

function rangeOfValue(doc: vscode.TextDocument, value: string): vscode.Range {
  const at = doc.getText().indexOf(`"${value}"`);
  assert.ok(at >= 0, `${value} is in ${doc.fileName}`);
  return new vscode.Range(doc.positionAt(at + 1), doc.positionAt(at + 1 + value.length));
}

test('a workflow with a missing model gets a missing-model error under the name', async () => {
  const editor = await openWorkflow(fixture().workflows.missing);
  const diags = await diagnosticsWhere(editor.document.uri, (d) => d.some((x) => codeOf(x) === 'missing-model'));
  const missing = diags.find((x) => codeOf(x) === 'missing-model')!;
  assert.equal(missing.severity, vscode.DiagnosticSeverity.Error);
  assert.equal(missing.source, 'comfy-models');
  assert.equal(editor.document.getText(missing.range), 'dreamshaper_8_pruned.safetensors');
  assert.match(missing.message, /dreamshaper_8\.safetensors/);
});

test('hovering a model name shows what the index knows of it', async () => {
  const editor = await openWorkflow(fixture().workflows.missing);
  const range = rangeOfValue(editor.document, '4x-UltraSharp.pth');
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, range.start.translate(0, 3));
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /upscale_models/);
  assert.match(text, /4x-UltraSharp\.pth/);
  assert.match(text, new RegExp(fixture().models.upscaler.quickHash));
});

test('completion inside a loader value offers indexed names of its category', async () => {
  const editor = await openWorkflow(fixture().workflows.missing);
  const range = rangeOfValue(editor.document, 'dreamshaper_8_pruned.safetensors');
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, range.start.translate(0, 5));
  const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
  assert.ok(labels.includes('dreamshaper_8.safetensors'), `completion offers dreamshaper_8: ${labels.join(', ')}`);
  assert.ok(!labels.includes('sdxl_vae.safetensors'), 'only checkpoints are offered');
});

test('the quick fix "Map to indexed model" writes pyproject.toml and the error goes away', async () => {
  const { workflows, folder } = fixture();
  const editor = await openWorkflow(workflows.missing);
  const uri = editor.document.uri;
  const [missing] = (await diagnosticsWhere(uri, (d) => d.some((x) => codeOf(x) === 'missing-model'))).filter((x) => codeOf(x) === 'missing-model');
  // The map fix of a closed pyproject.toml gets its edit from codeAction/resolve (computed on the file as it
  // is when applied); the last argument asks VS Code to resolve the actions, as applying one from the bulb does.
  const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, missing.range, vscode.CodeActionKind.QuickFix.value, 100);
  const map = actions.find((a) => a.title === "Map in pyproject.toml (workflow unchanged) to 'checkpoints/dreamshaper_8.safetensors'");
  assert.ok(map?.edit, `the map fix is offered: ${actions.map((a) => a.title).join(' | ')}`);
  // No ComfyDock environment here: the mapping (which ComfyUI cannot load as written) is never the preferred fix.
  assert.notEqual(map.isPreferred, true);
  const gone = diagnosticsWhere(uri, (d) => !d.some((x) => codeOf(x) === 'missing-model'));
  assert.equal(await vscode.workspace.applyEdit(map.edit), true);
  const manifest = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === path.join(folder, 'pyproject.toml'));
  assert.ok(manifest, 'pyproject.toml is open with the edit');
  assert.equal(await manifest.save(), true);
  await gone;
  const written = fs.readFileSync(path.join(folder, 'pyproject.toml'), 'utf8');
  assert.match(written, /\[tool\.comfydock\.workflows\."dreamshaper-missing"\.models\]/);
  assert.match(written, /"dreamshaper_8_pruned\.safetensors" = \{ hash = "[0-9a-f]{16}"/);
  assert.match(written, /^\[project\]\nname = "comfy-models-demo"/, 'the rest of the file is untouched');
});

test('a new workflow with a missing model is left open for the UI checks', async () => {
  const file = path.join(fixture().folder, 'workflows', 'ui-check-missing.json');
  const workflow = { last_node_id: 1, nodes: [{ id: 1, type: 'CheckpointLoaderSimple', mode: 0, pos: [0, 0], size: [315, 98], inputs: [], outputs: [], properties: {}, widgets_values: ['not_in_the_library_xl.safetensors'] }], links: [], version: 0.4 };
  fs.writeFileSync(file, JSON.stringify(workflow, null, 2));
  const editor = await openWorkflow(file);
  await diagnosticsWhere(editor.document.uri, (d) => d.some((x) => codeOf(x) === 'missing-model'));
});
