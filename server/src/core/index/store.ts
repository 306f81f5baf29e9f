// The index database (sql.js) on disk: open (migrate; set a corrupt file aside and start fresh), apply
// operations, answer from an in-memory snapshot, and save atomically under a cross-process lock,
// re-applying this process's changes onto whatever another process saved meanwhile.
import { constants, promises as fsp } from 'node:fs';
import type { Database } from 'sql.js';
import { nullLogger, type Logger } from '../log';
import { parseHeaderInfo } from '../modelInfo/stored';
import type { BaseModel, ModelKind } from '../modelInfo/types';
import type { ModelInfo, ModelSource, SourceType } from '../types';
import type { UpdateIgnore, UpdateResult } from '../updates/types';
import { withFileLock } from './lock';
import { applyOp, releaseStatements, type IndexOp } from './ops';
import { assertOurs, ForeignDatabaseError, migrate, NewerSchemaError } from './schema';
import { carryOver, IndexSnapshot, type IndexedLocation } from './snapshot';
import { sqlite } from './sqlite';

interface FileStamp { ino: number; size: number; mtimeMs: number }

async function stamp(path: string): Promise<FileStamp | undefined> {
  try {
    const st = await fsp.stat(path);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch {
    return undefined;
  }
}

const sameStamp = (a?: FileStamp, b?: FileStamp) => a?.ino === b?.ino && a?.size === b?.size && a?.mtimeMs === b?.mtimeMs;

/** The index path names something that is not a file (a folder, a FIFO): the user's input to fix. */
export class IndexFileError extends Error {}

/** The bytes of the index file; a folder, FIFO or device is refused before it can block or be renamed. */
async function readIndexFile(path: string): Promise<Buffer | undefined> {
  let handle: fsp.FileHandle;
  try {
    handle = await fsp.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new IndexFileError(`the index ${path} is not a file (it is a folder); give a file path with --index`);
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new IndexFileError(`the index ${path} is not a file (it is ${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : 'a special file'}); give a file path with --index`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Errors that are about the user's input, never a reason to set the file aside. */
const notCorruption = (err: unknown) => err instanceof NewerSchemaError || err instanceof ForeignDatabaseError || err instanceof IndexFileError;

/** Load the file into a migrated database; throws for unreadable or corrupt content. */
async function load(path: string): Promise<Database | undefined> {
  const bytes = await readIndexFile(path);
  if (!bytes) return undefined;
  const SQL = await sqlite();
  const db = new SQL.Database(bytes);
  try {
    // sql.js only notices a non-database file on the first statement.
    db.exec('PRAGMA schema_version');
    assertOurs(db, path);
    // A damaged page deep in a table shows only when a query reaches it: check every page once, here.
    const check = String(db.exec('PRAGMA quick_check(1)')[0]?.values[0]?.[0] ?? '');
    if (check !== 'ok') throw new Error(`database disk image is malformed (${check.replace(/\*\*\* in database \w+ \*\*\*/, '').replace(/\s+/g, ' ').trim()})`);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

async function fresh(): Promise<Database> {
  const db = new (await sqlite()).Database();
  migrate(db);
  return db;
}

export interface IndexStats {
  models: number;
  locations: number;
  sources: number;
  duplicates: number;
  bytes: number;
}

export class IndexStore {
  private journal: IndexOp[] = [];
  private gen = 0;
  /** The last snapshot built: current while its generation is. */
  private cached: IndexSnapshot | undefined;

  private constructor(
    readonly path: string,
    private db: Database,
    private loadedStamp: FileStamp | undefined,
    private readonly log: Logger,
    /** Set when opening needed the user's attention (a corrupt file set aside). */
    readonly message: string | undefined,
  ) {}

  /**
   * Open (or create) the index at `path`. A file that is not a readable index is renamed to
   * `<path>.corrupt-<time>` and a fresh index is started, with a message. An index from a newer schema
   * is refused (NewerSchemaError): it is never overwritten.
   */
  static async open(path: string, log: Logger = nullLogger): Promise<IndexStore> {
    let before = await stamp(path);
    try {
      const db = (await load(path)) ?? (await fresh());
      return new IndexStore(path, db, before, log, undefined);
    } catch (err) {
      if (notCorruption(err)) throw err;
    }
    // Set aside under the lock: several processes may find the same corrupt file at once, and only the
    // first may move it; the others then read what it left (nothing yet, or its fresh index).
    return withFileLock(path, async () => {
      before = await stamp(path);
      try {
        return new IndexStore(path, (await load(path)) ?? (await fresh()), before, log, undefined);
      } catch (err) {
        if (notCorruption(err)) throw err;
        const aside = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`;
        await fsp.rename(path, aside);
        const message = `The model index ${path} could not be read (${err instanceof Error ? err.message : err}); it was moved to ${aside} and a new index is being built.`;
        log.error(message);
        return new IndexStore(path, await fresh(), undefined, log, message);
      }
    });
  }

  get generation(): number {
    return this.gen;
  }

  get dirty(): boolean {
    return this.journal.length > 0;
  }

  /** Apply operations now (visible to the next snapshot) and remember them for the next save. */
  apply(ops: readonly IndexOp[]): void {
    if (!ops.length) return;
    this.db.run('BEGIN');
    try {
      for (const o of ops) applyOp(this.db, o);
      this.db.run('COMMIT');
    } catch (err) {
      this.db.run('ROLLBACK');
      throw err;
    }
    for (const o of ops) this.journal.push(o); // not push(...ops): a big batch would overflow the stack
    this.changed();
  }

  /**
   * Every live location with its model's full hashes, in memory; rebuilt only after a change. A location
   * whose values did not change is the previous snapshot's object, so unchanged lists stay shareable.
   */
  snapshot(): IndexSnapshot {
    if (this.cached?.generation === this.gen) return this.cached;
    const locations: IndexedLocation[] = [];
    const carried = carryOver(this.cached);
    const stmt = this.db.prepare(
      `SELECT l.model_hash, l.root, l.root_category, l.relative_path, l.name, l.filename, l.category, l.size, l.mtime, m.sha256, m.blake3,
         m.base_model, m.model_kind, l.header_stamp
       FROM model_locations l LEFT JOIN models m ON m.hash = l.model_hash ORDER BY l.root, l.relative_path`,
    );
    try {
      while (stmt.step()) {
        const r = stmt.get() as [string, string, string, string, string, string, string | null, number, number, string | null, string | null, string | null, string | null, string | null];
        const loc: IndexedLocation = {
          hash: r[0], root: r[1], rootCategory: r[2] || null, relativePath: r[3], name: r[4], filename: r[5], category: r[6], size: r[7], mtimeMs: r[8],
        };
        if (r[9]) loc.sha256 = r[9];
        if (r[10]) loc.blake3 = r[10];
        if (r[11]) loc.baseModel = r[11] as BaseModel;
        if (r[12]) loc.modelKind = r[12] as ModelKind;
        if (r[13]) loc.headerStamp = r[13];
        locations.push(carried(loc));
      }
    } finally {
      stmt.free();
    }
    this.cached = new IndexSnapshot(this.gen, locations);
    return this.cached;
  }

  /** Everything known about one model (also when none of its files is present any more). */
  model(hash: string): ModelInfo | undefined {
    const rows = this.rows('SELECT size, blake3, sha256, hash_origin, header_info FROM models WHERE hash = ?', [hash.toLowerCase()]);
    if (!rows.length) return undefined;
    const [size, blake3, sha256, origin, header] = rows[0] as [number, string | null, string | null, string | null, string | null];
    const info: ModelInfo = { hash: hash.toLowerCase(), size, locations: [...this.snapshot().byHash(hash)], sources: this.sources(hash) };
    if (blake3) info.blake3 = blake3;
    if (sha256) info.sha256 = sha256;
    if (origin) info.hashOrigin = origin;
    const parsed = parseHeaderInfo(header);
    if (parsed) info.header = parsed;
    return info;
  }

  /** Known download sources of a model, newest first. */
  sources(hash: string): ModelSource[] {
    return this.rows('SELECT source_type, url, metadata FROM model_sources WHERE model_hash = ? ORDER BY added_at DESC, id DESC', [hash.toLowerCase()]).map(
      ([type, url, metadata]) => {
        const source: ModelSource = { type: type as SourceType, url: String(url) };
        try {
          const m = JSON.parse(String(metadata));
          if (m && typeof m === 'object' && Object.keys(m).length) source.metadata = m;
        } catch {
          // metadata is informative only; a damaged value is dropped
        }
        return source;
      },
    );
  }

  /** A cached quick hash of this model by another algorithm (see the 'quickVariant' op). */
  quickVariant(hash: string, algorithm: string): string | undefined {
    const v = this.rows('SELECT value FROM quick_hash_variants WHERE model_hash = ? AND algorithm = ?', [hash.toLowerCase(), algorithm])[0]?.[0];
    return v == null ? undefined : String(v);
  }

  /** The last update check of every model source, oldest model first (damaged rows are skipped). */
  updateResults(): UpdateResult[] {
    return this.rows('SELECT result FROM model_updates ORDER BY model_hash, source_url').flatMap(([text]) => {
      try {
        const r = JSON.parse(String(text)) as UpdateResult;
        return r && typeof r.hash === 'string' ? [r] : [];
      } catch {
        return [];
      }
    });
  }

  /** Every "ignore this version" / "ignore updates for this model" the user chose. */
  updateIgnores(): UpdateIgnore[] {
    return this.rows('SELECT model_hash, version_id FROM update_ignores ORDER BY added_at').map(([hash, v]) => ({ hash: String(hash), versionId: v ? String(v) : null }));
  }

  /** Roots remembered with the CLI's `dir add`. */
  rememberedRoots(): { path: string; category: string | null }[] {
    return this.rows('SELECT root, root_category FROM remembered_roots ORDER BY added_at, root').map(([root, cat]) => ({ path: String(root), category: cat ? String(cat) : null }));
  }

  stats(): IndexStats {
    const snap = this.snapshot();
    const count = (sql: string) => Number(this.rows(sql)[0][0]);
    return {
      models: count('SELECT COUNT(*) FROM models'),
      locations: snap.locations.length,
      sources: count('SELECT COUNT(*) FROM model_sources'),
      duplicates: snap.duplicates().length,
      bytes: count('SELECT COALESCE(SUM(size), 0) FROM model_locations'),
    };
  }

  /**
   * Write the index atomically (temp file + rename) under the lock. If another process saved since this
   * one loaded, its file is read back and this process's journal is re-applied onto it first, so
   * neither process loses rows. No-op when nothing changed.
   */
  async save(): Promise<void> {
    if (!this.journal.length) return;
    await withFileLock(this.path, async () => {
      const current = await stamp(this.path);
      if (current && !sameStamp(current, this.loadedStamp)) await this.rebaseOnto(current);
      const tmp = `${this.path}.tmp-${process.pid}`;
      releaseStatements(this.db); // export() frees every statement of the database
      try {
        await fsp.writeFile(tmp, this.db.export());
        await fsp.rename(tmp, this.path);
      } catch (err) {
        await fsp.rm(tmp, { force: true, recursive: false }).catch(() => undefined);
        // Name the user's file, not our temp file: that is the path they can act on.
        throw new Error(`cannot save the model index ${this.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      this.loadedStamp = await stamp(this.path);
      this.journal = [];
    });
  }

  /** Reload from disk if another process saved and this one has no unsaved changes. True when reloaded. */
  async refresh(): Promise<boolean> {
    const current = await stamp(this.path);
    if (!current || sameStamp(current, this.loadedStamp) || this.journal.length) return false;
    const db = await load(this.path).catch((err) => {
      this.log.warn(`index ${this.path} changed on disk but could not be re-read: ${err instanceof Error ? err.message : err}`);
      return undefined;
    });
    if (!db) return false;
    this.closeDb();
    this.db = db;
    this.loadedStamp = current;
    this.changed();
    return true;
  }

  close(): void {
    this.closeDb();
  }

  private closeDb(): void {
    releaseStatements(this.db);
    this.db.close();
  }

  private async rebaseOnto(current: FileStamp): Promise<void> {
    let fresh: Database | undefined;
    try {
      fresh = await load(this.path);
    } catch (err) {
      // The other writer's file is unreadable: keep ours (it is complete for this process) and overwrite.
      this.log.warn(`index ${this.path} changed on disk but could not be re-read (${err instanceof Error ? err.message : err}); keeping this process's copy`);
      return;
    }
    if (!fresh) return;
    fresh.run('BEGIN');
    for (const o of this.journal) applyOp(fresh, o);
    fresh.run('COMMIT');
    releaseStatements(fresh);
    this.closeDb();
    this.db = fresh;
    this.loadedStamp = current;
    this.changed();
  }

  /** The cached snapshot stays until the next one is built: that one takes over its unchanged locations. */
  private changed(): void {
    this.gen++;
  }

  private rows(sql: string, params: (string | number)[] = []): unknown[][] {
    return this.db.exec(sql, params)[0]?.values ?? [];
  }
}
