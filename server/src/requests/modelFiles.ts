// Actions on a model's files: delete one copy of a duplicate (never the last one) and compute the full
// hashes (SHA-256 + BLAKE3, one read per file) of models that lack them, cancellably.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { fullHashFile } from '../core/hash/fullHash';
import type { IndexSnapshot } from '../core/index/snapshot';
import type { IndexStore } from '../core/index/store';
import type { Logger } from '../core/log';

export interface ModelFileDeps {
  query(): IndexSnapshot;
  store(): IndexStore | undefined;
  /** Sync the index now (after a file was deleted or hashes were recorded) and announce the change. */
  sync(): Promise<unknown>;
  log: Logger;
}

export async function deleteModelCopy(deps: ModelFileDeps, hash: string, path: string): Promise<{ deleted: boolean; message?: string }> {
  const copies = deps.query().byHash(hash);
  const target = copies.find((l) => join(l.root, l.relativePath) === path);
  if (!target) return { deleted: false, message: `${path} is not an indexed file of the model ${hash}.` };
  if (copies.length < 2) return { deleted: false, message: `${path} is the only copy of this model: it is not deleted.` };
  await fsp.unlink(path);
  deps.log.info(`Deleted ${path} (duplicate of model ${hash}; ${copies.length - 1} cop${copies.length === 2 ? 'y' : 'ies'} left)`);
  await deps.sync().catch(() => undefined);
  return { deleted: true };
}

export interface FullHashProgress {
  report(done: number, total: number, current: string): void;
}

/** Full hashes of the given models (every model without them when `hashes` is absent). */
export async function computeFullHashes(
  deps: ModelFileDeps,
  hashes: readonly string[] | undefined,
  signal: AbortSignal,
  progress: FullHashProgress,
): Promise<{ computed: number; failed: number; cancelled: boolean }> {
  const store = deps.store();
  if (!store) throw new Error('the model index is not open');
  const snapshot = deps.query();
  const wanted = hashes ? [...new Set(hashes)] : [...new Set(snapshot.locations.filter((l) => !l.sha256 || !l.blake3).map((l) => l.hash))];
  let computed = 0;
  let failed = 0;
  for (const [i, hash] of wanted.entries()) {
    if (signal.aborted) break;
    const location = snapshot.byHash(hash)[0];
    if (!location) continue;
    const path = join(location.root, location.relativePath);
    progress.report(i, wanted.length, location.filename);
    try {
      const full = await fullHashFile(path, signal);
      store.apply([{ op: 'fullHashes', hash, sha256: full.sha256, blake3: full.blake3, origin: 'computed' }]);
      computed++;
    } catch (err) {
      if (signal.aborted) break;
      failed++;
      deps.log.warn(`Cannot compute the full hashes of ${path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (computed) {
    await store.save();
    await deps.sync().catch(() => undefined);
  }
  return { computed, failed, cancelled: signal.aborted };
}
