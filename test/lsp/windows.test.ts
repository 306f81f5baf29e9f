// Two windows, two root sets, one index file (DESIGN.md §4): each window's hover, completion and
// diagnostics see the models under its own roots, also once the shared file holds both windows' rows.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CompletionRequest, HoverRequest, type CompletionList, type MarkupContent } from 'vscode-languageserver-protocol';
import { IndexStore } from '../../server/src/core/index/store';
import { nullLogger } from '../../server/src/core/log';
import { tempDir, writeFile } from '../helpers/files';
import { startSession, type Session } from '../helpers/lspSession';
import { uiNode } from '../helpers/workflows';

const WORKFLOW = JSON.stringify({ last_node_id: 2, nodes: [uiNode(1, 'CheckpointLoaderSimple', ['only_a.safetensors']), uiNode(2, 'LoraLoader', ['same.safetensors', 1, 1])], links: [], version: 0.4 }, null, 2);
const at = (value: string, delta = 2) => TextDocument.create('file:///x', 'json', 0, WORKFLOW).positionAt(WORKFLOW.indexOf(`"${value}`) + delta);

describe('two windows over one index file', () => {
  let dir: string;
  let modelsA: string;
  let modelsB: string;
  const windows: { name: string; s: Session; wf: string }[] = [];

  before(async () => {
    dir = tempDir('cm-windows-');
    modelsA = join(dir, 'models-a');
    modelsB = join(dir, 'models-b');
    const index = join(dir, 'index.sqlite');
    writeFile(join(modelsA, 'checkpoints/only_a.safetensors'), 'checkpoint of window a');
    writeFile(join(modelsB, 'checkpoints/only_b.safetensors'), 'checkpoint of window b');
    // The same file content under both roots: one model, a location in each window's roots.
    writeFile(join(modelsA, 'loras/same.safetensors'), 'a lora both windows have');
    writeFile(join(modelsB, 'loras/same.safetensors'), 'a lora both windows have');
    for (const [name, models] of [['a', modelsA], ['b', modelsB]] as const) {
      const ws = join(dir, `ws-${name}`);
      const wf = join(ws, 'main.json');
      writeFile(wf, WORKFLOW);
      const s = await startSession(join(dir, `storage-${name}`), { modelDirectories: [models], indexPath: index }, ws);
      await s.nextStatus((st) => st.state === 'idle' && st.locations === 2);
      await s.open(wf, WORKFLOW);
      windows.push({ name, s, wf });
    }
    // Window a writes again (a new file): its save rebases onto the file window b saved, so its store
    // now holds b's locations too — which it must not show.
    const [a] = windows;
    writeFile(join(modelsA, 'checkpoints/later_a.safetensors'), 'another checkpoint of window a');
    await a.s.nextStatus((st) => st.state === 'idle' && st.locations === 3);
    const shared = await IndexStore.open(index, nullLogger);
    try {
      assert.equal(shared.snapshot().locations.length, 5, 'the shared file holds both windows\' locations');
    } finally {
      shared.close();
    }
  });
  after(async () => {
    for (const w of windows) await w.s.dispose();
  });

  const hover = async (w: (typeof windows)[number], value: string) => {
    const h = await w.s.h.client.sendRequest(HoverRequest.type, { textDocument: { uri: w.s.uri(w.wf) }, position: at(value) });
    return (h?.contents as MarkupContent | undefined)?.value ?? '';
  };
  const completion = async (w: (typeof windows)[number]) => {
    const list = (await w.s.h.client.sendRequest(CompletionRequest.type, { textDocument: { uri: w.s.uri(w.wf) }, position: at('only_a.safetensors', 1) })) as CompletionList;
    return list.items.map((i) => String(i.label));
  };

  test('hover lists only the locations under the window\'s roots', async () => {
    const [a, b] = windows;
    const inA = await hover(a, 'same.safetensors');
    assert.ok(inA.includes(join(modelsA, 'loras/same.safetensors')) || inA.includes(`${modelsA}/loras/same.safetensors`), inA);
    assert.ok(!inA.includes(modelsB), `window a shows a file of window b:\n${inA}`);
    assert.doesNotMatch(inA, /duplicates/);
    const inB = await hover(b, 'same.safetensors');
    assert.ok(inB.includes(`${modelsB}/loras/same.safetensors`), inB);
    assert.ok(!inB.includes(modelsA), `window b shows a file of window a:\n${inB}`);
  });

  test('completion offers the window\'s own checkpoints only', async () => {
    const [a, b] = windows;
    const inA = await completion(a);
    assert.ok(inA.includes('only_a.safetensors') && inA.includes('later_a.safetensors'), JSON.stringify(inA));
    assert.ok(!inA.includes('only_b.safetensors'), JSON.stringify(inA));
    const inB = await completion(b);
    assert.deepEqual(inB, ['only_b.safetensors']);
  });

  test('diagnostics agree with hover: a model under the other window\'s roots is missing', async () => {
    const [a, b] = windows;
    const codes = async (w: (typeof windows)[number]) => (await w.s.pull(w.wf)).map((d) => d.code);
    assert.deepEqual(await codes(a), []);
    assert.deepEqual(await codes(b), ['missing-model']);
    assert.match(await hover(b, 'only_a.safetensors'), /not found/);
    assert.match(await hover(a, 'only_a.safetensors'), /only_a\.safetensors/);
  });
});
