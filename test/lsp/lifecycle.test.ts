// The LSP lifecycle rules (issue 13): a request before `initialize` is answered ServerNotInitialized
// (-32002), a request after `shutdown` InvalidRequest (-32600); neither is left unanswered.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createProtocolConnection, InitializeRequest, ResponseError, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { StatusRequest } from '../../server/src/protocol';

const serverJs = join(__dirname, '..', '..', '..', 'server', 'dist', 'server.js');

async function codeOf(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return err instanceof ResponseError ? err.code : -1;
  }
}

test('requests before initialize get -32002; after shutdown, InvalidRequest; exit still ends the server', { timeout: 60_000 }, async () => {
  const storage = mkdtempSync(join(tmpdir(), 'cm-life-'));
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const client = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  for (const m of ['client/registerCapability', 'window/workDoneProgress/create', 'workspace/diagnostic/refresh', 'workspace/codeLens/refresh']) client.onRequest(m, () => null);
  client.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
  client.listen();
  assert.equal(await codeOf(client.sendRequest(StatusRequest.type)), -32002);
  assert.equal(await codeOf(client.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///x.json' }, position: { line: 0, character: 0 } })), -32002);
  await client.sendRequest(InitializeRequest.type, { processId: null, rootUri: null, capabilities: {}, initializationOptions: { storagePath: storage } });
  await client.sendNotification('initialized', {});
  assert.equal(await codeOf(client.sendRequest(StatusRequest.type)), undefined);
  await client.sendRequest('shutdown');
  assert.equal(await codeOf(client.sendRequest(StatusRequest.type)), -32600);
  await client.sendNotification('exit');
  await exited;
  client.dispose();
  assert.equal(child.exitCode, 0);
});
