// Base models inside a real VS Code: the demo workflow where an SDXL checkpoint feeds an SD 1.5 LoRA
// gets one base-model-mismatch warning, on the LoRA's name, and the LoRA's hover names its base model
// and shows its preview. (The UI-level hover check is in test/e2e/ui/modelInfo.ui.mjs.)
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, codeOf, diagnosticsWhere, fixture, statusWhere } from './context';
import { test } from './harness';

async function openMismatchWorkflow(): Promise<vscode.TextEditor> {
  const api = await activateExtension();
  const { models, workflows } = fixture();
  await statusWhere(api, (s) => s.state === 'idle' && s.locations >= Object.keys(models).length);
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.file(workflows.baseMismatch)));
}

/** The LoRA's value as the demo workflow writes it (its path under loras/). */
const loraValue = () => fixture().models.sd15Lora.relativePath.replace(/^loras\//, '');

test('the demo workflow with an SD 1.5 LoRA on an SDXL checkpoint gets exactly one base-model-mismatch, on the LoRA', async () => {
  const editor = await openMismatchWorkflow();
  const uri = editor.document.uri;
  // Diagnostics arrive once the workflow is analysed: wait for the first report with any code, then judge it.
  const diags = await diagnosticsWhere(uri, (d) => d.some((x) => codeOf(x) === 'base-model-mismatch'));
  const mismatches = diags.filter((x) => codeOf(x) === 'base-model-mismatch');
  assert.equal(mismatches.length, 1, mismatches.map((d) => d.message).join('\n'));
  const [warning] = mismatches;
  assert.equal(warning.severity, vscode.DiagnosticSeverity.Warning);
  assert.equal(warning.source, 'comfy-models');
  assert.equal(editor.document.getText(warning.range), loraValue());
  assert.match(warning.message, /SD 1\.x/);
  assert.match(warning.message, /SDXL/);
  assert.match(warning.message, /watercolor-sd15\.safetensors/);
  assert.match(warning.message, /sd_xl_base_1\.0\.safetensors/);
  // Every model of this workflow is in the library: nothing else is reported.
  assert.deepEqual(diags.map(codeOf), ['base-model-mismatch']);
});

test('the hover of the SD 1.5 LoRA names its base model and shows its preview image', async () => {
  const editor = await openMismatchWorkflow();
  const doc = editor.document;
  const at = doc.getText().indexOf(`"${loraValue()}"`);
  assert.ok(at >= 0, 'the LoRA is in the workflow');
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, doc.positionAt(at + 4));
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /\*\*Base model\*\* SD 1\.x/);
  assert.match(text, /\*\*Kind\*\* LoRA/);
  assert.match(text, /\*\*Trained words\*\* `watercolor`/);
  const preview = vscode.Uri.file(path.join(fixture().modelsDir, 'loras/sd15/watercolor-sd15.preview.png')).toString();
  assert.ok(text.includes(`![preview](${preview}|width=256,height=256)`), text); // a square preview: its height is known before it loads
});
