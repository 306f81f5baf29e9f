// How CLI commands reach the index: open it at the resolved path, and the roots to work on
// (roots remembered with `dir add`, plus --models-dir). Shared by index, dir, check, …
import { ForeignDatabaseError } from '../core/index/schema';
import { IndexFileError, IndexStore } from '../core/index/store';
import { syncRoots, type SyncReport } from '../core/index/sync';
import type { IndexedLocation, IndexSnapshot } from '../core/index/snapshot';
import type { Logger } from '../core/log';
import { rootKey, type ModelRoot } from '../core/roots';
import { UsageError } from './args';
import type { CliContext } from './context';

export function cliLogger(ctx: CliContext): Logger {
  return { info: () => {}, warn: (m) => ctx.io.stderr(`warning: ${m}\n`), error: (m) => ctx.io.stderr(`error: ${m}\n`) };
}

/** Open the index; a path that is not our index file is a usage error (exit 2). A set-aside is logged once. */
export async function openIndex(ctx: CliContext): Promise<IndexStore> {
  try {
    return await IndexStore.open(ctx.indexPath, cliLogger(ctx));
  } catch (err) {
    if (err instanceof IndexFileError || err instanceof ForeignDatabaseError) throw new UsageError(err.message);
    throw err;
  }
}

/** Remembered roots, then --models-dir (ComfyUI-style), without repeats. */
export function cliRoots(ctx: CliContext, store: IndexStore): ModelRoot[] {
  const roots: ModelRoot[] = [
    ...store.rememberedRoots().map((r) => ({ ...r, origin: 'dir add' })),
    ...ctx.modelsDirs.map((path) => ({ path, category: null, origin: '--models-dir' })),
  ];
  const seen = new Set<string>();
  return roots.filter((r) => !seen.has(rootKey(r)) && !!seen.add(rootKey(r)));
}

/** Locations under the given roots (every location when no root is configured). */
export function scopedLocations(snapshot: IndexSnapshot, roots: readonly ModelRoot[]): IndexedLocation[] {
  if (!roots.length) return [...snapshot.locations];
  const keys = new Set(roots.map(rootKey));
  return snapshot.locations.filter((l) => keys.has(rootKey({ path: l.root, category: l.rootCategory })));
}

/** Incremental sync of the CLI's roots; warnings go to stderr. */
export function syncCli(ctx: CliContext, store: IndexStore, roots: readonly ModelRoot[]): Promise<SyncReport> {
  return syncRoots(store, roots, { log: cliLogger(ctx) });
}
