// The read side of the index: every live location held in memory with lookup maps, built once per index
// generation. Diagnostics, completion and the search palette query this, never SQL.
import { canonicalCategory } from '../categories';
import type { BaseModel, ModelKind } from '../modelInfo/types';
import { rootKey } from '../roots';
import type { IndexQuery, ModelLocation } from '../types';

/** A location as stored: also says which kind of root it lives under. */
export interface IndexedLocation extends ModelLocation {
  /** null: ComfyUI-style root; else the category the root folder holds directly. */
  rootCategory: string | null;
  sha256?: string;
  blake3?: string;
  /** From the model's header (DESIGN.md §4); absent when unknown. */
  baseModel?: BaseModel;
  modelKind?: ModelKind;
  /** The stamp its header was read at (core/modelInfo/read.ts headerStamp); absent: never read. */
  headerStamp?: string;
}

export interface SearchOptions {
  category?: string | null;
  /** Only models of this base model (a `base:` filter). */
  baseModel?: BaseModel;
  limit?: number;
}

export interface SearchHit {
  location: IndexedLocation;
  score: number;
}

const EMPTY: readonly IndexedLocation[] = Object.freeze([]);

/** A lookup value: the one location under a key (most names and hashes have one), or several in index order. */
type Entry = IndexedLocation | IndexedLocation[];

function add(map: Map<string, Entry>, key: string, loc: IndexedLocation): void {
  const entry = map.get(key);
  if (entry === undefined) map.set(key, loc);
  else if (Array.isArray(entry)) entry.push(loc);
  else map.set(key, [entry, loc]);
}

/** The locations of an entry that pass `fits`, as a list. */
function select(entry: Entry | undefined, fits?: (loc: IndexedLocation) => boolean): readonly IndexedLocation[] {
  if (entry === undefined) return EMPTY;
  if (!Array.isArray(entry)) return !fits || fits(entry) ? [entry] : EMPTY;
  return fits ? entry.filter(fits) : entry;
}

/** Lookups by name, file name, full hash and category: what resolving a workflow needs. */
interface NameLookups {
  /**
   * Lower-case file name. It is the last segment of every name and path under the root, so one key per
   * location serves lookups by name and by path too (a name shared by several files costs a filter).
   */
  byFilename: Map<string, Entry>;
  bySha256: Map<string, Entry>;
  byBlake3: Map<string, Entry>;
  /**
   * Per category, its locations in index order. A list holding the same objects as the previous
   * snapshot's is that same array, so what is cached per list (fuzzy preparation and candidates) stays
   * valid across snapshots. Never written to once built: a snapshot is an immutable value.
   */
  byCategory: Map<string | null, readonly IndexedLocation[]>;
  /** Every location: `locations`, or the previous snapshot's list when nothing changed. */
  all: readonly IndexedLocation[];
}

/** Whether two locations hold the same values (every field a location carries). */
function sameLocation(a: IndexedLocation, b: IndexedLocation): boolean {
  return (
    a.relativePath === b.relativePath && a.hash === b.hash && a.size === b.size && a.mtimeMs === b.mtimeMs && a.root === b.root &&
    a.rootCategory === b.rootCategory && a.name === b.name && a.filename === b.filename && a.category === b.category &&
    a.sha256 === b.sha256 && a.blake3 === b.blake3 && a.baseModel === b.baseModel && a.modelKind === b.modelKind && a.headerStamp === b.headerStamp
  );
}

/**
 * For the locations of a new snapshot, in index order: each one's equal location object of `previous`
 * where there is one, else itself. An unchanged category thereby holds the very objects it held before,
 * which lets the new snapshot take over the previous one's list (see `follow`) without writing into it.
 */
export function carryOver(previous: IndexSnapshot | undefined): (loc: IndexedLocation) => IndexedLocation {
  if (!previous) return (loc) => loc;
  const before = previous.locations;
  let next = 0;
  // Both lists are in the store's order (root, then path): a merge walk, no map. Where JS string order
  // and SQLite's differ (rare characters), a location is merely not carried over, never wrongly.
  return (loc) => {
    let old = before[next];
    while (old && (old.root < loc.root || (old.root === loc.root && old.relativePath < loc.relativePath))) old = before[++next]; // gone
    if (!old || old.root !== loc.root || old.relativePath !== loc.relativePath) return loc; // new
    next++;
    return sameLocation(old, loc) ? old : loc;
  };
}

/** Whether two lists hold the same objects in the same order. */
function sameItems(a: readonly IndexedLocation[], b: readonly IndexedLocation[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `root + kind + path`: identity of a location (matches the table's unique key). */
export function locationKey(root: string, rootCategory: string | null, relativePath: string): string {
  return `${rootKey({ path: root, category: rootCategory })}\u0000${relativePath}`;
}

/** Subsequence match score in (0, 1]: 1 for contiguous, lower the more the letters are spread out. */
function subsequence(haystack: string, needle: string): number {
  let from = 0;
  let first = -1;
  for (const ch of needle) {
    const at = haystack.indexOf(ch, from);
    if (at < 0) return 0;
    if (first < 0) first = at;
    from = at + 1;
  }
  return needle.length / (from - first);
}

export class IndexSnapshot implements IndexQuery {
  // Lookups are built on first use, each group in one pass: a sync needs only hashes and paths,
  // completion only names.
  /** By quick hash: what a sync, `model()` and the status need. */
  private byHashMap: Map<string, Entry> | undefined;
  private nameLookups: NameLookups | undefined;
  private readonly built = new Map<string, unknown>();
  /** The previous snapshot's category lists, to reuse those that did not change (dropped once built). */
  private previousCategories: NameLookups['byCategory'] | undefined;
  private previousAll: readonly IndexedLocation[] | undefined;

  constructor(readonly generation: number, readonly locations: readonly IndexedLocation[]) {}

  /**
   * This snapshot replaces `previous`: when the lookups get built, category lists holding the same
   * location objects as its (already built) ones are taken over, so a new file in loras/ leaves what was
   * cached for checkpoints/ valid. The store makes unchanged locations the same objects (carryOver).
   * No effect once this snapshot's lookups are built.
   */
  follow(previous: IndexSnapshot): void {
    if (previous === this || this.nameLookups) return;
    this.previousCategories = previous.nameLookups?.byCategory;
    this.previousAll = previous.nameLookups?.all;
  }

  private lazy<T>(name: string, build: () => T): T {
    let v = this.built.get(name) as T | undefined;
    if (v === undefined) this.built.set(name, (v = build()));
    return v;
  }

  private get hashes(): Map<string, Entry> {
    if (!this.byHashMap) {
      this.byHashMap = new Map();
      for (const loc of this.locations) add(this.byHashMap, loc.hash, loc);
    }
    return this.byHashMap;
  }

  private get names(): NameLookups {
    return (this.nameLookups ??= this.buildNames());
  }

  /** Build every name lookup in one pass (toLowerCase hands back the string itself when it is lower case already). */
  private buildNames(): NameLookups {
    const byFilename = new Map<string, Entry>();
    const bySha256 = new Map<string, Entry>();
    const byBlake3 = new Map<string, Entry>();
    const byCategory = new Map<string | null, readonly IndexedLocation[]>();
    let category: string | null | undefined;
    let list: IndexedLocation[] = [];
    for (const loc of this.locations) {
      add(byFilename, loc.filename.toLowerCase(), loc);
      if (loc.sha256) add(bySha256, loc.sha256, loc);
      if (loc.blake3) add(byBlake3, loc.blake3, loc);
      if (loc.category !== category) {
        category = loc.category;
        list = (byCategory.get(category) as IndexedLocation[] | undefined) ?? [];
        byCategory.set(category, list);
      }
      list.push(loc);
    }
    const previous = this.previousCategories;
    if (previous) {
      for (const [category, list] of byCategory) {
        const before = previous.get(category);
        if (before && sameItems(before, list)) byCategory.set(category, before);
      }
    }
    const all = this.previousAll && sameItems(this.previousAll, this.locations) ? this.previousAll : this.locations;
    this.previousCategories = this.previousAll = undefined;
    return { byFilename, bySha256, byBlake3, byCategory, all };
  }

  /** Build every lookup now (e.g. before the index is announced), instead of on the first query. */
  prepare(): void {
    void this.hashes;
    void this.names;
  }

  /** Whether the name and category lookups are built (then categoryLists costs nothing). */
  get prepared(): boolean {
    return this.nameLookups !== undefined;
  }

  /** The location list of each category: the arrays byCategory returns. */
  categoryLists(): ReadonlyMap<string | null, readonly IndexedLocation[]> {
    return this.names.byCategory;
  }

  private get lowerNames(): string[] {
    return this.lazy('lowerNames', () => this.locations.map((l) => l.name.toLowerCase()));
  }

  private get lowerFilenames(): string[] {
    return this.lazy('lowerFilenames', () => this.locations.map((l) => l.filename.toLowerCase()));
  }

  /** Matches of `name` in a category, ignoring case or not; with no category, by path under the root too. */
  private named(category: string | null, name: string, ignoreCase: boolean): readonly IndexedLocation[] {
    const lower = name.toLowerCase();
    const want = ignoreCase ? lower : name;
    const same = ignoreCase ? (s: string) => s.toLowerCase() === want : (s: string) => s === want;
    const entry = this.names.byFilename.get(lower.slice(lower.lastIndexOf('/') + 1));
    if (category === null) return select(entry, (l) => same(l.name) || same(l.relativePath));
    const canonical = canonicalCategory(category);
    return select(entry, (l) => (l.category ?? '') === canonical && same(l.name));
  }

  byName(category: string | null, name: string): readonly ModelLocation[] {
    return this.named(category, name, false);
  }

  byNameIgnoreCase(category: string | null, name: string): readonly ModelLocation[] {
    return this.named(category, name, true);
  }

  byFilename(filename: string): readonly ModelLocation[] {
    return select(this.names.byFilename.get(filename.toLowerCase()));
  }

  byHash(quickHash: string): readonly IndexedLocation[] {
    return select(this.hashes.get(quickHash.toLowerCase()));
  }

  byFullHash(kind: 'sha256' | 'blake3', hex: string): readonly ModelLocation[] {
    const { bySha256, byBlake3 } = this.names;
    return select((kind === 'sha256' ? bySha256 : byBlake3).get(hex.toLowerCase()));
  }

  byCategory(category: string | null): readonly ModelLocation[] {
    const { byCategory, all } = this.names;
    return category === null ? all : (byCategory.get(canonicalCategory(category)) ?? EMPTY);
  }

  /** The location at this root + path, if indexed. */
  at(root: string, rootCategory: string | null, relativePath: string): IndexedLocation | undefined {
    const byKey = this.lazy('key', () => new Map(this.locations.map((l) => [locationKey(l.root, l.rootCategory, l.relativePath), l])));
    return byKey.get(locationKey(root, rootCategory, relativePath));
  }

  /** Every distinct quick hash with more than one live location, each with its locations. */
  duplicates(): IndexedLocation[][] {
    return [...this.hashes.values()].filter((e): e is IndexedLocation[] => Array.isArray(e));
  }

  get modelCount(): number {
    return this.hashes.size;
  }

  /**
   * Ranked search by hash prefix, file name, name or path (fuzzy: every word, then a subsequence).
   * Best first; ties go to the shorter name, then alphabetical.
   */
  search(query: string, options: SearchOptions = {}): SearchHit[] {
    const q = query.trim().toLowerCase();
    const limit = options.limit ?? 50;
    const category = options.category == null ? undefined : canonicalCategory(options.category);
    const words = q.split(/[\s/\\_\-.]+/).filter(Boolean);
    const isHex = /^[0-9a-f]{4,64}$/.test(q);
    const hits: SearchHit[] = [];
    for (let i = 0; i < this.locations.length; i++) {
      const loc = this.locations[i];
      if (category !== undefined && loc.category !== category) continue;
      if (options.baseModel !== undefined && loc.baseModel !== options.baseModel) continue;
      const score = q === '' ? 1 : this.score(loc, this.lowerNames[i], this.lowerFilenames[i], q, words, isHex);
      if (score > 0) hits.push({ location: loc, score });
    }
    // Relevance first; equally relevant models as a user scans a list: by category, then name.
    hits.sort((a, b) => b.score - a.score || (a.location.category ?? '').localeCompare(b.location.category ?? '') || a.location.name.localeCompare(b.location.name));
    return hits.slice(0, limit);
  }

  private score(loc: IndexedLocation, name: string, filename: string, q: string, words: string[], isHex: boolean): number {
    if (isHex && (loc.hash.startsWith(q) || (q.length >= 8 && (loc.sha256?.startsWith(q) || loc.blake3?.startsWith(q))))) return 100;
    if (filename === q || name === q) return 95;
    if (filename.startsWith(q)) return 85;
    const at = name.indexOf(q);
    if (at >= 0) return 75 - Math.min(at, 20) / 2;
    if (words.length > 1 && words.every((w) => name.includes(w))) return 60;
    const sub = subsequence(name, q);
    return sub > 0 ? 10 + 40 * sub : 0;
  }
}
