import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { IndexChangedNotification, SearchModelsRequest, StatusRequest, SyncIndexRequest, type StatusResult } from '../../server/src/protocol';
import { tempDir, writeFile } from '../helpers/files';
import { startInMemory } from '../helpers/lspHarness';

/** Every indexChanged notification, and a way to wait for one that satisfies a condition. */
function statusFeed() {
  const seen: StatusResult[] = [];
  const waiters: { pred: (s: StatusResult) => boolean; resolve: (s: StatusResult) => void }[] = [];
  return {
    seen,
    push(s: StatusResult) {
      seen.push(s);
      for (const w of [...waiters]) if (w.pred(s)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(s);
    },
    /** The next notification (from now on) that satisfies `pred`. */
    next(pred: (s: StatusResult) => boolean): Promise<StatusResult> {
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

test('the server indexes its roots at start, reports progress, and a new model file leads to indexChanged with the new count', { timeout: 60_000 }, async () => {
  const dir = tempDir('cm-lsp-index-');
  const models = join(dir, 'models');
  writeFile(join(models, 'checkpoints/base.safetensors'), 'base checkpoint');
  mkdirSync(join(models, 'loras'));
  const feed = statusFeed();
  const progress: string[] = [];
  const firstIdle = feed.next((s) => s.state === 'idle' && s.locations === 1);
  const h = await startInMemory({
    storagePath: dir,
    settings: { modelDirectories: [models] },
    beforeInitialize: (c) => {
      c.onNotification(IndexChangedNotification.type, (s) => feed.push(s));
      c.onNotification('$/progress', (p: { value: { kind: string } }) => {
        progress.push(p.value.kind);
      });
    },
  });
  try {
    const idle = await firstIdle;
    assert.deepEqual([idle.models, idle.roots], [1, [models]]);
    assert.ok(feed.seen.some((s) => s.state === 'syncing'), 'a syncing state was announced');
    assert.deepEqual([progress[0], progress[progress.length - 1]], ['begin', 'end']);

    const appeared = feed.next((s) => s.state === 'idle' && s.locations === 2);
    writeFile(join(models, 'loras/new_style.safetensors'), 'a new lora');
    const after = await appeared;
    assert.equal(after.models, 2);

    const hits = await h.client.sendRequest(SearchModelsRequest.type, { query: 'new style' });
    assert.deepEqual(hits.map((x) => [x.relativePath, x.category]), [['loras/new_style.safetensors', 'loras']]);
    const sync = await h.client.sendRequest(SyncIndexRequest.type);
    assert.deepEqual([sync.scanned, sync.hashed, sync.unchanged], [2, 0, 2]);
    const status = await h.client.sendRequest(StatusRequest.type);
    assert.deepEqual([status.state, status.locations], ['idle', 2]);
  } finally {
    await h.dispose();
  }
});
