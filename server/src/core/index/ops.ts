// Every change to the index is one of these operations. They are applied to the open database at once
// and journaled; a save that finds the file changed by another process re-applies the journal onto the
// fresh copy. So each operation is an idempotent upsert or delete.
import type { Database, SqlValue, Statement } from 'sql.js';
import type { ModelHeaderInfo } from '../modelInfo/types';
import type { ModelSource } from '../types';
import type { UpdateResult } from '../updates/types';
import type { IndexedLocation } from './snapshot';

export type IndexOp =
  /** A model seen for the first time (first writer wins); sidecar full hashes fill only empty fields. */
  | { op: 'model'; hash: string; algorithm: string; size: number; firstSeen: number; sha256?: string; blake3?: string; origin?: string }
  /** Full hashes computed from the file itself (or a verified download): they replace what was known. */
  | { op: 'fullHashes'; hash: string; sha256: string; blake3: string; origin: string }
  | { op: 'locate'; location: IndexedLocation; lastSeen: number }
  | { op: 'unlocate'; root: string; rootCategory: string | null; relativePath: string }
  /**
   * A file moved (renamed) with its content unchanged: its row takes the new place, keeping the hash,
   * size, mtime and header stamp, so nothing is hashed or read again. A row already at the new place goes.
   */
  | { op: 'move'; from: { root: string; rootCategory: string | null; relativePath: string }; to: Pick<IndexedLocation, 'root' | 'rootCategory' | 'relativePath' | 'name' | 'filename' | 'category'>; lastSeen: number }
  /** What the header of the file at this location says (null: unreadable or not a header format), and the stamp it was read at. */
  | { op: 'header'; hash: string; info: ModelHeaderInfo | null; root: string; rootCategory: string | null; relativePath: string; stamp: string }
  | { op: 'source'; hash: string; source: ModelSource; addedAt: number }
  | { op: 'unsource'; hash: string; url: string }
  | { op: 'rememberRoot'; root: string; rootCategory: string | null; addedAt: number }
  | { op: 'forgetRoot'; root: string; rootCategory: string | null }
  /** Another algorithm's quick hash of a model (quickHashXxh3.ts), cached so a file is sampled once. */
  | { op: 'quickVariant'; hash: string; algorithm: string; value: string }
  /** The latest update check of one model source (replaces the previous one). */
  | { op: 'updateResult'; result: UpdateResult }
  /** Ignore one version (or, with versionId null, every update) of a model. */
  | { op: 'ignoreUpdate'; hash: string; versionId: string | null; addedAt: number };

/** Prepared statements per database: compiling SQL per operation dominated big syncs. */
const prepared = new WeakMap<Database, Map<string, Statement>>();

function run(db: Database, sql: string, params: SqlValue[]): void {
  let cache = prepared.get(db);
  if (!cache) prepared.set(db, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  stmt.run(params);
}

/** Free the cached statements of a database before closing or exporting it. */
export function releaseStatements(db: Database): void {
  prepared.get(db)?.forEach((s) => s.free());
  prepared.delete(db);
}

export function applyOp(db: Database, o: IndexOp): void {
  switch (o.op) {
    case 'model':
      run(db, 'INSERT OR IGNORE INTO models (hash, quick_algorithm, size, first_seen) VALUES (?, ?, ?, ?)', [o.hash, o.algorithm, o.size, o.firstSeen]);
      if (o.sha256 || o.blake3) {
        run(db, 
          `UPDATE models SET hash_origin = CASE WHEN sha256 IS NULL AND blake3 IS NULL THEN ? ELSE hash_origin END,
             sha256 = COALESCE(sha256, ?), blake3 = COALESCE(blake3, ?) WHERE hash = ?`,
          [o.origin ?? null, o.sha256 ?? null, o.blake3 ?? null, o.hash],
        );
      }
      return;
    case 'fullHashes':
      run(db, 'UPDATE models SET sha256 = ?, blake3 = ?, hash_origin = ? WHERE hash = ?', [o.sha256, o.blake3, o.origin, o.hash]);
      return;
    case 'locate': {
      const l = o.location;
      run(db, 
        `INSERT INTO model_locations (model_hash, root, root_category, relative_path, filename, category, name, size, mtime, last_seen)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (root, root_category, relative_path) DO UPDATE SET model_hash = excluded.model_hash, filename = excluded.filename,
           category = excluded.category, name = excluded.name, size = excluded.size, mtime = excluded.mtime, last_seen = excluded.last_seen`,
        [l.hash, l.root, l.rootCategory ?? '', l.relativePath, l.filename, l.category, l.name, l.size, l.mtimeMs, o.lastSeen],
      );
      return;
    }
    case 'unlocate':
      run(db, 'DELETE FROM model_locations WHERE root = ? AND root_category = ? AND relative_path = ?', [o.root, o.rootCategory ?? '', o.relativePath]);
      return;
    case 'move': {
      const { from, to } = o;
      run(db, 'DELETE FROM model_locations WHERE root = ? AND root_category = ? AND relative_path = ?', [to.root, to.rootCategory ?? '', to.relativePath]);
      run(db,
        `UPDATE model_locations SET root = ?, root_category = ?, relative_path = ?, filename = ?, category = ?, name = ?, last_seen = ?
         WHERE root = ? AND root_category = ? AND relative_path = ?`,
        [to.root, to.rootCategory ?? '', to.relativePath, to.filename, to.category, to.name, o.lastSeen, from.root, from.rootCategory ?? '', from.relativePath],
      );
      return;
    }
    case 'header':
      run(db, 'UPDATE models SET base_model = ?, model_kind = ?, header_info = ? WHERE hash = ?', [
        o.info?.baseModel ?? null, o.info?.kind ?? null, o.info ? JSON.stringify(o.info) : null, o.hash,
      ]);
      run(db, 'UPDATE model_locations SET header_stamp = ? WHERE root = ? AND root_category = ? AND relative_path = ?', [o.stamp, o.root, o.rootCategory ?? '', o.relativePath]);
      return;
    case 'source':
      run(db, 
        `INSERT INTO model_sources (model_hash, source_type, url, metadata, added_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (model_hash, url) DO UPDATE SET source_type = excluded.source_type, metadata = excluded.metadata`,
        [o.hash, o.source.type, o.source.url, JSON.stringify(o.source.metadata ?? {}), o.addedAt],
      );
      return;
    case 'unsource':
      run(db, 'DELETE FROM model_sources WHERE model_hash = ? AND url = ?', [o.hash, o.url]);
      return;
    case 'rememberRoot':
      run(db, 'INSERT OR IGNORE INTO remembered_roots (root, root_category, added_at) VALUES (?, ?, ?)', [o.root, o.rootCategory ?? '', o.addedAt]);
      return;
    case 'forgetRoot':
      run(db, 'DELETE FROM remembered_roots WHERE root = ? AND root_category = ?', [o.root, o.rootCategory ?? '']);
      return;
    case 'quickVariant':
      run(db, 'INSERT OR REPLACE INTO quick_hash_variants (model_hash, algorithm, value) VALUES (?, ?, ?)', [o.hash, o.algorithm, o.value]);
      return;
    case 'updateResult':
      run(db, 'INSERT OR REPLACE INTO model_updates (model_hash, source_url, checked_at, result) VALUES (?, ?, ?, ?)', [
        o.result.hash, o.result.sourceUrl, o.result.checkedAt, JSON.stringify(o.result),
      ]);
      return;
    case 'ignoreUpdate':
      run(db, 'INSERT OR IGNORE INTO update_ignores (model_hash, version_id, added_at) VALUES (?, ?, ?)', [o.hash, o.versionId ?? '', o.addedAt]);
      return;
  }
}
