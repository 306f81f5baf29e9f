import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StatusRequest } from '../../server/src/protocol';
import { startInMemory, startStdio } from '../helpers/lspHarness';

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
