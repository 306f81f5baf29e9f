// The Models view's rows, computed from the scoped index snapshot: roots → categories (canonical ones
// first, custom ones after, files directly under a root last) → subfolders → models. A row's children
// are built once per snapshot, grouping and filter, then handed out in pages, so expanding a category
// of 100,000 models sorts it once and each "Show more…" is a slice. Grouped by base model, the rows are
// the families read from the files' headers (known ones in release order, others, then Unknown) → models.
import { join } from 'node:path';
import { STANDARD_CATEGORIES } from '../core/categories';
import { baseModelLabel, type BaseModel } from '../core/modelInfo/types';
import type { IndexedLocation, IndexSnapshot } from '../core/index/snapshot';
import type { ModelTreeFilter, ModelTreeGrouping, ModelTreeItem, ModelTreePage, ModelTreeParams } from '../protocol/trees';

export const DEFAULT_PAGE = 200;
const MAX_PAGE = 2000;
const STANDARD = new Set(STANDARD_CATEGORIES);

/** What a row id stands for: `[kind, root, category, folder prefix]`, JSON-encoded (stable, parseable). */
type Key = ['r', string] | ['c', string | null, string | null] | ['f', string | null, string | null, string] | ['b', string | null];

const keyId = (key: Key): string => JSON.stringify(key);

function parseKey(id: string): Key | undefined {
  try {
    const key = JSON.parse(id) as unknown;
    return Array.isArray(key) && ['r', 'c', 'f', 'b'].includes(key[0] as string) ? (key as Key) : undefined;
  } catch {
    return undefined;
  }
}

/** Model row id: root + kind of root + path (the location's identity in the index). */
export const modelRowId = (l: IndexedLocation): string => JSON.stringify(['m', l.root, l.rootCategory, l.relativePath]);

/** The path of a location inside its category: what a workflow writes (files at a root: the path under it). */
const nameOf = (l: IndexedLocation): string => (l.category === null ? l.relativePath : l.name);

/** Canonical categories alphabetically, then custom ones, then null (files directly under a root). */
function compareCategories(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const sa = STANDARD.has(a);
  if (sa !== STANDARD.has(b)) return sa ? -1 : 1;
  return a < b ? -1 : 1;
}

const byLowerKey = <T>(items: T[], key: (t: T) => string): T[] =>
  items
    .map((t) => [key(t).toLowerCase(), t] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, t]) => t);

function matches(l: IndexedLocation, text: string): boolean {
  return l.relativePath.toLowerCase().includes(text) || l.hash.startsWith(text) || !!l.sha256?.startsWith(text) || !!l.blake3?.startsWith(text);
}

/** A child row as cached: containers ready, models as their location (made into items only for the page asked). */
type Row = ModelTreeItem | IndexedLocation;

const isItem = (row: Row): row is ModelTreeItem => 'kind' in row;

export class ModelTree {
  /** Per snapshot: per grouping + filter + row id, the row's children. */
  private readonly cache = new WeakMap<IndexSnapshot, Map<string, Row[]>>();

  page(snapshot: IndexSnapshot, params: ModelTreeParams): ModelTreePage {
    const children = this.children(snapshot, params.groupBy ?? 'category', params.filter ?? {}, params.parent);
    const offset = Math.max(0, params.offset ?? 0);
    const limit = Math.min(MAX_PAGE, Math.max(1, params.limit ?? DEFAULT_PAGE));
    const items = children.slice(offset, offset + limit).map((row) => (isItem(row) ? row : modelItem(snapshot, row)));
    return { items, total: children.length };
  }

  private children(snapshot: IndexSnapshot, groupBy: ModelTreeGrouping, filter: ModelTreeFilter, parent: string | undefined): Row[] {
    let perSnapshot = this.cache.get(snapshot);
    if (!perSnapshot) this.cache.set(snapshot, (perSnapshot = new Map()));
    const cacheKey = JSON.stringify([groupBy, filter.text ?? '', filter.category ?? '', parent ?? '']);
    let rows = perSnapshot.get(cacheKey);
    if (!rows) perSnapshot.set(cacheKey, (rows = this.build(snapshot, groupBy, filter, parent)));
    return rows;
  }

  private build(snapshot: IndexSnapshot, groupBy: ModelTreeGrouping, filter: ModelTreeFilter, parent: string | undefined): Row[] {
    const text = filter.text?.trim().toLowerCase() ?? '';
    const inCategory = (category: string | null): readonly IndexedLocation[] => {
      const list = (category === null ? snapshot.locations.filter((l) => l.category === null) : snapshot.byCategory(category)) as readonly IndexedLocation[];
      return text ? list.filter((l) => matches(l, text)) : list;
    };
    const all = (): readonly IndexedLocation[] => {
      const list = filter.category ? snapshot.byCategory(filter.category) as readonly IndexedLocation[] : snapshot.locations;
      return text ? list.filter((l) => matches(l, text)) : list;
    };
    if (parent === undefined) return groupBy === 'root' ? rootRows(all()) : groupBy === 'baseModel' ? baseModelRows(all()) : categoryRows(all(), null);
    const key = parseKey(parent);
    if (!key) return [];
    if (key[0] === 'b') return byLowerKey(all().filter((l) => (l.baseModel ?? null) === key[1]), nameOf);
    if (key[0] === 'r') return categoryRows(all().filter((l) => l.root === key[1]), key[1]);
    const [, root, category] = key;
    if (filter.category && category !== filter.category) return [];
    const list = root === null ? inCategory(category) : inCategory(category).filter((l) => l.root === root);
    return folderRows(list, root, category, key[0] === 'f' ? key[3] : '');
  }
}

function rootRows(list: readonly IndexedLocation[]): ModelTreeItem[] {
  const counts = new Map<string, number>();
  for (const l of list) counts.set(l.root, (counts.get(l.root) ?? 0) + 1);
  return byLowerKey([...counts], ([root]) => root).map(([root, count]) => ({ kind: 'root', id: keyId(['r', root]), label: root, root, count }));
}

/** The families in the order they were released; other named families after them, Unknown last. */
const KNOWN_BASES = ['sd1', 'sd2', 'sdxl', 'sd3', 'flux'];

function compareBases(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const ia = KNOWN_BASES.indexOf(a);
  const ib = KNOWN_BASES.indexOf(b);
  if (ia !== ib && (ia < 0 || ib < 0)) return ia < 0 ? 1 : -1;
  if (ia >= 0) return ia - ib;
  return a < b ? -1 : 1;
}

function baseModelRows(list: readonly IndexedLocation[]): ModelTreeItem[] {
  const counts = new Map<string | null, number>();
  for (const l of list) counts.set(l.baseModel ?? null, (counts.get(l.baseModel ?? null) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => compareBases(a[0], b[0]))
    .map(([base, count]) => ({ kind: 'baseModel', id: keyId(['b', base]), label: base ? baseModelLabel(base as BaseModel) : 'Unknown', count }));
}

function categoryRows(list: readonly IndexedLocation[], root: string | null): ModelTreeItem[] {
  const counts = new Map<string | null, number>();
  for (const l of list) counts.set(l.category, (counts.get(l.category) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => compareCategories(a[0], b[0]))
    .map(([category, count]) => ({
      kind: 'category',
      id: keyId(['c', root, category]),
      label: category ?? '(directly under a root)',
      category,
      count,
      ...(root !== null && { root }),
    }));
}

function folderRows(list: readonly IndexedLocation[], root: string | null, category: string | null, prefix: string): Row[] {
  const folders = new Map<string, number>();
  const models: IndexedLocation[] = [];
  for (const l of list) {
    const name = nameOf(l);
    if (!name.startsWith(prefix)) continue;
    const slash = name.indexOf('/', prefix.length);
    if (slash < 0) models.push(l);
    else {
      const folder = name.slice(prefix.length, slash);
      folders.set(folder, (folders.get(folder) ?? 0) + 1);
    }
  }
  const folderItems: ModelTreeItem[] = byLowerKey([...folders], ([f]) => f).map(([folder, count]) => ({
    kind: 'folder',
    id: keyId(['f', root, category, `${prefix}${folder}/`]),
    label: folder,
    category,
    count,
    ...(root !== null && { root }),
  }));
  return [...folderItems, ...byLowerKey(models, nameOf)];
}

function modelItem(snapshot: IndexSnapshot, l: IndexedLocation): ModelTreeItem {
  return {
    kind: 'model',
    id: modelRowId(l),
    label: nameOf(l),
    category: l.category,
    root: l.root,
    hash: l.hash,
    path: join(l.root, l.relativePath),
    size: l.size,
    name: nameOf(l),
    copies: snapshot.byHash(l.hash).length - 1,
  };
}
