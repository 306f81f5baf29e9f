// A sync the client cancels — its request ($/cancelRequest) or its progress (window/workDoneProgress/
// cancel) — stops, keeps what it hashed, leaves an index file that opens consistent, and the next
// sync finishes the rest.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CancellationTokenSource, WorkDoneProgressCancelNotification } from 'vscode-languageserver-protocol';
import { IndexStore } from '../../server/src/core/index/store';
import { nullLogger } from '../../server/src/core/log';
import { SyncIndexRequest } from '../../server/src/protocol';
import { tempDir, writeFile } from '../helpers/files';
import { startSession } from '../helpers/lspSession';

const FILES = 3000;

function library(models: string): void {
  for (let i = 0; i < FILES; i++) writeFile(join(models, `loras/set${i % 10}/lora_${i}.safetensors`), `lora number ${i} `.repeat(20));
}

/** Every location has its model row, no location is listed twice, none is outside the library. */
async function consistent(index: string): Promise<number> {
  const store = await IndexStore.open(index, nullLogger);
  try {
    const { locations } = store.snapshot();
    assert.equal(new Set(locations.map((l) => l.relativePath)).size, locations.length, 'no duplicate location');
    for (const l of locations) {
      assert.match(l.relativePath, /^loras\/set\d\/lora_\d+\.safetensors$/);
      assert.ok(store.model(l.hash), `model row of ${l.relativePath}`);
    }
    return locations.length;
  } finally {
    store.close();
  }
}

/** Resolves with `$/progress` reports as they come; `firstReport` at the first one with files done. */
function progressFeed() {
  let first!: (token: string | number) => void;
  const firstReport = new Promise<string | number>((resolve) => (first = resolve));
  return {
    firstReport,
    on(p: { token: string | number; value: { kind: string; message?: string } }) {
      if (p.value.kind === 'report' && /^[1-9]\d*\//.test(p.value.message ?? '')) first(p.token);
    },
  };
}

test('cancelling the syncIndex request stops the sync; what it hashed is kept and the next sync does the rest', { timeout: 120_000 }, async () => {
  const dir = tempDir('cm-cancel-');
  const models = join(dir, 'models'); // not there yet: nothing to watch, the sync below is the request's own
  const index = join(dir, 'index.sqlite');
  const progress = progressFeed();
  const s = await startSession(dir, { modelDirectories: [models], indexPath: index });
  s.h.client.onNotification('$/progress', (p) => progress.on(p));
  try {
    await s.nextStatus((st) => st.state === 'idle');
    mkdirSync(models);
    library(models);
    const cts = new CancellationTokenSource();
    const request = s.h.client.sendRequest(SyncIndexRequest.type, cts.token);
    await progress.firstReport;
    cts.cancel();
    await assert.rejects(request);
    const idle = await s.nextStatus((st) => st.state === 'idle');
    assert.equal(idle.message, undefined, 'a cancelled sync is no error');

    const kept = await consistent(index);
    assert.ok(kept > 0 && kept < FILES, `kept ${kept} of ${FILES}`);
    const rest = await s.h.client.sendRequest(SyncIndexRequest.type);
    assert.deepEqual([rest.scanned, rest.unchanged, rest.hashed], [FILES, kept, FILES - kept]);
    assert.equal(await consistent(index), FILES);
  } finally {
    await s.dispose();
  }
});

test('cancelling the sync from its progress notification stops it the same way', { timeout: 120_000 }, async () => {
  const dir = tempDir('cm-cancel-progress-');
  const models = join(dir, 'models');
  const index = join(dir, 'index.sqlite');
  library(models);
  const progress = progressFeed();
  const s = await startSession(dir, { modelDirectories: [models], indexPath: index });
  s.h.client.onNotification('$/progress', (p) => progress.on(p));
  try {
    // The sync at start-up: cancelled from its progress, as the "Cancel" of VS Code's notification does.
    const token = await progress.firstReport;
    await s.h.client.sendNotification(WorkDoneProgressCancelNotification.type, { token });
    const idle = await s.nextStatus((st) => st.state === 'idle');
    assert.ok(idle.locations > 0 && idle.locations < FILES, `kept ${idle.locations} of ${FILES}`);
    assert.equal(await consistent(index), idle.locations);
    const rest = await s.h.client.sendRequest(SyncIndexRequest.type);
    assert.equal(rest.unchanged, idle.locations);
    assert.equal(await consistent(index), FILES);
  } finally {
    await s.dispose();
  }
});
