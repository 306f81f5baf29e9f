// Library health (issue 14): duplicates and the space they waste, models no workflow of the project uses,
// models without a known source, stale `.part` files (interrupted downloads) under the roots, and per-root
// disk use and free space. A report over the index plus one walk for `.part` files; it deletes nothing.
import { promises as fsp } from 'node:fs';
import { join, relative } from 'node:path';
import type { IndexedLocation, IndexSnapshot } from '../index/snapshot';
import { locationRootKey, rootFilter, rootKey, type ModelRoot } from '../roots';
import type { ModelSource } from '../types';
import { freeSpace } from './diskSpace';

/** A `.part` file untouched this long is an interrupted download, not one in progress. */
export const STALE_PART_AFTER_MS = 60 * 60 * 1000;
/** Folder depth the `.part` walk goes to (model roots are shallow; this bounds a pathological tree). */
const MAX_DEPTH = 12;

export interface HealthIndex {
  snapshot(): Pick<IndexSnapshot, 'locations'>;
  sources(hash: string): ModelSource[];
}

export interface HealthInput {
  index: HealthIndex;
  roots: readonly ModelRoot[];
  /** Quick hashes of the models the project's workflows use (resolved references and manifest mappings). */
  usedHashes: ReadonlySet<string>;
  now: number;
  signal?: AbortSignal;
}

interface FileRef {
  path: string;
  size: number;
}

export interface HealthReport {
  duplicates: { hash: string; size: number; copies: string[]; wastedBytes: number }[];
  unused: { hash: string; size: number; paths: string[] }[];
  withoutSource: { hash: string; size: number; paths: string[] }[];
  staleParts: (FileRef & { ageSeconds: number })[];
  roots: { path: string; category: string | null; files: number; usedBytes: number; freeBytes: number | null }[];
  totals: { models: number; wastedBytes: number; unusedBytes: number; stalePartBytes: number };
}

const pathOf = (l: IndexedLocation) => join(l.root, l.relativePath);

export async function libraryHealth(input: HealthInput): Promise<HealthReport> {
  const snapshot = input.index.snapshot();
  const locations = input.roots.length ? snapshot.locations.filter(rootFilter(input.roots)) : snapshot.locations;
  const byHash = new Map<string, IndexedLocation[]>();
  const byRoot = new Map<string, IndexedLocation[]>();
  const add = (map: Map<string, IndexedLocation[]>, key: string, l: IndexedLocation) => (map.get(key) ?? map.set(key, []).get(key)!).push(l);
  for (const l of locations) {
    add(byHash, l.hash, l);
    add(byRoot, locationRootKey(l), l);
  }
  const models = [...byHash.entries()].map(([hash, ls]) => ({ hash, size: ls[0].size, paths: ls.map(pathOf) }));

  const duplicates = models.filter((m) => m.paths.length > 1).map((m) => ({ hash: m.hash, size: m.size, copies: m.paths, wastedBytes: m.size * (m.paths.length - 1) }));
  const unused = models.filter((m) => !input.usedHashes.has(m.hash));
  const withoutSource = models.filter((m) => !input.index.sources(m.hash).length);
  const staleParts: HealthReport['staleParts'] = [];
  for (const root of input.roots) {
    for (const part of await partFiles(root.path, input.signal)) {
      const ageSeconds = Math.floor((input.now - part.mtimeMs) / 1000);
      if (input.now - part.mtimeMs >= STALE_PART_AFTER_MS) staleParts.push({ path: part.path, size: part.size, ageSeconds });
    }
  }
  const roots: HealthReport['roots'] = [];
  for (const root of input.roots) {
    const mine = byRoot.get(rootKey(root)) ?? [];
    roots.push({ path: root.path, category: root.category, files: mine.length, usedBytes: mine.reduce((n, l) => n + l.size, 0), freeBytes: await freeSpace(root.path) });
  }
  const sum = (xs: { size: number }[]) => xs.reduce((n, x) => n + x.size, 0);
  return {
    duplicates, unused, withoutSource, staleParts, roots,
    totals: { models: models.length, wastedBytes: duplicates.reduce((n, d) => n + d.wastedBytes, 0), unusedBytes: sum(unused), stalePartBytes: sum(staleParts) },
  };
}

/** Every `*.part` file under a folder (symlinked folders not followed: a root's own tree is enough). */
async function partFiles(root: string, signal?: AbortSignal): Promise<{ path: string; size: number; mtimeMs: number }[]> {
  const out: { path: string; size: number; mtimeMs: number }[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    signal?.throwIfAborted();
    let entries;
    try {
      entries = await fsp.readdir(dir, { withFileTypes: true });
    } catch {
      return; // a vanished or unreadable folder has no .part files we can act on
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory() && depth < MAX_DEPTH) await walk(p, depth + 1);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.part')) {
        const st = await fsp.stat(p).catch(() => undefined);
        if (st) out.push({ path: p, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
  };
  await walk(root, 0);
  return out.sort((a, b) => relative(root, a.path).localeCompare(relative(root, b.path)));
}
