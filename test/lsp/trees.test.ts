// The sidebar's requests over a real index: model tree rows in pages (canonical categories first,
// aliases folded, custom after), scoping to the configured roots, details, duplicates, workflows
// found by content with their status, and manifest edits.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol';
import { IndexChangedNotification, SearchModelsRequest, SyncIndexRequest, type StatusResult } from '../../server/src/protocol';
import {
  AddModelToManifestRequest, ComputeFullHashesRequest, DeleteModelCopyRequest, DuplicatesRequest, ModelDetailsRequest, ModelTreeRequest, WorkflowReferencesRequest, WorkflowsRequest,
} from '../../server/src/protocol/trees';
import { pathToUri } from '../../server/src/lsp/workspaceFiles';
import { tempDir, writeFile } from '../helpers/files';
import { startInMemory } from '../helpers/lspHarness';
import { applyWorkspaceEditToDisk } from '../helpers/workspaceEdit';
import { checkpointTensors, kohyaMetadata, loraTensors, writeSafetensors } from '../helpers/modelFiles';

const LORAS = 250;

function library(dir: string) {
  const a = join(dir, 'a');
  const b = join(dir, 'b');
  writeFile(join(a, 'checkpoints/sd_xl_base.safetensors'), 'sdxl base');
  writeFile(join(a, 'checkpoints/SD15/v1-5.safetensors'), 'sd 1.5');
  writeFile(join(a, 'clip/t5xxl.safetensors'), 't5 encoder');
  writeFile(join(a, 'my_custom/thing.safetensors'), 'custom');
  for (let i = 0; i < LORAS; i++) writeFile(join(a, `loras/style_${String(i).padStart(3, '0')}.safetensors`), `lora ${i}`);
  writeFile(join(b, 'checkpoints/copy_of_base.safetensors'), 'sdxl base');
  writeFile(join(b, 'vae/only_in_b.safetensors'), 'vae b');
  return { a, b };
}

async function serverOver(dir: string, roots: string[], workspace?: string) {
  const statuses: StatusResult[] = [];
  let wake: (() => void) | undefined;
  const h = await startInMemory({
    storagePath: dir,
    settings: { modelDirectories: roots },
    ...(workspace && { workspaceFolders: [{ uri: pathToUri(workspace), name: 'ws' }] }),
    beforeInitialize: (c) =>
      c.onNotification(IndexChangedNotification.type, (s) => {
        statuses.push(s);
        wake?.();
      }),
  });
  /** Resolves once an idle status with `roots` has arrived. */
  const idle = async (want: string[]) => {
    while (!statuses.some((s) => s.state === 'idle' && JSON.stringify(s.roots) === JSON.stringify(want))) await new Promise<void>((r) => (wake = r));
    statuses.length = 0;
  };
  await idle(roots);
  return { h, idle };
}

test('the model tree: categories in order, folders before models, pages, scoping to roots, details and duplicates', { timeout: 60_000 }, async () => {
  const dir = tempDir('cm-lsp-trees-');
  const { a, b } = library(dir);
  const { h, idle } = await serverOver(dir, [a, b]);
  try {
    const top = await h.client.sendRequest(ModelTreeRequest.type, {});
    assert.deepEqual(
      top.items.map((i) => [i.label, i.count]),
      [['checkpoints', 3], ['loras', LORAS], ['text_encoders', 1], ['vae', 1], ['my_custom', 1]],
    );

    const checkpoints = await h.client.sendRequest(ModelTreeRequest.type, { parent: top.items[0].id });
    assert.deepEqual(checkpoints.items.map((i) => [i.kind, i.label]), [['folder', 'SD15'], ['model', 'copy_of_base.safetensors'], ['model', 'sd_xl_base.safetensors']]);
    const base = checkpoints.items[2];
    assert.equal(base.copies, 1, 'the same content in root b counts as a copy');
    assert.equal(base.path, join(a, 'checkpoints/sd_xl_base.safetensors'));
    const sd15 = await h.client.sendRequest(ModelTreeRequest.type, { parent: checkpoints.items[0].id });
    assert.deepEqual(sd15.items.map((i) => i.name), ['SD15/v1-5.safetensors']);

    // Paging: 250 LoRAs in pages of 100, in name order, each page continuing the previous one.
    const loras = top.items[1].id;
    const pages = [];
    for (let offset = 0; offset < LORAS; offset += 100) pages.push(await h.client.sendRequest(ModelTreeRequest.type, { parent: loras, offset, limit: 100 }));
    assert.deepEqual(pages.map((p) => [p.items.length, p.total]), [[100, LORAS], [100, LORAS], [50, LORAS]]);
    const names = pages.flatMap((p) => p.items.map((i) => i.label));
    assert.deepEqual(names, Array.from({ length: LORAS }, (_, i) => `style_${String(i).padStart(3, '0')}.safetensors`));

    // Filters: text and category.
    const filtered = await h.client.sendRequest(ModelTreeRequest.type, { filter: { text: 'style_24' } });
    assert.deepEqual(filtered.items.map((i) => [i.label, i.count]), [['loras', 10]]);
    const onlyVae = await h.client.sendRequest(ModelTreeRequest.type, { filter: { category: 'vae' } });
    assert.deepEqual(onlyVae.items.map((i) => i.label), ['vae']);

    // Grouped by root.
    const byRoot = await h.client.sendRequest(ModelTreeRequest.type, { groupBy: 'root' });
    assert.deepEqual(byRoot.items.map((i) => [i.label, i.count]), [[a, LORAS + 4], [b, 2]]);
    const inB = await h.client.sendRequest(ModelTreeRequest.type, { groupBy: 'root', parent: byRoot.items[1].id });
    assert.deepEqual(inB.items.map((i) => i.label), ['checkpoints', 'vae']);

    const details = await h.client.sendRequest(ModelDetailsRequest.type, { hash: base.hash! });
    assert.deepEqual(details?.locations.map((l) => l.path).sort(), [join(a, 'checkpoints/sd_xl_base.safetensors'), join(b, 'checkpoints/copy_of_base.safetensors')].sort());
    const dups = await h.client.sendRequest(DuplicatesRequest.type);
    assert.deepEqual(dups.map((d) => d.hash), [base.hash]);

    // The palette's request: by a hash prefix, and within a category.
    const byHash = await h.client.sendRequest(SearchModelsRequest.type, { query: base.hash!.slice(0, 6) });
    assert.equal(byHash[0].hash, base.hash);
    const inLoras = await h.client.sendRequest(SearchModelsRequest.type, { query: 'style_01', category: 'loras', limit: 500 });
    assert.ok(inLoras.length >= 10 && inLoras.every((x) => x.category === 'loras'));

    // Full hashes: computed from the file, recorded in the index, shown in the details.
    const computed = await h.client.sendRequest(ComputeFullHashesRequest.type, { hashes: [base.hash!] });
    assert.deepEqual(computed, { computed: 1, failed: 0, cancelled: false });
    const withHashes = await h.client.sendRequest(ModelDetailsRequest.type, { hash: base.hash! });
    assert.equal(withHashes?.sha256, createHash('sha256').update('sdxl base').digest('hex'));

    // Deleting a copy: allowed while another copy exists, refused for the last one.
    const copyInB = join(b, 'checkpoints/copy_of_base.safetensors');
    assert.deepEqual(await h.client.sendRequest(DeleteModelCopyRequest.type, { hash: base.hash!, path: copyInB }), { deleted: true });
    assert.equal(existsSync(copyInB), false);
    const last = await h.client.sendRequest(DeleteModelCopyRequest.type, { hash: base.hash!, path: base.path! });
    assert.equal(last.deleted, false);
    assert.match(last.message ?? '', /only copy/);
    assert.equal(existsSync(base.path!), true);

    // Scoping: root b leaves the settings, its models leave the tree and the search (the index keeps them).
    const scoped = idle([a]);
    h.setSettings({ modelDirectories: [a] });
    await scoped;
    await h.client.sendRequest(SyncIndexRequest.type); // the sync the new settings started
    const after = await h.client.sendRequest(ModelTreeRequest.type, {});
    assert.deepEqual(after.items.map((i) => i.label), ['checkpoints', 'loras', 'text_encoders', 'my_custom']);
    assert.deepEqual(await h.client.sendRequest(SearchModelsRequest.type, { query: 'only_in_b' }), []);
  } finally {
    await h.dispose();
  }
});

const uiWorkflow = (values: [string, unknown[]][]) =>
  JSON.stringify({ nodes: values.map(([type, widgets_values], i) => ({ id: i + 1, type, mode: 0, widgets_values })), links: [], version: 0.4 }, null, 2);

test('workflows are found by content (not in node_modules or hidden folders), summarised and listed with their references', { timeout: 60_000 }, async () => {
  const dir = tempDir('cm-lsp-workflows-');
  const { a } = library(dir);
  const ws = join(dir, 'ws');
  writeFile(join(ws, 'flows/ok.json'), uiWorkflow([['CheckpointLoaderSimple', ['sd_xl_base.safetensors']]]));
  writeFile(join(ws, 'flows/broken-ref.json'), uiWorkflow([['CheckpointLoaderSimple', ['nowhere.safetensors']], ['LoraLoader', ['style_001.safetensors', 1, 1]]]));
  writeFile(join(ws, 'api-prompt.json'), JSON.stringify({ '3': { class_type: 'VAELoader', inputs: { vae_name: 'missing_vae.safetensors' } } }));
  writeFile(join(ws, 'package.json'), JSON.stringify({ name: 'not-a-workflow' }));
  writeFile(join(ws, 'node_modules/x/flow.json'), uiWorkflow([['CheckpointLoaderSimple', ['a.safetensors']]]));
  writeFile(join(ws, '.hidden/flow.json'), uiWorkflow([['CheckpointLoaderSimple', ['a.safetensors']]]));
  const { h } = await serverOver(dir, [a], ws);
  try {
    const list = await h.client.sendRequest(WorkflowsRequest.type);
    assert.deepEqual(
      list.map((w) => [w.label, w.format, w.models, w.missing]),
      [['api-prompt.json', 'api', 1, 1], [join('flows', 'broken-ref.json'), 'ui', 2, 1], [join('flows', 'ok.json'), 'ui', 1, 0]],
    );
    const refs = await h.client.sendRequest(WorkflowReferencesRequest.type, { uri: list[1].uri });
    assert.deepEqual(refs.map((r) => [r.value, r.status]), [['nowhere.safetensors', 'missing'], ['style_001.safetensors', 'resolved']]);
    const text = readFileSync(join(ws, 'flows/broken-ref.json'), 'utf8');
    assert.equal(text.slice(refs[0].offset, refs[0].offset + refs[0].length), 'nowhere.safetensors');

    const base = (await h.client.sendRequest(SearchModelsRequest.type, { query: 'sd_xl_base' }))[0];
    const details = await h.client.sendRequest(ModelDetailsRequest.type, { hash: base.hash });
    assert.deepEqual(details?.workflows.map((w) => w.label), [join('flows', 'ok.json')]);

    // Add to manifest: the workspace folder's pyproject.toml is created with the entry; a second add says so.
    const added = await h.client.sendRequest(AddModelToManifestRequest.type, { hash: base.hash, table: 'optional' });
    assert.ok(added.edit, added.message);
    applyWorkspaceEditToDisk(added.edit!);
    // As VS Code's file watcher would: the server's manifest cache drops what it knew of the file.
    await h.client.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: added.manifestUri, type: FileChangeType.Created }] });
    const written = readFileSync(join(ws, 'pyproject.toml'), 'utf8');
    assert.equal(added.manifestUri, pathToUri(join(ws, 'pyproject.toml')));
    assert.match(written, /\[tool\.comfydock\.models\.optional\]/);
    assert.match(written, new RegExp(base.hash));
    const again = await h.client.sendRequest(AddModelToManifestRequest.type, { hash: base.hash });
    assert.equal(again.edit, undefined);
    assert.match(again.message ?? '', /already listed/);
  } finally {
    await h.dispose();
  }
});

test('the model tree grouped by base model: families read from the files, Unknown last, models paged; tooltip details with base model and preview; the palette filters by base:', { timeout: 60_000 }, async () => {
  const dir = tempDir('cm-lsp-trees-base-');
  const root = join(dir, 'models');
  writeSafetensors(join(root, 'checkpoints/sd_xl_base.safetensors'), checkpointTensors('sdxl'));
  writeSafetensors(join(root, 'checkpoints/v1-5.safetensors'), checkpointTensors('sd1'));
  const thumb = `data:image/png;base64,${Buffer.from('a tiny png').toString('base64')}`;
  writeSafetensors(join(root, 'loras/xl_a.safetensors'), loraTensors('sdxl'), kohyaMetadata('sdxl_base_v1-0', { 'pixel art': 10, retro: 3 }, 'xl_a'));
  writeFile(join(root, 'loras/xl_a.preview.png'), 'png beside the model');
  writeSafetensors(join(root, 'loras/xl_b.safetensors'), loraTensors('sdxl'), { ...kohyaMetadata('sdxl_base_v1-0', {}, 'xl_b'), 'modelspec.thumbnail': thumb });
  writeSafetensors(join(root, 'loras/xl_c.safetensors'), loraTensors('sdxl'), kohyaMetadata('sdxl_base_v1-0', {}, 'xl_c'));
  writeSafetensors(join(root, 'loras/old_style.safetensors'), loraTensors('sd1'));
  writeFile(join(root, 'vae/mystery.safetensors'), 'no header');
  const { h } = await serverOver(dir, [root]);
  try {
    const top = await h.client.sendRequest(ModelTreeRequest.type, { groupBy: 'baseModel' });
    assert.deepEqual(top.items.map((i) => [i.kind, i.label, i.count]), [['baseModel', 'SD 1.x', 2], ['baseModel', 'SDXL', 4], ['baseModel', 'Unknown', 1]]);
    const first = await h.client.sendRequest(ModelTreeRequest.type, { groupBy: 'baseModel', parent: top.items[1].id, limit: 2 });
    const rest = await h.client.sendRequest(ModelTreeRequest.type, { groupBy: 'baseModel', parent: top.items[1].id, offset: 2, limit: 2 });
    assert.deepEqual([first.total, rest.total], [4, 4]);
    assert.deepEqual([...first.items, ...rest.items].map((i) => [i.kind, i.label]), [['model', 'sd_xl_base.safetensors'], ['model', 'xl_a.safetensors'], ['model', 'xl_b.safetensors'], ['model', 'xl_c.safetensors']]);
    // The tooltip's details: the header's facts, and the preview beside the file, else the embedded thumbnail.
    const [xlA, xlB] = [first.items[1], rest.items[0]];
    const detailsA = await h.client.sendRequest(ModelDetailsRequest.type, { hash: xlA.hash! });
    assert.deepEqual(
      [detailsA?.baseModel, detailsA?.kind, detailsA?.trainedWords, detailsA?.preview],
      ['sdxl', 'lora', ['pixel art', 'retro'], pathToFileURL(join(root, 'loras/xl_a.preview.png')).href],
    );
    const detailsB = await h.client.sendRequest(ModelDetailsRequest.type, { hash: xlB.hash! });
    assert.deepEqual([detailsB?.baseModel, detailsB?.preview], ['sdxl', thumb]);
    const unknown = await h.client.sendRequest(ModelTreeRequest.type, { groupBy: 'baseModel', parent: top.items[2].id });
    const detailsUnknown = await h.client.sendRequest(ModelDetailsRequest.type, { hash: unknown.items[0].hash! });
    assert.deepEqual([detailsUnknown?.baseModel, detailsUnknown?.preview], [undefined, undefined]);
    assert.deepEqual(unknown.items.map((i) => i.label), ['mystery.safetensors']);
    const loras = await h.client.sendRequest(ModelTreeRequest.type, { groupBy: 'baseModel', filter: { category: 'loras' } });
    assert.deepEqual(loras.items.map((i) => [i.label, i.count]), [['SD 1.x', 1], ['SDXL', 3]]);

    const xl = await h.client.sendRequest(SearchModelsRequest.type, { query: 'base:sdxl', category: 'loras' });
    assert.deepEqual(xl.map((x) => [x.name, x.baseModel]).sort(), [['xl_a.safetensors', 'sdxl'], ['xl_b.safetensors', 'sdxl'], ['xl_c.safetensors', 'sdxl']]);
  } finally {
    await h.dispose();
  }
});
