// The sharing requests (protocol/share.ts) over a real model library, a real index and real files: the
// resolve report of a manifest and "use this file", export (edit for an open manifest, atomic write for
// a closed one), the install plan and diagnostics of a workflow embedded in a PNG opened as a
// `comfy-embedded:` document, library health with deleting a copy (never the last), link/unlink.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DidOpenTextDocumentNotification, DocumentDiagnosticRequest, CodeLensRequest, type DocumentDiagnosticReport } from 'vscode-languageserver-protocol';
import { URI } from 'vscode-uri';
import { quickHashFile } from '../../server/src/core/hash/quickHash';
import { editManifest } from '../../server/src/core/manifest/edit';
import { applySplices } from '../../server/src/core/text';
import {
  DeleteDuplicateRequest, EMBEDDED_SCHEME, EMBEDDED_SUFFIX, EmbeddedWorkflowRequest, ExportManifestRequest, HealthRequest,
  InstallPlanRequest, LinkComfyuiRequest, ResolveManifestRequest, ShareCommands, UseLocalFileRequest,
} from '../../server/src/protocol';
import { pngWith } from '../helpers/embeddedFiles';
import { tempDir, writeFile } from '../helpers/files';
import { startSession, type Session } from '../helpers/lspSession';
import { applyWorkspaceEditToDisk } from '../helpers/workspaceEdit';

const WORKFLOW = JSON.stringify({
  nodes: [
    { id: 4, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['base.safetensors'] },
    { id: 9, type: 'LoraLoader', mode: 0, widgets_values: ['style.safetensors', 1, 1], properties: { cnr_id: 'comfyui-style-pack', ver: '1.2.0' } },
    { id: 10, type: 'VAELoader', mode: 0, widgets_values: ['gone.safetensors'] },
  ],
  links: [],
  version: 0.4,
});

describe('sharing requests', () => {
  let dir: string;
  let ws: string;
  let models: string;
  let manifestPath: string;
  let s: Session;
  const hashOf: Record<string, string> = {};

  before(async () => {
    dir = tempDir('cm-share-lsp-');
    ws = join(dir, 'ws');
    models = join(dir, 'models');
    writeFile(join(models, 'checkpoints/base.safetensors'), 'base checkpoint weights');
    writeFile(join(models, 'checkpoints/copy-of-base.safetensors'), 'base checkpoint weights');
    writeFile(join(models, 'loras/style.safetensors'), 'a local lora of the same name');
    for (const f of ['checkpoints/base.safetensors', 'loras/style.safetensors']) hashOf[f] = (await quickHashFile(join(models, f))).quickHash;
    // The manifest another machine exported: base (present here), style (same name, other content),
    // vae (downloadable), an upscaler (missing); the workflow maps style.safetensors to its style.
    let text = '# shared project\n';
    const add = (hash: string, filename: string, category: string, size: number, sources: { type: 'url'; url: string }[]) => {
      text = applySplices(text, editManifest(text, [{ kind: 'add-model', table: 'required', model: { hash, filename, category, relativePath: `${category}/${filename}`, size, sources } }]));
    };
    add(hashOf['checkpoints/base.safetensors'], 'base.safetensors', 'checkpoints', 23, []);
    add('aaaaaaaaaaaaaaaa', 'style.safetensors', 'loras', 999, []);
    add('bbbbbbbbbbbbbbbb', 'gone.safetensors', 'vae', 4096, [{ type: 'url', url: 'http://127.0.0.1:9/files/gone.safetensors' }]);
    add('cccccccccccccccc', 'up.pth', 'upscale_models', 77, []);
    text = applySplices(text, editManifest(text, [{ kind: 'add-mapping', mapping: { workflow: 'main', workflowPath: 'main.json', reference: 'style.safetensors', hash: 'aaaaaaaaaaaaaaaa', nodes: [{ nodeId: '9', widgetIndex: 0 }] } }]));
    manifestPath = join(ws, 'pyproject.toml');
    writeFile(manifestPath, text);
    writeFile(join(ws, 'main.json'), WORKFLOW);
    writeFile(join(ws, 'ComfyUI_00001_.png'), pngWith([{ type: 'tEXt', keyword: 'prompt', text: '{}' }, { type: 'tEXt', keyword: 'workflow', text: WORKFLOW }]));
    s = await startSession(dir, { modelDirectories: [models], indexPath: join(dir, 'index.sqlite') }, ws);
    await s.nextStatus((st) => st.state === 'idle' && st.locations === 3);
  });
  after(() => s?.dispose());

  const resolveReport = () => s.h.client.sendRequest(ResolveManifestRequest.type, { manifestUri: s.uri(manifestPath) });

  test('resolve: present by quick hash, a same-named file offered (not taken), downloadable with its total, missing', async () => {
    const report = await resolveReport();
    assert.deepEqual(report.rows.map((r) => [r.filename, r.status]), [
      ['base.safetensors', 'present'],
      ['style.safetensors', 'name-match'],
      ['gone.safetensors', 'downloadable'],
      ['up.pth', 'missing'],
    ]);
    assert.equal(report.rows[0].path, join(models, 'checkpoints/base.safetensors'));
    assert.deepEqual(report.rows[1].candidates, [join(models, 'loras/style.safetensors')]);
    assert.equal(report.totals.downloadBytes, 4096);
    assert.equal(report.rows[2].target, join(models, 'vae'));
    assert.equal(report.targets.length, 1);
    assert.ok(report.targets[0].freeBytes === null || report.targets[0].freeBytes > 0);
  });

  test('"use this file" maps the workflow to the local file of the same name (a manifest edit the client applies)', async () => {
    const edit = await s.h.client.sendRequest(UseLocalFileRequest.type, { manifestUri: s.uri(manifestPath), hash: 'aaaaaaaaaaaaaaaa', path: join(models, 'loras/style.safetensors') });
    assert.ok(edit);
    const before = readFileSync(manifestPath, 'utf8');
    applyWorkspaceEditToDisk(edit);
    const after = readFileSync(manifestPath, 'utf8');
    assert.ok(after.startsWith('# shared project\n'), 'the rest of the file is kept');
    assert.ok(after.includes(`"${hashOf['loras/style.safetensors']}"`), 'the local file joins the manifest');
    assert.ok(before.includes('"aaaaaaaaaaaaaaaa" = {') && after.includes('"aaaaaaaaaaaaaaaa" = {'), 'the original entry stays');
    const report = await resolveReport();
    const local = report.rows.find((r) => r.hash === hashOf['loras/style.safetensors']);
    assert.equal(local?.status, 'present');
  });

  test('export of the closed manifest writes full hashes known to the index and lists models without a source', async () => {
    const result = await s.h.client.sendRequest(ExportManifestRequest.type, { manifestUri: s.uri(manifestPath), computeFullHashes: true });
    assert.equal(result.edit, undefined);
    assert.equal(result.written, result.changed);
    assert.ok(result.changed);
    const text = readFileSync(manifestPath, 'utf8');
    assert.match(text, /blake3 = "[0-9a-f]{64}"/);
    assert.ok(result.withoutSource.includes('base.safetensors'));
    assert.ok(!result.withoutSource.includes('gone.safetensors'));
  });

  test('export of an open manifest returns an edit of the changed span only, and writes nothing', async () => {
    const open = readFileSync(manifestPath, 'utf8').replace(/, blake3 = "[0-9a-f]{64}"/g, '').replace(/, sha256 = "[0-9a-f]{64}"/g, '');
    await s.open(manifestPath, open);
    const onDisk = readFileSync(manifestPath, 'utf8');
    const result = await s.h.client.sendRequest(ExportManifestRequest.type, { manifestUri: s.uri(manifestPath), computeFullHashes: false });
    assert.equal(result.written, false);
    assert.ok(result.edit, 'an edit for the open buffer');
    assert.equal(readFileSync(manifestPath, 'utf8'), onDisk, 'the file on disk is untouched');
    const change = result.edit!.documentChanges![0] as { edits: { newText: string }[] };
    assert.equal(change.edits.length, 1);
    assert.match(change.edits[0].newText, /blake3 = "[0-9a-f]{64}"/);
  });

  test('a workflow embedded in a PNG: its text, its install plan, and its missing-model diagnostic as a comfy-embedded document', async () => {
    const png = join(ws, 'ComfyUI_00001_.png');
    const embedded = await s.h.client.sendRequest(EmbeddedWorkflowRequest.type, { path: png });
    assert.equal(embedded?.container, 'png');
    assert.equal(embedded?.text, WORKFLOW);
    const uri = URI.from({ scheme: EMBEDDED_SCHEME, path: URI.file(png).path + EMBEDDED_SUFFIX }).toString();
    await s.h.client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'json', version: 1, text: WORKFLOW } });
    const report = (await s.h.client.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as DocumentDiagnosticReport;
    const items = report.kind === 'full' ? report.items : [];
    const missing = items.filter((d) => d.code === 'missing-model');
    assert.equal(missing.length, 1);
    assert.match(String(missing[0].message), /gone\.safetensors/);
    const lenses = await s.h.client.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
    assert.ok(lenses?.some((l) => l.command?.command === ShareCommands.showInstallPlan && l.command.arguments?.[0] === uri), 'an "Install plan" lens');
    const plan = await s.h.client.sendRequest(InstallPlanRequest.type, { uri });
    assert.equal(plan.path, png);
    assert.deepEqual(plan.models.map((m) => m.value), ['gone.safetensors']);
    assert.equal(plan.models[0].size, 4096, 'the size comes from the manifest next to the image');
    assert.equal(plan.models[0].sources[0].url, 'http://127.0.0.1:9/files/gone.safetensors');
    assert.deepEqual(plan.nodes.packs.map((p) => p.id), ['comfyui-style-pack']);
  });

  test('health lists the duplicate; deleting a copy works once and never deletes the last one', async () => {
    const health = await s.h.client.sendRequest(HealthRequest.type, { projectDir: ws });
    assert.equal(health.duplicates.length, 1);
    assert.deepEqual([...health.duplicates[0].copies].sort(), [join(models, 'checkpoints/base.safetensors'), join(models, 'checkpoints/copy-of-base.safetensors')]);
    const copy = join(models, 'checkpoints/copy-of-base.safetensors');
    await s.h.client.sendRequest(DeleteDuplicateRequest.type, { path: copy });
    assert.ok(!existsSync(copy));
    await assert.rejects(s.h.client.sendRequest(DeleteDuplicateRequest.type, { path: join(models, 'checkpoints/base.safetensors') }), /last copy/);
    assert.ok(existsSync(join(models, 'checkpoints/base.safetensors')));
  });

  test('link writes our block into extra_model_paths.yaml, keeping the rest; unlink gives the original bytes back', async () => {
    const comfy = join(dir, 'ComfyUI');
    const original = '# my paths\r\nother:\r\n    base_path: /x\r\n    loras: loras\r\n';
    writeFile(join(comfy, 'extra_model_paths.yaml'), original);
    const linked = await s.h.client.sendRequest(LinkComfyuiRequest.type, { comfyuiDir: comfy, unlink: false });
    assert.equal(linked.changed, true);
    const text = readFileSync(join(comfy, 'extra_model_paths.yaml'), 'utf8');
    assert.ok(text.startsWith(original));
    assert.ok(text.includes(models));
    const unlinked = await s.h.client.sendRequest(LinkComfyuiRequest.type, { comfyuiDir: comfy, unlink: true });
    assert.equal(unlinked.changed, true);
    assert.equal(readFileSync(join(comfy, 'extra_model_paths.yaml'), 'utf8'), original);
  });
});
