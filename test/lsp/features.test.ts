// The language features over a real model library, a real index and real files.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  HoverRequest,
  type CodeAction,
  type CompletionList,
  type Diagnostic,
  type MarkupContent,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FixEditRequest, WorkflowReferencesRequest, WorkflowsRequest } from '../../server/src/protocol';
import { tempDir, writeFile } from '../helpers/files';
import { startSession, type Session } from '../helpers/lspSession';
import { applyTextEdits, applyWorkspaceEditToDisk } from '../helpers/workspaceEdit';
import { uiNode } from '../helpers/workflows';


/** A UI-format workflow; each loader value is unique so tests can find it by text. */
const WORKFLOW = JSON.stringify(
  {
    last_node_id: 9,
    nodes: [
      uiNode(1, 'CheckpointLoaderSimple', ['sd_xl_base.safetensors']),
      uiNode(2, 'VAELoader', ['ae.safetensors']),
      uiNode(3, 'LoraLoader', ['detail.safetensors', 1, 1]),
      uiNode(4, 'LoraLoader', ['dup.safetensors', 1, 1]),
      uiNode(5, 'VAELoader', ['lonely.safetensors']),
      uiNode(6, 'CLIPTextEncode', ['a photo, embedding:nothere']),
      uiNode(7, 'CheckpointLoaderSimple', ['muted_missing.safetensors'], 2),
      uiNode(8, 'UpscaleModelLoader', ['zzz_unrelated_name.pth']),
    ],
    links: [],
    version: 0.4,
  },
  null,
  2,
);

function spanOf(text: string, value: string): { start: number; end: number } {
  const at = text.indexOf(`"${value}`);
  assert.ok(at >= 0, `${value} is in the fixture`);
  return { start: at + 1, end: at + 1 + value.length };
}

function textAt(text: string, d: Diagnostic): string {
  const doc = TextDocument.create('file:///x', 'json', 0, text);
  return text.slice(doc.offsetAt(d.range.start), doc.offsetAt(d.range.end));
}

describe('language features on a workflow', () => {
  let dir: string;
  let ws: string;
  let models: string;
  let wf: string;
  let s: Session;

  before(async () => {
    dir = tempDir('cm-features-');
    ws = join(dir, 'ws');
    models = join(dir, 'models');
    writeFile(join(models, 'checkpoints/sd_xl_base_1.0.safetensors'), 'sdxl base weights');
    writeFile(join(models, 'checkpoints/lonely.safetensors'), 'a checkpoint named like a vae');
    writeFile(join(models, 'vae/ae.safetensors'), 'flux vae');
    writeFile(join(models, 'loras/SDXL/detail.safetensors'), 'detail lora');
    writeFile(join(models, 'loras/a/dup.safetensors'), 'dup one');
    writeFile(join(models, 'loras/b/dup.safetensors'), 'dup two');
    writeFile(join(models, 'upscale_models/RealESRGAN_x4.pth'), 'esrgan');
    wf = join(ws, 'workflows/main.json');
    writeFile(wf, WORKFLOW);
    s = await startSession(dir, { modelDirectories: [models], indexPath: join(dir, 'index.sqlite') }, ws);
    await s.nextStatus((st) => st.state === 'idle' && st.locations === 7);
    await s.open(wf, WORKFLOW);
  });
  after(() => s?.dispose());

  test('each diagnostic code has the value inside its quotes as range, with the severity of DESIGN §8', async () => {
    const diags = await s.pull(wf);
    const byCode = new Map(diags.filter((d) => textAt(WORKFLOW, d) !== 'zzz_unrelated_name.pth').map((d) => [d.code, d]));
    const expect: [string, string, number][] = [
      ['missing-model', 'sd_xl_base.safetensors', 1],
      ['wrong-folder', 'detail.safetensors', 2],
      ['ambiguous-model', 'dup.safetensors', 2],
      ['category-mismatch', 'lonely.safetensors', 2],
      ['missing-embedding', 'nothere', 2],
    ];
    for (const [code, value, severity] of expect) {
      const d = byCode.get(code);
      assert.ok(d, `${code} reported; got ${JSON.stringify(diags.map((x) => x.code))}`);
      assert.equal(textAt(WORKFLOW, d), value, `${code} range`);
      assert.equal(d.severity, severity, `${code} severity`);
      assert.equal(d.source, 'comfy-models');
    }
    const missing = byCode.get('missing-model')!;
    assert.match(missing.message as string, /checkpoints\//);
    assert.match(missing.message as string, /sd_xl_base_1\.0\.safetensors/);
    assert.ok(!diags.some((d) => textAt(WORKFLOW, d) === 'ae.safetensors'), 'a resolved reference has no diagnostic');
    assert.ok(!diags.some((d) => textAt(WORKFLOW, d) === 'muted_missing.safetensors'), 'a muted node gets no error');
    assert.equal(diags.filter((d) => d.code === 'missing-model').length, 2, 'the upscale model with no near match is missing too');
  });

  test('hover on a resolved reference shows path, size and quick hash; on a missing one the closest models', async () => {
    const hover = async (value: string) => {
      const { start } = spanOf(WORKFLOW, value);
      const doc = TextDocument.create('file:///x', 'json', 0, WORKFLOW);
      const h = await s.h.client.sendRequest(HoverRequest.type, { textDocument: { uri: s.uri(wf) }, position: doc.positionAt(start + 2) });
      return (h!.contents as MarkupContent).value;
    };
    const resolved = await hover('ae.safetensors');
    assert.match(resolved, /vae/);
    assert.match(resolved, /vae\/ae\.safetensors/);
    assert.match(resolved, /quick hash\*\* `[0-9a-f]{16}`/);
    const missing = await hover('sd_xl_base.safetensors');
    assert.match(missing, /not found/);
    assert.match(missing, /sd_xl_base_1\.0\.safetensors/);
  });

  test('completion inside a loader value offers the category names, best first, replacing the value', async () => {
    const { start } = spanOf(WORKFLOW, 'sd_xl_base.safetensors');
    const doc = TextDocument.create('file:///x', 'json', 0, WORKFLOW);
    const list = (await s.h.client.sendRequest(CompletionRequest.type, { textDocument: { uri: s.uri(wf) }, position: doc.positionAt(start + 5) })) as CompletionList;
    const labels = list.items.map((i) => i.label);
    assert.equal(labels[0], 'sd_xl_base_1.0.safetensors');
    assert.ok(!labels.includes('ae.safetensors'), 'only checkpoints are offered');
    const edit = list.items[0].textEdit as { range: { start: unknown; end: unknown }; newText: string };
    assert.equal(edit.newText, 'sd_xl_base_1.0.safetensors');
  });

  test('the code lens summarises the models of the workflow', async () => {
    const lenses = await s.h.client.sendRequest(CodeLensRequest.type, { textDocument: { uri: s.uri(wf) } });
    assert.equal(lenses?.[0].command?.title, '7 models · 3 missing · 3 to check');
    assert.equal(lenses?.[1].command?.command, 'comfyModels.searchIndex');
  });

  test('"Map in pyproject.toml" writes pyproject.toml (created) and the diagnostic is gone on the next pull', async () => {
    const diags = await s.pull(wf);
    const missing = diags.find((d) => d.code === 'missing-model' && textAt(WORKFLOW, d) === 'sd_xl_base.safetensors')!;
    const actions = (await s.h.client.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: s.uri(wf) },
      range: missing.range,
      context: { diagnostics: [missing] },
    })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    // No ComfyDock environment (no pyproject.toml yet): the fix that makes ComfyUI load it comes first, preferred.
    assert.deepEqual(titles, [
      "Replace in workflow with 'sd_xl_base_1.0.safetensors'",
      "Map in pyproject.toml (workflow unchanged) to 'checkpoints/sd_xl_base_1.0.safetensors'",
      'Search model index…',
    ]);
    assert.deepEqual(actions.map((a) => a.isPreferred === true), [true, false, false]);
    const map = actions[1];
    const manifestPath = join(ws, 'pyproject.toml');
    assert.ok(!existsSync(manifestPath));
    assert.equal((map.edit!.documentChanges![0] as { kind: string }).kind, 'create');
    applyWorkspaceEditToDisk(map.edit!);
    const toml = readFileSync(manifestPath, 'utf8');
    assert.match(toml, /\[tool\.comfydock\.models\.required\]/);
    assert.match(toml, /relative_path = "checkpoints\/sd_xl_base_1\.0\.safetensors"/);
    assert.match(toml, /\[tool\.comfydock\.workflows\."main"\.models\]/);
    assert.match(toml, /"sd_xl_base\.safetensors" = \{ hash = "[0-9a-f]{16}", nodes = \[\{ node_id = "1", widget_idx = 0 \}\] \}/);

    const refreshed = s.nextRefresh();
    await s.h.client.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: s.uri(manifestPath), type: FileChangeType.Created }] });
    await refreshed;
    const after = await s.pull(wf);
    const sameRef = after.filter((d) => textAt(WORKFLOW, d) === 'sd_xl_base.safetensors');
    assert.deepEqual(sameRef.map((d) => d.code), ['mapped-path-differs'], 'only the note that ComfyUI looks for the written name remains');
    assert.equal(sameRef[0].severity, 3, 'an Information diagnostic stays on the mapped value');
    assert.match(String(sameRef[0].message), /workflow unchanged/);
    const listed = (await s.h.client.sendRequest(WorkflowsRequest.type)).find((w) => w.uri === s.uri(wf))!;
    assert.equal(listed.mapped, 1, 'the Workflows view says "mapped", not plain "found"');
    const refs = await s.h.client.sendRequest(WorkflowReferencesRequest.type, { uri: s.uri(wf) });
    assert.equal(refs.find((r) => r.value === 'sd_xl_base.safetensors')?.status, 'mapped');
  });

  test('hover on a manifest hash shows the model, its file and the workflows that map to it', async () => {
    const manifestPath = join(ws, 'pyproject.toml');
    const toml = readFileSync(manifestPath, 'utf8');
    await s.open(manifestPath, toml);
    const hash = /^"([0-9a-f]{16})" = \{ filename/m.exec(toml)![1];
    const doc = TextDocument.create('file:///x', 'toml', 0, toml);
    const h = await s.h.client.sendRequest(HoverRequest.type, { textDocument: { uri: s.uri(manifestPath) }, position: doc.positionAt(toml.indexOf(hash) + 3) });
    const text = (h!.contents as MarkupContent).value;
    assert.match(text, /sd_xl_base_1\.0\.safetensors/);
    assert.match(text, /checkpoints\/sd_xl_base_1\.0\.safetensors/);
    assert.match(text, /Mapped in workflows\*\* `main`/);
  });

  test('the search palette lists a reference\'s candidates first, ranked like the quick fixes', async () => {
    const items = (await s.h.client.sendRequest('comfyModels/searchModels', { query: '', category: 'checkpoints', similarTo: 'sd_xl_base.safetensors' })) as { relativePath: string }[];
    assert.deepEqual(items.map((i) => i.relativePath), ['checkpoints/sd_xl_base_1.0.safetensors', 'checkpoints/lonely.safetensors']);
    const typed = (await s.h.client.sendRequest('comfyModels/searchModels', { query: 'lone', category: 'checkpoints', similarTo: 'sd_xl_base.safetensors' })) as { relativePath: string }[];
    assert.deepEqual(typed.map((i) => i.relativePath), ['checkpoints/lonely.safetensors']);
  });

  test('"Replace in workflow with" rewrites the value in the workflow JSON and the warning is gone', async () => {
    const diags = await s.pull(wf);
    const wrong = diags.find((d) => d.code === 'wrong-folder')!;
    const actions = (await s.h.client.sendRequest(CodeActionRequest.type, { textDocument: { uri: s.uri(wf) }, range: wrong.range, context: { diagnostics: [wrong] } })) as CodeAction[];
    const replace = actions.find((a) => a.title === "Replace in workflow with 'SDXL/detail.safetensors'")!;
    assert.ok(replace.isPreferred);
    const edits = replace.edit!.changes![s.uri(wf)];
    const text = applyTextEdits(WORKFLOW, edits);
    assert.equal(JSON.parse(text).nodes[2].widgets_values[0], 'SDXL/detail.safetensors');
    await s.change(wf, text);
    const after = await s.pull(wf);
    assert.ok(!after.some((d) => d.code === 'wrong-folder'));
    await s.change(wf, WORKFLOW);
  });

  test('the fixEdit request maps a reference to a model picked in the search palette', async () => {
    const { start } = spanOf(WORKFLOW, 'zzz_unrelated_name.pth');
    const search = await s.h.client.sendRequest('comfyModels/searchModels', { query: 'esrgan', category: 'upscale_models' });
    const hash = (search as { hash: string }[])[0].hash;
    const edit = (await s.h.client.sendRequest(FixEditRequest.type, {
      reference: { uri: s.uri(wf), nodeId: '8', widgetIndex: 0, value: 'zzz_unrelated_name.pth', category: 'upscale_models', offset: start, length: 'zzz_unrelated_name.pth'.length },
      hash,
      kind: 'replace',
    })) as WorkspaceEdit;
    const text = applyTextEdits(WORKFLOW, edit.changes![s.uri(wf)]);
    assert.equal(JSON.parse(text).nodes[7].widgets_values[0], 'RealESRGAN_x4.pth');
  });

  test('a model file appearing in a root refreshes diagnostics and the reference resolves', async () => {
    const refreshed = s.nextRefresh();
    writeFile(join(models, 'upscale_models/zzz_unrelated_name.pth'), 'now it exists');
    await refreshed;
    await s.nextStatus((st) => st.state === 'idle' && st.locations === 8);
    const diags = await s.pull(wf);
    assert.ok(!diags.some((d) => textAt(WORKFLOW, d) === 'zzz_unrelated_name.pth'));
  });
});

describe('mapped models, manifests and broken input', () => {
  test('a mapping whose model file was deleted turns into mapped-model-gone; manifest checks report it', async () => {
    const dir = tempDir('cm-features-gone-');
    const ws = join(dir, 'ws');
    const models = join(dir, 'models');
    const file = join(models, 'loras/style.safetensors');
    writeFile(file, 'a style lora');
    const wfText = JSON.stringify({ nodes: [uiNode(3, 'LoraLoader', ['old_style_name.safetensors', 1, 1])], links: [], version: 0.4 });
    const wf = join(ws, 'wf.json');
    writeFile(wf, wfText);
    const s = await startSession(dir, { modelDirectories: [models], indexPath: join(dir, 'index.sqlite') }, ws);
    try {
      await s.nextStatus((st) => st.state === 'idle' && st.locations === 1);
      await s.open(wf, wfText);
      const missing = (await s.pull(wf)).find((d) => d.code === 'missing-model')!;
      const actions = (await s.h.client.sendRequest(CodeActionRequest.type, { textDocument: { uri: s.uri(wf) }, range: missing.range, context: { diagnostics: [missing] } })) as CodeAction[];
      applyWorkspaceEditToDisk(actions.find((a) => a.title.startsWith('Map in pyproject.toml'))!.edit!);
      await s.h.client.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: s.uri(join(ws, 'pyproject.toml')), type: FileChangeType.Created }] });
      assert.deepEqual((await s.pull(wf)).map((d) => d.code), ['mapped-path-differs']);

      const refreshed = s.nextRefresh();
      rmSync(file);
      await refreshed;
      await s.nextStatus((st) => st.state === 'idle' && st.locations === 0);
      const gone = (await s.pull(wf)).find((d) => d.code === 'mapped-model-gone');
      assert.ok(gone, 'mapped-model-gone');
      assert.equal(textAt(wfText, gone), 'old_style_name.safetensors');

      const tomlPath = join(ws, 'pyproject.toml');
      const toml = readFileSync(tomlPath, 'utf8');
      await s.open(tomlPath, toml);
      const tomlDiags = await s.pull(tomlPath);
      const notLocal = tomlDiags.find((d) => d.code === 'manifest-model-not-local')!;
      assert.ok(notLocal);
      assert.match(textAt(toml, notLocal), /^[0-9a-f]{16}$/);
    } finally {
      await s.dispose();
    }
  });

  test('pyproject.toml: unknown mapped hash with its fix, unsafe entries, and malformed TOML without a crash', async () => {
    const dir = tempDir('cm-features-toml-');
    const ws = join(dir, 'ws');
    const models = join(dir, 'models');
    writeFile(join(models, 'vae/known.safetensors'), 'known vae');
    const s = await startSession(dir, { modelDirectories: [models], indexPath: join(dir, 'index.sqlite') }, ws);
    try {
      await s.nextStatus((st) => st.state === 'idle' && st.locations === 1);
      const hash = ((await s.h.client.sendRequest('comfyModels/searchModels', { query: 'known' })) as { hash: string }[])[0].hash;
      const tomlPath = join(ws, 'pyproject.toml');
      const toml = [
        '[project]',
        'name = "demo" # a comment',
        '',
        '[tool.comfydock.models.required]',
        '"zz" = { filename = "bad.safetensors", category = "vae", relative_path = "../../etc/passwd", size = 1, sources = [{ type = "url", url = "file:///etc/passwd" }] }',
        '',
        '[tool.comfydock.workflows."wf"]',
        'path = "wf.json"',
        '',
        '[tool.comfydock.workflows."wf".models]',
        `"vae.safetensors" = { hash = "${hash}", nodes = [{ node_id = "1", widget_idx = 0 }] }`,
        '',
      ].join('\n');
      writeFile(tomlPath, toml);
      await s.open(tomlPath, toml);
      const diags = await s.pull(tomlPath);
      const codes = diags.map((d) => d.code);
      assert.ok(codes.includes('manifest-invalid'), JSON.stringify(codes));
      const unknown = diags.find((d) => d.code === 'manifest-unknown-hash')!;
      assert.equal(textAt(toml, unknown), hash);
      const actions = (await s.h.client.sendRequest(CodeActionRequest.type, { textDocument: { uri: s.uri(tomlPath) }, range: unknown.range, context: { diagnostics: [unknown] } })) as CodeAction[];
      const add = actions.find((a) => a.title === "Add 'vae/known.safetensors' to the required models")!;
      assert.ok(add, JSON.stringify(actions.map((a) => a.title)));
      const fixed = applyWorkspaceEditToDisk(add.edit!).get(tomlPath)!;
      assert.ok(fixed.startsWith('[project]\nname = "demo" # a comment\n'), 'untouched bytes stay');
      await s.change(tomlPath, fixed);
      assert.ok(!(await s.pull(tomlPath)).some((d) => d.code === 'manifest-unknown-hash'));

      await s.change(tomlPath, '[tool.comfydock.models.required\n"x" = 1');
      const broken = await s.pull(tomlPath);
      assert.equal(broken[0].code, 'manifest-invalid');
      assert.equal(broken[0].severity, 1);

      const badJson = join(ws, 'broken.json');
      const badText = '{ "nodes": [ { "id": 1, "type": "VAELoader", "widgets_values": ["x.safetensors"] }, ';
      await s.open(badJson, badText);
      const jsonDiags = await s.pull(badJson);
      assert.equal(jsonDiags[0].code, 'invalid-workflow');
      const other = join(ws, 'package.json');
      await s.open(other, '{ "name": "not a workflow", "version": "1.0.0" }');
      assert.deepEqual(await s.pull(other), []);
    } finally {
      await s.dispose();
    }
  });
});

describe('settings', () => {
  test('a change of model roots or index path is pulled again and re-syncs; diagnostics follow', async () => {
    const dir = tempDir('cm-features-settings-');
    const ws = join(dir, 'ws');
    const first = join(dir, 'models-a');
    const second = join(dir, 'models-b');
    writeFile(join(first, 'checkpoints/a.safetensors'), 'model a');
    writeFile(join(second, 'checkpoints/b.safetensors'), 'model b');
    writeFile(join(second, 'checkpoints/c.safetensors'), 'model c');
    const wfText = JSON.stringify({ nodes: [uiNode(1, 'CheckpointLoaderSimple', ['b.safetensors'])], links: [], version: 0.4 });
    const wf = join(ws, 'wf.json');
    writeFile(wf, wfText);
    const s = await startSession(dir, { modelDirectories: [first], indexPath: join(dir, 'one.sqlite') }, ws);
    try {
      await s.nextStatus((st) => st.state === 'idle' && st.locations === 1);
      await s.open(wf, wfText);
      assert.deepEqual((await s.pull(wf)).map((d) => d.code), ['missing-model']);

      const refreshed = s.nextRefresh();
      s.h.setSettings({ modelDirectories: [second], indexPath: join(dir, 'two.sqlite') });
      const status = await s.nextStatus((st) => st.state === 'idle' && st.locations === 2);
      assert.equal(status.indexPath, join(dir, 'two.sqlite'));
      assert.deepEqual(status.roots, [second]);
      await refreshed;
      assert.deepEqual(await s.pull(wf), []);
    } finally {
      await s.dispose();
    }
  });
});
