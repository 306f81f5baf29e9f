// How CLI commands reach the index: open it at the resolved path, and the roots to work on
// (roots remembered with `dir add`, plus --models-dir). Shared by index, dir, check, …
import { IndexStore } from '../core/index/store';
import { syncRoots, type SyncReport } from '../core/index/sync';
import type { IndexedLocation, IndexSnapshot } from '../core/index/snapshot';
import type { Logger } from '../core/log';
import { huggingFaceCacheDir, huggingFaceCacheRoot } from '../core/hfCache';
import { rootFilter, rootKey, type ModelRoot } from '../core/roots';
import type { CliContext } from './context';

export function cliLogger(ctx: CliContext): Logger {
  return { info: () => {}, warn: (m) => ctx.io.stderr(`warning: ${m}\n`), error: (m) => ctx.io.stderr(`error: ${m}\n`) };
}

/** Open the index (a path that is not our index file throws; cli/errors.ts maps it to exit 2). */
export function openIndex(ctx: CliContext): Promise<IndexStore> {
  return IndexStore.open(ctx.indexPath, cliLogger(ctx));
}

/** Remembered roots, then --models-dir (ComfyUI-style), without repeats. */
export function cliRoots(ctx: CliContext, store: IndexStore): ModelRoot[] {
  const roots: ModelRoot[] = [
    ...store.rememberedRoots().map((r) => ({ ...r, origin: 'dir add' })),
    ...ctx.modelsDirs.map((path) => ({ path, category: null, origin: '--models-dir' })),
  ];
  // The Hugging Face cache (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub) when there is one: read-only.
  const hfCache = huggingFaceCacheDir(ctx.io.env, ctx.io.env.HOME);
  if (hfCache) roots.push(huggingFaceCacheRoot(hfCache));
  const seen = new Set<string>();
  return roots.filter((r) => !seen.has(rootKey(r)) && !!seen.add(rootKey(r)));
}

/** Locations under the given roots (every location when no root is configured). */
export function scopedLocations(snapshot: IndexSnapshot, roots: readonly ModelRoot[]): IndexedLocation[] {
  if (!roots.length) return [...snapshot.locations];
  return snapshot.locations.filter(rootFilter(roots));
}

/** Incremental sync of the CLI's roots; warnings go to stderr. */
export function syncCli(ctx: CliContext, store: IndexStore, roots: readonly ModelRoot[]): Promise<SyncReport> {
  return syncRoots(store, roots, { log: cliLogger(ctx), hashInThisThread: true });
}

/**
 * Open the index, bring it up to date with the CLI's roots (when there are any; else `noRoots` is
 * told), run `work`, close the index whatever happens.
 */
export async function withSyncedIndex<T>(ctx: CliContext, work: (store: IndexStore, roots: ModelRoot[]) => Promise<T>, noRoots?: () => void): Promise<T> {
  const store = await openIndex(ctx);
  try {
    const roots = cliRoots(ctx, store);
    if (roots.length) await syncCli(ctx, store, roots);
    else noRoots?.();
    return await work(store, roots);
  } finally {
    store.close();
  }
}
