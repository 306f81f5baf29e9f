// Sharing inside a real VS Code: "Resolve Manifest" on a manifest made elsewhere shows present /
// name-match / downloadable / missing rows, and a row's "Download" hands the item to the downloads
// command; "Open Embedded Workflow" on a PNG the test writes opens its workflow read-only with the
// missing-model diagnostic. Leaves the report and the embedded workflow (second editor group) shown
// for the UI checks (ui/embeddedWorkflow.ui.mjs), and the previous workflow active in the first group.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EMBEDDED_SCHEME, ShareCommands, type ResolveManifestResult } from '../../../server/src/protocol';
import { pngWith } from '../../helpers/embeddedFiles';
import { activateExtension, codeOf, diagnosticsWhere, fixture, statusWhere } from './context';
import { test } from './harness';


function sharedManifest(): string {
  const { models } = fixture();
  const base = models.sdxlBase;
  return [
    '# exported on another machine',
    '[tool.comfydock.models.required]',
    `"${base.quickHash}" = { filename = "sd_xl_base_1.0.safetensors", category = "checkpoints", relative_path = "${base.relativePath}", size = ${base.size}, sources = [] }`,
    '"0a0a0a0a0a0a0a0a" = { filename = "dreamshaper_8.safetensors", category = "checkpoints", relative_path = "checkpoints/dreamshaper_8.safetensors", size = 2132625894, sources = [] }',
    '"0b0b0b0b0b0b0b0b" = { filename = "ip-adapter.bin", category = "ipadapter", relative_path = "ipadapter/ip-adapter.bin", size = 44642768, sources = [{ type = "url", url = "http://127.0.0.1:9/ip-adapter.bin" }] }',
    '"0c0c0c0c0c0c0c0c" = { filename = "gone-forever.safetensors", category = "loras", relative_path = "loras/gone-forever.safetensors", size = 1000, sources = [] }',
    '',
  ].join('\n');
}

const EMBEDDED = {
  last_node_id: 2,
  nodes: [
    { id: 1, type: 'CheckpointLoaderSimple', mode: 0, pos: [0, 0], size: [315, 98], inputs: [], outputs: [], properties: {}, widgets_values: ['sd_xl_base_1.0.safetensors'] },
    { id: 2, type: 'LoraLoader', mode: 0, pos: [400, 0], size: [315, 98], inputs: [], outputs: [], properties: {}, widgets_values: ['gone-forever.safetensors', 1, 1] },
  ],
  links: [],
  version: 0.4,
};

let report: ResolveManifestResult | undefined;

test('Resolve Manifest reports present, name-match, downloadable and missing rows', async () => {
  const api = await activateExtension();
  await statusWhere(api, (s) => s.state === 'idle' && s.locations >= Object.keys(fixture().models).length);
  const file = path.join(fixture().folder, 'shared', 'pyproject.toml');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, sharedManifest());
  report = await vscode.commands.executeCommand<ResolveManifestResult>(ShareCommands.resolveManifest, vscode.Uri.file(file));
  assert.ok(report, 'the command returns the report');
  assert.deepEqual(report.rows.map((r) => [r.filename, r.status]), [
    ['sd_xl_base_1.0.safetensors', 'present'],
    ['dreamshaper_8.safetensors', 'name-match'],
    ['ip-adapter.bin', 'downloadable'],
    ['gone-forever.safetensors', 'missing'],
  ]);
  assert.equal(report.rows[0].path, path.join(fixture().modelsDir, fixture().models.sdxlBase.relativePath));
  assert.equal(report.totals.downloadBytes, 44642768);
});

test('the "Download" action of a downloadable row starts a download task for its source', async () => {
  assert.ok(report);
  const api = await activateExtension();
  const row = report.rows.find((r) => r.status === 'downloadable')!;
  const url = 'http://127.0.0.1:9/ip-adapter.bin'; // the manifest's source: nothing listens on port 9
  // The task reaches the Downloads list (the transfer itself fails: the source is unreachable on purpose).
  const listed = new Promise<void>((resolve) => {
    const seen = () => api.ctx.downloads.list().some((d) => d.url === url && d.category === 'ipadapter');
    const sub = api.ctx.downloads.onDidChange(() => seen() && (sub.dispose(), resolve()));
    if (seen()) (sub.dispose(), resolve());
  });
  const ok = await vscode.commands.executeCommand<boolean>(ShareCommands.downloadModel, { row });
  assert.equal(ok, true);
  await listed;
});

test('Open Embedded Workflow on a PNG opens its workflow read-only, with the missing-model error', async () => {
  const png = path.join(fixture().folder, 'shared', 'ComfyUI_00042_.png');
  fs.writeFileSync(png, pngWith([{ type: 'tEXt', keyword: 'prompt', text: '{}' }, { type: 'tEXt', keyword: 'workflow', text: JSON.stringify(EMBEDDED, null, 2) }]));
  const previous = vscode.window.activeTextEditor?.document;
  await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
  const editor = await vscode.commands.executeCommand<vscode.TextEditor>(ShareCommands.openEmbeddedWorkflow, vscode.Uri.file(png));
  assert.ok(editor);
  assert.equal(editor.document.uri.scheme, EMBEDDED_SCHEME);
  assert.equal(editor.document.languageId, 'json');
  assert.deepEqual(JSON.parse(editor.document.getText()), EMBEDDED);
  const uri = editor.document.uri;
  const diags = (await diagnosticsWhere(uri, (d) => d.some((x) => codeOf(x) === 'missing-model'))).filter((x) => codeOf(x) === 'missing-model');
  assert.equal(diags.length, 1);
  assert.equal(editor.document.getText(diags[0].range), 'gone-forever.safetensors');
  // Scrolled to the top for the UI check: squiggles render on visible lines only, and notifications cover the bottom.
  editor.revealRange(diags[0].range, vscode.TextEditorRevealType.AtTop);
  // The first group shows the workflow the language-feature UI checks work on.
  if (previous) await vscode.window.showTextDocument(previous, { viewColumn: vscode.ViewColumn.One });
});
