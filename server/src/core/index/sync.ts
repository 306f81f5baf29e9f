// Incremental sync of roots into the index (DESIGN.md §4): unchanged size + mtime → not re-hashed;
// new/changed files → quick hash (+ full hashes from sidecars when present) and a read of the model's own
// header (core/modelInfo: base model, kind, …); an unchanged file whose header was not read at its size,
// mtime and the current reader version gets only its header read; vanished files lose their
// location (model rows and sources stay). Only locations under the given roots are touched, so two
// processes syncing different roots into one file do not undo each other.
import { fullHashFile } from '../hash/fullHash';
import { HashPool } from '../hash/pool';
import { categoryOfKind, hfCacheFacts, isHfCacheRoot } from '../hfCache';
import { QUICK_HASH_ALGORITHM, type QuickHashResult } from '../hash/quickHash';
import { nullLogger, type Logger } from '../log';
import { headerStamp, readModelInfo } from '../modelInfo/read';
import type { ModelHeaderInfo } from '../modelInfo/types';
import { rootFilter, type ModelRoot } from '../roots';
import { scanRoots, type ScannedFile } from '../scan';
import { readSidecarHashes } from '../sidecars';
import type { IndexOp } from './ops';
import type { IndexedLocation } from './snapshot';
import type { IndexStore } from './store';

export interface SyncOptions {
  signal?: AbortSignal;
  /** Called with files hashed so far and files to hash (done = 0 first, once the walk is over). */
  onProgress?(done: number, total: number): void;
  log?: Logger;
  /** Hash with this pool (kept open); by default a pool is made for the sync and closed after. */
  pool?: HashPool;
  /** The default pool also hashes in this thread: for a process with nothing else to do (the CLI). */
  hashInThisThread?: boolean;
}

export interface SyncReport {
  scanned: number;
  hashed: number;
  unchanged: number;
  removed: number;
  /** Files found at a new path with the size and mtime of a vanished one: moved, not hashed again. */
  moved: number;
  /** Files whose header was read (hashed files and unchanged files not read before). */
  headers: number;
  /** Distinct models with a live location after the sync. */
  models: number;
  seconds: number;
  warnings: string[];
  /** True when the index content changed. */
  changed: boolean;
  /** Roots that could not be read (unplugged drive, removed or unreadable folder): their rows are kept. */
  offlineRoots: string[];
}

/** Files hashed per index update while a sync runs: keeps the in-memory index fresh without rebuilding it per file. */
const BATCH = 256;
/** Hugging Face cache files stored in git (not LFS) are this small at most (the Hub sends bigger ones to LFS). */
const SMALL_GIT_FILE = 10 * 1024 * 1024;

export async function syncRoots(store: IndexStore, roots: readonly ModelRoot[], options: SyncOptions = {}): Promise<SyncReport> {
  const started = performance.now();
  const log = options.log ?? nullLogger;
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    log.warn(m);
  };

  const scan = await scanRoots(roots, options.signal);
  scan.warnings.forEach(warn);
  const before = store.snapshot();
  // Only what a readable folder no longer lists is gone: an offline root or unreadable folder keeps its rows.
  const offline = new Set(scan.unreachableRoots);
  const underRoots = rootFilter(roots.filter((r) => !offline.has(r)));
  const unlisted = (loc: IndexedLocation) =>
    scan.skippedFolders.some((s) => s.root.path === loc.root && s.root.category === loc.rootCategory && (s.relativePath === '' || loc.relativePath.startsWith(`${s.relativePath}/`)));
  const seen = new Set<IndexedLocation>();
  const toHash: ScannedFile[] = [];
  /** Unchanged files whose header this reader has not read yet (an index from before header reading, or an older reader). */
  const toRead: { file: ScannedFile; hash: string }[] = [];
  for (const f of scan.files) {
    const old = before.at(f.root.path, f.root.category, f.relativePath);
    if (old) seen.add(old);
    if (old && old.size === f.size && old.mtimeMs === f.mtimeMs) {
      if (old.headerStamp !== headerStamp(f.size, f.mtimeMs)) toRead.push({ file: f, hash: old.hash });
      continue;
    }
    toHash.push(f);
  }
  const ops: IndexOp[] = [];
  const flush = () => store.apply(ops.splice(0));
  const vanished = before.locations.filter((loc) => !seen.has(loc) && underRoots(loc) && !unlisted(loc));
  // A new file with the size and modification time (to the fraction of a millisecond) of exactly one
  // vanished file of the same root is that file moved (a rename keeps both): its row follows, unhashed.
  let moved = 0;
  const movedFrom = new Set<IndexedLocation>();
  for (const f of [...toHash]) {
    if (before.at(f.root.path, f.root.category, f.relativePath)) continue;
    const same = vanished.filter((l) => l.root === f.root.path && l.rootCategory === f.root.category && l.size === f.size && l.mtimeMs === f.mtimeMs);
    if (same.length !== 1 || movedFrom.has(same[0])) continue;
    const from = same[0];
    movedFrom.add(from);
    ops.push({
      op: 'move',
      from: { root: from.root, rootCategory: from.rootCategory, relativePath: from.relativePath },
      to: { root: f.root.path, rootCategory: f.root.category, relativePath: f.relativePath, name: f.name, filename: f.filename, category: f.category },
      lastSeen: Date.now(),
    });
    toHash.splice(toHash.indexOf(f), 1);
    moved++;
  }
  const unchanged = scan.files.length - toHash.length;
  const work = toHash.length + toRead.length;

  let removed = 0;
  // Vanished files lose their location.
  for (const loc of vanished) {
    if (movedFrom.has(loc)) continue;
    ops.push({ op: 'unlocate', root: loc.root, rootCategory: loc.rootCategory, relativePath: loc.relativePath });
    removed++;
  }
  flush();

  let hashed = 0;
  let headers = 0;
  let done = 0;
  let changed = false;
  options.onProgress?.(0, work);
  // Starting worker threads costs more than hashing a handful of files here.
  const pool =
    options.pool ?? (toHash.length < 8 ? new HashPool(0) : options.hashInThisThread ? HashPool.forWholeMachine() : new HashPool());
  try {
    // A few files in flight per thread: the pool stays busy and a cancellation stops the queue at once.
    let next = 0;
    const lanes = Math.max(2, pool.threads * 2);
    const runLane = async () => {
      while (next < work) {
        options.signal?.throwIfAborted();
        const i = next++;
        if (i < toHash.length) await hashOne(toHash[i]);
        else await readHeader(toRead[i - toHash.length]);
      }
    };
    /** Only header bytes; a refused header is a warning and a null info, so it is not read again until the file changes. */
    const header = async (f: ScannedFile, hash: string, size: number, mtimeMs: number) => recordHeader(f, hash, size, mtimeMs, await readModelInfo(f.absPath, warn));
    const recordHeader = (f: ScannedFile, hash: string, size: number, mtimeMs: number, info: ModelHeaderInfo | null) => {
      ops.push({ op: 'header', hash, info, root: f.root.path, rootCategory: f.root.category, relativePath: f.relativePath, stamp: headerStamp(size, mtimeMs) });
      headers++;
    };
    const readHeader = async ({ file, hash }: { file: ScannedFile; hash: string }) => {
      try {
        await header(file, hash, file.size, file.mtimeMs);
        if (ops.length >= BATCH * 2) flush();
      } finally {
        options.onProgress?.(++done, work);
      }
    };
    const hashOne = async (f: ScannedFile) => {
      try {
        let q: QuickHashResult;
        try {
          q = await pool.quick(f.absPath);
        } catch (err) {
          if (options.signal?.aborted) throw options.signal.reason;
          warn(`skipped ${f.absPath}: ${err instanceof Error ? err.message : err}`);
          if (before.at(f.root.path, f.root.category, f.relativePath)) {
            ops.push({ op: 'unlocate', root: f.root.path, rootCategory: f.root.category, relativePath: f.relativePath });
            removed++;
          }
          return;
        }
        const sidecar = await readSidecarHashes(f.absPath, warn);
        // The Hugging Face cache names LFS blobs by their SHA-256 and tells the repo: known without reading the file.
        const cached = isHfCacheRoot(f.root) ? await hfCacheFacts(f.root.path, f.relativePath) : undefined;
        const sha256 = sidecar?.sha256 ?? cached?.sha256;
        const origin = sidecar?.origin ?? (cached?.sha256 ? 'hf-cache-blob' : undefined);
        // Read before any op of this file is queued: another lane may flush the queue while this one waits.
        const info = await readModelInfo(f.absPath, warn);
        // A small git file of the cache (not LFS, so no SHA-256 in its name): hashing it in full is cheap.
        const full = cached && !sha256 && q.size <= SMALL_GIT_FILE ? await fullHashFile(f.absPath, options.signal) : undefined;
        const now = Date.now();
        ops.push({ op: 'model', hash: q.quickHash, algorithm: QUICK_HASH_ALGORITHM, size: q.size, firstSeen: now, sha256, blake3: sidecar?.blake3, origin });
        // The cache has no category folders: the header says what the model is, else it stays unknown.
        const category = cached ? (f.category ?? categoryOfKind(info?.kind ?? undefined)) : f.category;
        ops.push({
          op: 'locate',
          lastSeen: now,
          location: { hash: q.quickHash, root: f.root.path, rootCategory: f.root.category, relativePath: f.relativePath, name: f.name, filename: f.filename, category, size: q.size, mtimeMs: q.mtimeMs },
        });
        recordHeader(f, q.quickHash, q.size, q.mtimeMs, info);
        if (cached) ops.push({ op: 'source', hash: q.quickHash, source: cached.source, addedAt: now });
        if (full) ops.push({ op: 'fullHashes', hash: q.quickHash, sha256: full.sha256, blake3: full.blake3, origin: 'computed' });
        hashed++;
        if (ops.length >= BATCH * 2) flush();
      } finally {
        // Counted once its result is recorded: a cancellation at `done` keeps `done` files.
        options.onProgress?.(++done, work);
      }
    };
    // Settle every lane before flushing, so files in flight when a cancellation lands are kept too.
    const lanesDone = await Promise.allSettled(Array.from({ length: lanes }, runLane));
    const failed = lanesDone.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    flush();
    if (!options.pool) await pool.dispose();
    changed = store.dirty;
    await store.save(); // also after a cancellation: what was hashed is kept
  }
  return { scanned: scan.files.length, hashed, unchanged, removed, moved, headers, models: store.snapshot().modelCount, seconds: (performance.now() - started) / 1000, warnings, changed, offlineRoots: scan.unreachableRoots.map((r) => r.path) };
}
