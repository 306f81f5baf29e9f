// The update check over the index: which models to check (live ones with a source, or a SHA-256 to
// identify them by), the on-demand SHA-256 of a file, and the check's findings written back as index
// operations (results with their time, sources found by hash, hashes computed).
import { join } from 'node:path';
import { fullHashFile } from '../hash/fullHash';
import type { IndexOp } from '../index/ops';
import type { IndexedLocation } from '../index/snapshot';
import type { IndexStore } from '../index/store';
import type { UpdateCheckOutcome, UpdateTarget } from './check';
import { isIgnored, type UpdateResult } from './types';

/** Every model with a live location passing `inScope`, with its sources and SHA-256 when known. */
export function updateTargets(store: IndexStore, inScope: (l: IndexedLocation) => boolean = () => true): UpdateTarget[] {
  const hashes = new Set<string>();
  for (const l of store.snapshot().locations) if (inScope(l)) hashes.add(l.hash);
  return [...hashes].flatMap((hash) => {
    const sources = store.sources(hash);
    const sha256 = store.model(hash)?.sha256;
    return sources.length || sha256 ? [{ hash, sha256, sources }] : [];
  });
}

/** SHA-256 of a model's first live file (also computes BLAKE3: one read, both recorded). */
export function sha256FromFile(store: IndexStore, computed: IndexOp[]): (hash: string, signal?: AbortSignal) => Promise<string | undefined> {
  return async (hash, signal) => {
    const loc = store.snapshot().byHash(hash)[0];
    if (!loc) return undefined;
    const full = await fullHashFile(join(loc.root, loc.relativePath), signal);
    computed.push({ op: 'fullHashes', hash, sha256: full.sha256, blake3: full.blake3, origin: 'computed' });
    return full.sha256;
  };
}

/** Index operations recording what a check found. */
export function checkOps(outcome: UpdateCheckOutcome, now: number): IndexOp[] {
  return [
    ...outcome.foundSources.map((f): IndexOp => ({ op: 'source', hash: f.hash, source: f.source, addedAt: now })),
    ...outcome.results.map((result): IndexOp => ({ op: 'updateResult', result })),
  ];
}

/** The cached results that offer an update the user did not ignore, for models still present. */
export function pendingUpdates(store: IndexStore, inScope: (l: IndexedLocation) => boolean = () => true): UpdateResult[] {
  const ignores = store.updateIgnores();
  const snapshot = store.snapshot();
  return store.updateResults().filter((r) => r.update && !isIgnored(r, ignores) && snapshot.byHash(r.hash).some(inScope));
}
