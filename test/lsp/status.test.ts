import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StatusRequest } from '../../server/src/protocol';
import { tempDir, writeFile } from '../helpers/files';
import { startInMemory, startStdio } from '../helpers/lspHarness';
import { startSession } from '../helpers/lspSession';

test('the in-process server answers comfyModels/status with its version and index path', async () => {
  const storage = mkdtempSync(join(tmpdir(), 'cm-lsp-'));
  const h = await startInMemory({ storagePath: storage });
  try {
    assert.equal(h.initializeResult.serverInfo?.name, 'comfy-models');
    const status = await h.client.sendRequest(StatusRequest.type);
    assert.equal(status.version, 'test');
    assert.equal(status.indexPath, join(storage, 'index.sqlite'));
    assert.ok(['idle', 'syncing', 'loading'].includes(status.state));
  } finally {
    await h.dispose();
  }
});

test('the bundled server speaks LSP over --stdio and writes nothing else to stdout', async () => {
  const storage = mkdtempSync(join(tmpdir(), 'cm-stdio-'));
  const serverJs = join(__dirname, '..', '..', '..', 'server', 'dist', 'server.js');
  const h = await startStdio(serverJs, { storagePath: storage });
  try {
    const status = await h.client.sendRequest(StatusRequest.type);
    assert.match(status.version, /^\d+\.\d+\.\d+/);
    assert.equal(status.indexPath, join(storage, 'index.sqlite'));
    assert.ok(h.logs.some((l) => l.includes('server')), `expected a start-up log line, got ${JSON.stringify(h.logs)}`);
  } finally {
    await h.dispose();
  }
  assert.equal(h.child.exitCode, 0);
});

test('over stdio, the bundle pulls diagnostics for a workflow with the exact range of the missing name', async () => {
  const dir = tempDir('cm-stdio-diag-');
  const models = join(dir, 'models');
  writeFile(join(models, 'checkpoints/present.safetensors'), 'present');
  const wf = join(dir, 'ws', 'wf.json');
  const text = JSON.stringify({ nodes: [{ id: 4, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['absent_model.safetensors'] }], links: [], version: 0.4 });
  writeFile(wf, text);
  const serverJs = join(__dirname, '..', '..', '..', 'server', 'dist', 'server.js');
  const s = await startSession(dir, { modelDirectories: [models], indexPath: join(dir, 'index.sqlite') }, join(dir, 'ws'), (o) => startStdio(serverJs, o));
  try {
    await s.nextStatus((st) => st.state === 'idle' && st.locations === 1);
    await s.open(wf, text);
    const [d] = await s.pull(wf);
    assert.equal(d.code, 'missing-model');
    const start = text.indexOf('absent_model');
    assert.deepEqual(d.range, { start: { line: 0, character: start }, end: { line: 0, character: start + 'absent_model.safetensors'.length } });
  } finally {
    await s.dispose();
  }
});
