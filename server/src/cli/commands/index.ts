// `comfy-models index sync|status|list|find`: the model index from the terminal (DESIGN.md §12 shapes).
import type { IndexedLocation } from '../../core/index/snapshot';
import type { IndexStore } from '../../core/index/store';
import { flag, hasFlag } from '../args';
import { output, type CliContext } from '../context';
import type { CliCommand } from '../command';
import { EXIT_OK, UsageError } from '../errors';
import { cliRoots, openIndex, scopedLocations, syncCli } from '../indexContext';
import { canonicalCategory } from '../../core/categories';
import { parseModelQuery } from '../../core/modelInfo/query';

interface ListRow {
  hash: string;
  filename: string;
  category: string | null;
  relativePath: string;
  root: string;
  size: number;
  baseModel?: string;
  locations?: { root: string; relativePath: string }[];
  sources: { type: string; url: string }[];
  score?: number;
}

function row(store: IndexStore, l: IndexedLocation): ListRow {
  return {
    hash: l.hash, filename: l.filename, category: l.category, relativePath: l.relativePath, root: l.root, size: l.size,
    ...(l.baseModel && { baseModel: l.baseModel }),
    sources: store.sources(l.hash).map(({ type, url }) => ({ type, url })),
  };
}

const text = (rows: ListRow[]) =>
  rows.map((r) => `${r.hash}  ${r.category ?? '-'}  ${r.baseModel ? `${r.baseModel}  ` : ''}${r.relativePath}${r.locations ? ` (+${r.locations.length - 1} more)` : ''}  [${r.root}]\n`).join('');

export const indexCommand: CliCommand = {
  usage: 'index sync | index status | index list [--category C] [--duplicates] | index find <query> (base:sdxl filters by base model)',
  async run(ctx: CliContext): Promise<number> {
    const [, sub, ...rest] = ctx.args.positionals;
    if (!['sync', 'status', 'list', 'find'].includes(sub ?? '')) throw new UsageError('index needs sync, status, list or find');
    if (sub === 'find' && !rest.length) throw new UsageError('index find needs a query');
    const store = await openIndex(ctx);
    try {
      const roots = cliRoots(ctx, store);
      if (sub === 'sync') {
        if (!roots.length) throw new UsageError('no model folders: pass --models-dir DIR or remember one with `comfy-models dir add DIR`');
        const r = await syncCli(ctx, store, roots);
        const result = { scanned: r.scanned, hashed: r.hashed, unchanged: r.unchanged, removed: r.removed, moved: r.moved, models: r.models, seconds: Number(r.seconds.toFixed(3)) };
        output(ctx, result, () => `Scanned ${r.scanned} files: ${r.hashed} hashed, ${r.unchanged} unchanged, ${r.removed} removed${r.moved ? `, ${r.moved} moved` : ''}; ${r.models} models (${r.seconds.toFixed(2)} s)\n`);
        return EXIT_OK;
      }
      const locations = scopedLocations(store.snapshot(), roots);
      if (sub === 'status') {
        const stats = store.stats();
        const hashes = new Set(locations.map((l) => l.hash));
        const status = { indexPath: store.path, models: hashes.size, locations: locations.length, knownModels: stats.models, sources: stats.sources, roots: roots.map((r) => ({ path: r.path, category: r.category })) };
        output(ctx, status, () => `Index ${store.path}\n${status.models} models at ${status.locations} locations (${status.knownModels} known, ${status.sources} sources)\n${roots.map((r) => `  ${r.path}${r.category ? ` (${r.category})` : ''}\n`).join('')}`);
        return EXIT_OK;
      }
      if (sub === 'find') {
        const query = parseModelQuery(rest.join(' '));
        const hits = store.snapshot().search(query.text, { category: flag(ctx.args, 'category') ?? null, baseModel: query.baseModel, limit: 50 });
        const allowed = new Set(locations);
        const rows = hits.filter((h) => allowed.has(h.location)).map((h) => ({ ...row(store, h.location), score: Number(h.score.toFixed(2)) }));
        output(ctx, rows, () => text(rows) || 'No match.\n');
        return EXIT_OK;
      }
      const category = flag(ctx.args, 'category');
      const inCategory = category ? locations.filter((l) => l.category === canonicalCategory(category)) : locations;
      let rows: ListRow[];
      if (hasFlag(ctx.args, 'duplicates')) {
        const byHash = new Map<string, IndexedLocation[]>();
        for (const l of inCategory) byHash.set(l.hash, [...(byHash.get(l.hash) ?? []), l]);
        rows = [...byHash.values()].filter((ls) => ls.length > 1).map((ls) => ({ ...row(store, ls[0]), locations: ls.map((l) => ({ root: l.root, relativePath: l.relativePath })) }));
      } else rows = inCategory.map((l) => row(store, l));
      output(ctx, rows, () => text(rows));
      return EXIT_OK;
    } finally {
      store.close();
    }
  },
};
