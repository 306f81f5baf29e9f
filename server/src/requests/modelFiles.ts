// Actions on a model's files: delete one copy of a duplicate (never the last one) and compute the full
// hashes (SHA-256 + BLAKE3, one read per file) of models that lack them, cancellably.
import { join } from 'node:path';
import { fullHashFile } from '../core/hash/fullHash';
import type { IndexSnapshot } from '../core/index/snapshot';
import type { IndexStore } from '../core/index/store';
import type { Logger } from '../core/log';
import { deleteDuplicateCopy, LastCopyError } from '../core/share/duplicates';

export interface ModelFileDeps {
  query(): IndexSnapshot;
  /** Write to the open index between syncs, then announce the change (engine/indexHost.ts `edit`). */
  edit(work: (store: IndexStore) => Promise<void>): Promise<void>;
  log: Logger;
}

/** Delete one copy of a duplicate with the shared rule (core/share/duplicates.ts: never the last copy on disk). */
export async function deleteModelCopy(deps: ModelFileDeps, hash: string, path: string): Promise<{ deleted: boolean; message?: string }> {
  if (!deps.query().byHash(hash).some((l) => join(l.root, l.relativePath) === path)) return { deleted: false, message: `${path} is not an indexed file of the model ${hash}.` };
  try {
    await deps.edit(async (store) => {
      store.apply([await deleteDuplicateCopy(store.snapshot(), path)]);
      await store.save();
    });
  } catch (err) {
    if (err instanceof LastCopyError) return { deleted: false, message: `${path} is the only copy of this model on disk: it is not deleted.` };
    throw err;
  }
  deps.log.info(`Deleted ${path} (a duplicate of model ${hash})`);
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
  const snapshot = deps.query();
  const wanted = hashes ? [...new Set(hashes)] : [...new Set(snapshot.locations.filter((l) => !l.sha256 || !l.blake3).map((l) => l.hash))];
  let computed = 0;
  let failed = 0;
  await deps.edit(async (store) => {
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
    if (computed) await store.save();
  });
  return { computed, failed, cancelled: signal.aborted };
}
