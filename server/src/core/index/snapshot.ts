// The read side of the index: every live location held in memory with lookup maps, built once per index
// generation. Diagnostics, completion and the search palette query this, never SQL.
import { canonicalCategory } from '../categories';
import type { IndexQuery, ModelLocation } from '../types';

/** A location as stored: also says which kind of root it lives under. */
export interface IndexedLocation extends ModelLocation {
  /** null: ComfyUI-style root; else the category the root folder holds directly. */
  rootCategory: string | null;
  sha256?: string;
  blake3?: string;
}

export interface SearchOptions {
  category?: string | null;
  limit?: number;
}

export interface SearchHit {
  location: IndexedLocation;
  score: number;
}

const EMPTY: readonly IndexedLocation[] = Object.freeze([]);

function push(map: Map<string | null, IndexedLocation[]>, key: string | null, loc: IndexedLocation): void {
  const list = map.get(key);
  if (list) list.push(loc);
  else map.set(key, [loc]);
}

/** `root + kind + path`: identity of a location (matches the table's unique key). */
export function locationKey(root: string, rootCategory: string | null, relativePath: string): string {
  return `${root}\u0000${rootCategory ?? ''}\u0000${relativePath}`;
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
  // Each lookup map is built on first use: a sync needs only hashes and paths, completion only names.
  private readonly built = new Map<string, unknown>();

  constructor(readonly generation: number, readonly locations: readonly IndexedLocation[]) {}

  private lazy<T>(name: string, build: () => T): T {
    let v = this.built.get(name) as T | undefined;
    if (v === undefined) this.built.set(name, (v = build()));
    return v;
  }

  private group(name: string, keys: (loc: IndexedLocation) => (string | null)[]): Map<string | null, IndexedLocation[]> {
    return this.lazy(name, () => {
      const map = new Map<string | null, IndexedLocation[]>();
      for (const loc of this.locations) for (const k of keys(loc)) push(map, k, loc);
      return map;
    });
  }

  /**
   * Names keyed `<category>\0<name>`; with no category asked (`*`), a file matches by its name under the
   * category folder or by its path under the root.
   */
  private names(lower: boolean): Map<string | null, IndexedLocation[]> {
    const f = lower ? (t: string) => t.toLowerCase() : (t: string) => t;
    return this.group(lower ? 'nameLower' : 'name', (loc) => [
      `${loc.category ?? ''}\u0000${f(loc.name)}`,
      `*\u0000${f(loc.name)}`,
      ...(loc.relativePath !== loc.name ? [`*\u0000${f(loc.relativePath)}`] : []),
    ]);
  }

  private get lowerNames(): string[] {
    return this.lazy('lowerNames', () => this.locations.map((l) => l.name.toLowerCase()));
  }

  private get lowerFilenames(): string[] {
    return this.lazy('lowerFilenames', () => this.locations.map((l) => l.filename.toLowerCase()));
  }

  private get byHashMap(): Map<string | null, IndexedLocation[]> {
    return this.group('hash', (l) => [l.hash]);
  }

  private static categoryKey(category: string | null): string {
    return category === null ? '*' : canonicalCategory(category);
  }

  byName(category: string | null, name: string): readonly ModelLocation[] {
    return this.names(false).get(`${IndexSnapshot.categoryKey(category)}\u0000${name}`) ?? EMPTY;
  }

  byNameIgnoreCase(category: string | null, name: string): readonly ModelLocation[] {
    return this.names(true).get(`${IndexSnapshot.categoryKey(category)}\u0000${name.toLowerCase()}`) ?? EMPTY;
  }

  byFilename(filename: string): readonly ModelLocation[] {
    return this.group('filename', (l) => [l.filename.toLowerCase()]).get(filename.toLowerCase()) ?? EMPTY;
  }

  byHash(quickHash: string): readonly IndexedLocation[] {
    return this.byHashMap.get(quickHash.toLowerCase()) ?? EMPTY;
  }

  byFullHash(kind: 'sha256' | 'blake3', hex: string): readonly ModelLocation[] {
    const full = this.group('full', (l) => [...(l.sha256 ? [`sha256:${l.sha256}`] : []), ...(l.blake3 ? [`blake3:${l.blake3}`] : [])]);
    return full.get(`${kind}:${hex.toLowerCase()}`) ?? EMPTY;
  }

  byCategory(category: string | null): readonly ModelLocation[] {
    return category === null ? this.locations : (this.group('category', (l) => [l.category]).get(canonicalCategory(category)) ?? EMPTY);
  }

  /** The location at this root + path, if indexed. */
  at(root: string, rootCategory: string | null, relativePath: string): IndexedLocation | undefined {
    const byKey = this.lazy('key', () => new Map(this.locations.map((l) => [locationKey(l.root, l.rootCategory, l.relativePath), l])));
    return byKey.get(locationKey(root, rootCategory, relativePath));
  }

  /** Every distinct quick hash with more than one live location, each with its locations. */
  duplicates(): IndexedLocation[][] {
    return [...this.byHashMap.values()].filter((l) => l.length > 1);
  }

  get modelCount(): number {
    return this.byHashMap.size;
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
      const score = q === '' ? 1 : this.score(loc, this.lowerNames[i], this.lowerFilenames[i], q, words, isHex);
      if (score > 0) hits.push({ location: loc, score });
    }
    hits.sort((a, b) => b.score - a.score || a.location.name.length - b.location.name.length || a.location.name.localeCompare(b.location.name));
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
