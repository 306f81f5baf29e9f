// "Find Sources for Local Models" (DESIGN.md §11): the SHA-256 of each model in this window's roots that
// has no source yet (computed now when the index does not know it: a full read, with progress and
// cancellation), looked up on CivitAI in batches of 100; each hit recorded in model_sources.
import { join } from 'node:path';
import { fullHashFile } from '../core/hash/fullHash';
import type { IndexOp } from '../core/index/ops';
import type { IndexSnapshot } from '../core/index/snapshot';
import type { IndexStore } from '../core/index/store';
import type { CivitaiProvider } from '../core/providers/civitai';
import { findCivitaiSources } from '../core/providers/findSources';
import type { ModelInfo } from '../core/types';

export interface FindSourcesDeps {
  snapshot: IndexSnapshot;
  model(hash: string): ModelInfo | undefined;
  civitai: CivitaiProvider;
  edit(work: (store: IndexStore) => Promise<void>): Promise<void>;
  signal?: AbortSignal;
  /** `phase` is 'hashing' (files) or 'looking up' (hashes). */
  onProgress?(phase: 'hashing' | 'looking up', done: number, total: number): void;
}

export async function findSourcesForLocalModels(deps: FindSourcesDeps): Promise<{ models: number; hashed: number; found: number }> {
  const files = new Map<string, string>();
  for (const l of deps.snapshot.locations) if (!files.has(l.hash)) files.set(l.hash, join(l.root, ...l.relativePath.split('/')));
  const todo = [...files.keys()].map((hash) => deps.model(hash)).filter((m): m is ModelInfo => !!m && m.sources.length === 0);
  const sha256ToHash = new Map<string, string>();
  const computed: IndexOp[] = [];
  let hashed = 0;
  const unknown = todo.filter((m) => !m.sha256);
  for (const m of todo) if (m.sha256) sha256ToHash.set(m.sha256, m.hash);
  const save = async (ops: IndexOp[]) => {
    if (!ops.length) return;
    await deps.edit(async (store) => {
      store.apply(ops);
      await store.save();
    });
  };
  let found: Awaited<ReturnType<typeof findCivitaiSources>>;
  try {
    for (const m of unknown) {
      deps.signal?.throwIfAborted();
      deps.onProgress?.('hashing', hashed, unknown.length);
      const full = await fullHashFile(files.get(m.hash)!, deps.signal);
      hashed++;
      sha256ToHash.set(full.sha256, m.hash);
      computed.push({ op: 'fullHashes', hash: m.hash, sha256: full.sha256, blake3: full.blake3, origin: 'computed' });
    }
    found = await findCivitaiSources(deps.civitai, [...sha256ToHash.keys()], { signal: deps.signal, onProgress: (done, total) => deps.onProgress?.('looking up', done, total) });
  } finally {
    // Hashes computed so far are worth keeping even when the lookup fails or is cancelled.
    await save(computed);
  }
  const now = Date.now();
  await save(found.map((f) => ({ op: 'source', hash: sha256ToHash.get(f.sha256)!, source: f.source, addedAt: now })));
  return { models: todo.length, hashed, found: found.length };
}
