// Base models over the language server: the base-model-mismatch warning, the hover of a LoRA (base
// model, kind, trained words, preview) and completion ranking by the workflow's base model, over a
// library of generated model files indexed by the server itself.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { CodeActionRequest, CompletionRequest, HoverRequest, type CodeAction, type CompletionList, type Diagnostic, type MarkupContent } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { chainWorkflowUi, writeBaseModelLibrary } from '../helpers/baseModelLibrary';
import { tempDir, writeFile } from '../helpers/files';
import { WorkflowReferencesRequest, WorkflowsRequest } from '../../server/src/protocol';
import { startSession, type Session } from '../helpers/lspSession';

const WORKFLOW = chainWorkflowUi();
const UNKNOWN = chainWorkflowUi('mystery_ckpt.safetensors');

function textAt(text: string, d: Diagnostic): string {
  const doc = TextDocument.create('file:///x', 'json', 0, text);
  return text.slice(doc.offsetAt(d.range.start), doc.offsetAt(d.range.end));
}

describe('base models in the language features', () => {
  let dir: string;
  let models: string;
  let wf: string;
  let unknownWf: string;
  let s: Session;

  before(async () => {
    dir = tempDir('cm-base-lsp-');
    models = join(dir, 'models');
    writeBaseModelLibrary(models);
    wf = join(dir, 'ws/chain.json');
    unknownWf = join(dir, 'ws/unknown.json');
    writeFile(wf, WORKFLOW);
    writeFile(unknownWf, UNKNOWN);
    s = await startSession(dir, { modelDirectories: [models], indexPath: join(dir, 'index.sqlite') });
    await s.nextStatus((st) => st.state === 'idle' && st.locations === 6);
    await s.open(wf, WORKFLOW);
    await s.open(unknownWf, UNKNOWN);
  });
  after(() => s?.dispose());

  test('exactly one base-model-mismatch, on the SD 1.5 LoRA fed (through a LoRA chain) by the SDXL checkpoint', async () => {
    const diags = (await s.pull(wf)).filter((d) => d.code === 'base-model-mismatch');
    assert.equal(diags.length, 1, JSON.stringify(diags));
    const [d] = diags;
    assert.equal(textAt(WORKFLOW, d), 'sd15_style.safetensors');
    assert.equal(d.severity, 2);
    assert.equal(d.source, 'comfy-models');
    assert.match(d.message as string, /SD 1\.x/);
    assert.match(d.message as string, /SDXL/);
    assert.match(d.message as string, /sd15_style\.safetensors/);
    assert.match(d.message as string, /sdxl_base\.safetensors/);
  });

  test('the Workflows view reads the mismatch as a warning too: the LoRA "other base model", the workflow "1 to check"', async () => {
    const list = await s.h.client.sendRequest(WorkflowsRequest.type);
    const chain = list.find((w) => w.label.endsWith('chain.json'))!;
    assert.equal(chain.warnings, 1, JSON.stringify(list));
    const refs = await s.h.client.sendRequest(WorkflowReferencesRequest.type, { uri: chain.uri });
    assert.deepEqual(refs.filter((r) => r.status === 'base-model-mismatch').map((r) => r.value), ['sd15_style.safetensors']);
  });

  test('no warning when the checkpoint family is unknown', async () => {
    assert.deepEqual((await s.pull(unknownWf)).filter((d) => d.code === 'base-model-mismatch'), []);
  });

  test('the hover of a LoRA shows its base model, kind, title, trained words and preview image', async () => {
    const doc = TextDocument.create('file:///x', 'json', 0, WORKFLOW);
    const at = WORKFLOW.indexOf('"sd15_style.safetensors') + 3;
    const h = await s.h.client.sendRequest(HoverRequest.type, { textDocument: { uri: s.uri(wf) }, position: doc.positionAt(at) });
    const text = (h!.contents as MarkupContent).value;
    assert.match(text, /\*\*Base model\*\* SD 1\.x/);
    assert.match(text, /\*\*Kind\*\* LoRA/);
    assert.match(text, /Watercolor Style/);
    assert.match(text, /\*\*Trained words\*\* `watercolor`, `soft light`/);
    const preview = pathToFileURL(join(models, 'loras/sd15_style.preview.png')).href;
    assert.ok(text.includes(`![preview](${preview}|width=256,height=256)`), text); // a square preview: its height is known before it loads
  });

  test('completion in a LoRA value ranks LoRAs of the workflow\'s base model (SDXL) first and names the base model', async () => {
    const doc = TextDocument.create('file:///x', 'json', 0, WORKFLOW);
    const at = WORKFLOW.indexOf('"plain.safetensors') + 1;
    const list = (await s.h.client.sendRequest(CompletionRequest.type, { textDocument: { uri: s.uri(wf) }, position: doc.positionAt(at) })) as CompletionList;
    assert.deepEqual(list.items.map((i) => i.label), ['xl_detail.safetensors', 'plain.safetensors', 'sd15_style.safetensors']);
    assert.match(list.items[0].detail ?? '', /SDXL/);
    assert.equal(list.items[0].labelDetails?.description, 'SDXL');
    assert.match(list.items[2].detail ?? '', /SD 1\.x/);
  });

  test('the search palette takes a base: filter and reports each model\'s base model', async () => {
    const items = (await s.h.client.sendRequest('comfyModels/searchModels', { query: 'base:sdxl', category: 'loras' })) as { relativePath: string; baseModel?: string }[];
    assert.deepEqual(items.map((i) => [i.relativePath, i.baseModel]), [['loras/xl_detail.safetensors', 'sdxl']]);
    const all = (await s.h.client.sendRequest('comfyModels/searchModels', { query: 'safetensors', category: 'loras' })) as { relativePath: string; baseModel?: string }[];
    assert.deepEqual(Object.fromEntries(all.map((i) => [i.relativePath, i.baseModel ?? null])), {
      'loras/xl_detail.safetensors': 'sdxl', 'loras/sd15_style.safetensors': 'sd1', 'loras/plain.safetensors': null,
    });
  });

  test('"Search model index…" on a missing LoRA names the workflow\'s base model; the palette then lists that family first', async () => {
    const text = WORKFLOW.replace('"sd15_style.safetensors"', '"sd15_styles.safetensors"');
    const missingWf = join(dir, 'ws/missing-lora.json');
    writeFile(missingWf, text);
    await s.open(missingWf, text);
    const missing = (await s.pull(missingWf)).find((d) => d.code === 'missing-model')!;
    assert.equal(textAt(text, missing), 'sd15_styles.safetensors');
    const actions = (await s.h.client.sendRequest(CodeActionRequest.type, { textDocument: { uri: s.uri(missingWf) }, range: missing.range, context: { diagnostics: [missing] } })) as CodeAction[];
    const search = actions.find((a) => a.title === 'Search model index…')!;
    const target = search.command!.arguments![0] as { value: string; category: string; baseModel?: string };
    assert.deepEqual([target.value, target.category, target.baseModel], ['sd15_styles.safetensors', 'loras', 'sdxl']);
    const ask = (extra: object) => s.h.client.sendRequest('comfyModels/searchModels', { query: '', category: 'loras', similarTo: target.value, ...extra }) as Promise<{ relativePath: string }[]>;
    // By name alone the SD 1.5 LoRA is the closest; the workflow's family (SDXL) goes first when named.
    assert.equal((await ask({}))[0].relativePath, 'loras/sd15_style.safetensors');
    assert.equal((await ask({ preferBaseModel: target.baseModel }))[0].relativePath, 'loras/xl_detail.safetensors');
  });
});
