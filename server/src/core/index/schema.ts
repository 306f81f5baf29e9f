// Index schema (DESIGN.md §4, in the spirit of ComfyDock's models.db) and forward migrations. A migration
// only ever adds: user data such as sources and remembered roots survives every upgrade.
import type { Database } from 'sql.js';

/** Migration i brings a database from version i to i + 1. Append new steps; never edit shipped ones. */
const MIGRATIONS: string[] = [
  `CREATE TABLE models (
     hash TEXT PRIMARY KEY,              -- quick hash, 16 hex
     quick_algorithm TEXT NOT NULL,      -- e.g. blake3-sample-v1
     size INTEGER NOT NULL,
     blake3 TEXT,
     sha256 TEXT,
     hash_origin TEXT,                   -- where the full hashes came from: computed, download, sidecar:…
     metadata TEXT NOT NULL DEFAULT '{}',
     first_seen INTEGER NOT NULL
   );
   CREATE TABLE model_locations (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     model_hash TEXT NOT NULL,
     root TEXT NOT NULL,                 -- absolute root folder
     root_category TEXT NOT NULL,        -- '' for a ComfyUI-style root, else the category the folder holds
     relative_path TEXT NOT NULL,        -- under the root, '/'-separated
     filename TEXT NOT NULL,
     category TEXT,
     name TEXT NOT NULL,                 -- under the category folder, as workflows write it
     size INTEGER NOT NULL,
     mtime REAL NOT NULL,                -- milliseconds
     last_seen INTEGER NOT NULL,
     UNIQUE (root, root_category, relative_path)
   );
   CREATE INDEX idx_locations_hash ON model_locations (model_hash);
   CREATE TABLE model_sources (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     model_hash TEXT NOT NULL,
     source_type TEXT NOT NULL,          -- civitai | huggingface | url
     url TEXT NOT NULL,
     metadata TEXT NOT NULL DEFAULT '{}',
     added_at INTEGER NOT NULL,
     UNIQUE (model_hash, url)
   );
   CREATE TABLE remembered_roots (     -- roots added with the CLI's 'dir add'
     root TEXT NOT NULL,
     root_category TEXT NOT NULL,
     added_at INTEGER NOT NULL,
     PRIMARY KEY (root, root_category)
   );`,
  // What each model is, read from its own header (DESIGN.md §4); header_stamp says at which
  // reader version, size and mtime a location's header was read, so a changed file is read again.
  `ALTER TABLE models ADD COLUMN base_model TEXT;        -- sd1 | sd2 | sdxl | sd3 | flux | other:<name>
   ALTER TABLE models ADD COLUMN model_kind TEXT;        -- lora | lycoris | checkpoint | …
   ALTER TABLE models ADD COLUMN header_info TEXT;       -- JSON ModelHeaderInfo (trained words, title, thumbnail)
   ALTER TABLE model_locations ADD COLUMN header_stamp TEXT;`,
  // Other tools' quick hashes of a model (comfygit ≥ 0.3: XXH3-128 sample), computed on demand and cached.
  `CREATE TABLE quick_hash_variants (
     model_hash TEXT NOT NULL,           -- our quick hash (models.hash)
     algorithm TEXT NOT NULL,            -- e.g. xxh3-128-sample-v1
     value TEXT NOT NULL,
     PRIMARY KEY (model_hash, algorithm)
   );
   CREATE INDEX idx_variants_value ON quick_hash_variants (algorithm, value);`,
  // Update checks: the last result per model source (JSON UpdateResult, with the time of the check), and
  // the user's "ignore this version" (version_id) / "ignore updates for this model" (version_id '').
  `CREATE TABLE IF NOT EXISTS model_updates (
     model_hash TEXT NOT NULL,
     source_url TEXT NOT NULL,
     checked_at INTEGER NOT NULL,
     result TEXT NOT NULL,
     PRIMARY KEY (model_hash, source_url)
   );
   CREATE TABLE IF NOT EXISTS update_ignores (
     model_hash TEXT NOT NULL,
     version_id TEXT NOT NULL,
     added_at INTEGER NOT NULL,
     PRIMARY KEY (model_hash, version_id)
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** `PRAGMA application_id` of our databases ('CmMd'): another program's SQLite file is told apart by it. */
export const APPLICATION_ID = 0x436d4d64;

export class NewerSchemaError extends Error {}

/** A database that belongs to another program: it is never migrated into, set aside or overwritten. */
export class ForeignDatabaseError extends Error {}

/**
 * Refuse a database that is not ours: another application id, or (without one: ours before it was set)
 * tables that are not ours. An empty database is ours to fill.
 */
export function assertOurs(db: Database, path: string): void {
  const id = Number(db.exec('PRAGMA application_id')[0]?.values[0]?.[0] ?? 0);
  if (id === APPLICATION_ID) return;
  const tables = (db.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)[0]?.values ?? []).map((r) => String(r[0]));
  const ours = new Set(['schema_info', 'models', 'model_locations', 'model_sources', 'remembered_roots', 'quick_hash_variants', 'model_updates', 'update_ignores']);
  if (id === 0 && tables.every((t) => ours.has(t)) && (tables.length === 0 || tables.includes('schema_info'))) return;
  throw new ForeignDatabaseError(`${path} is a database of another program, not a Comfy Models index; it is left untouched (choose another --index path)`);
}

export function schemaVersion(db: Database): number {
  const has = db.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_info'`);
  if (!has.length) return 0;
  const rows = db.exec('SELECT MAX(version) FROM schema_info');
  return Number(rows[0]?.values[0]?.[0] ?? 0);
}

/** Bring `db` to SCHEMA_VERSION. A database from a newer version is refused, never downgraded. */
export function migrate(db: Database): void {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) throw new NewerSchemaError(`the index was written by a newer Comfy Models (schema ${from} > ${SCHEMA_VERSION})`);
  if (Number(db.exec('PRAGMA application_id')[0]?.values[0]?.[0] ?? 0) !== APPLICATION_ID) db.run(`PRAGMA application_id = ${APPLICATION_ID}`);
  if (from === SCHEMA_VERSION) return;
  db.run('BEGIN');
  try {
    db.run('CREATE TABLE IF NOT EXISTS schema_info (version INTEGER PRIMARY KEY)');
    for (let v = from; v < SCHEMA_VERSION; v++) db.run(MIGRATIONS[v]);
    db.run('DELETE FROM schema_info');
    db.run('INSERT INTO schema_info (version) VALUES (?)', [SCHEMA_VERSION]);
    db.run('COMMIT');
    db.run(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  } catch (err) {
    db.run('ROLLBACK');
    throw err;
  }
}
