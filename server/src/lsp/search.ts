// The search palette's query: the index's ranked search, or — when the palette resolves a reference
// and nothing is typed yet — the reference's fuzzy candidates first, ranked as the quick fixes are.
// A `base:sdxl` token in the query keeps models of that base model only; `preferBaseModel` (the
// workflow's, for a LoRA and the like) puts that family first.
import type { IndexedLocation, IndexSnapshot } from '../core/index/snapshot';
import { parseModelQuery } from '../core/modelInfo/query';
import { fuzzyCandidates, type FuzzyCache } from '../core/resolve';
import type { ModelLocation } from '../core/types';
import type { SearchModelItem, SearchModelsParams } from '../protocol/search';

const DEFAULT_LIMIT = 50;

const item = (l: IndexedLocation, score: number): SearchModelItem => ({
  hash: l.hash,
  filename: l.filename,
  name: l.name,
  relativePath: l.relativePath,
  category: l.category,
  root: l.root,
  size: l.size,
  score,
  ...(l.baseModel && { baseModel: l.baseModel }),
});

export function searchModels(index: IndexSnapshot, params: SearchModelsParams, fuzzy?: FuzzyCache): SearchModelItem[] {
  const items = rankedModels(index, params, fuzzy);
  const prefer = params.preferBaseModel;
  // Stable: within each group the ranking above stays as it was.
  return prefer ? [...items.filter((i) => i.baseModel === prefer), ...items.filter((i) => i.baseModel !== prefer)] : items;
}

function rankedModels(index: IndexSnapshot, params: SearchModelsParams, fuzzy?: FuzzyCache): SearchModelItem[] {
  const limit = params.limit ?? DEFAULT_LIMIT;
  const { text, baseModel } = parseModelQuery(params.query);
  if (params.similarTo === undefined || text.trim() !== '') {
    return index.search(text, { category: params.category, baseModel, limit }).map((h) => item(h.location, h.score));
  }
  const inCategory = index.byCategory(params.category ?? null) as readonly IndexedLocation[];
  // The cache keeps answers per list the index hands out; a filtered list is new each time, so it goes uncached.
  const candidates = baseModel
    ? fuzzyCandidates(params.similarTo, inCategory.filter((l) => l.baseModel === baseModel), limit)
    : fuzzyCandidates(params.similarTo, inCategory, limit, fuzzy);
  const out = candidates.map((c) => item(c.location as IndexedLocation, c.score));
  const seen = new Set<ModelLocation>(candidates.map((c) => c.location));
  for (const { location } of index.search('', { category: params.category, baseModel, limit })) {
    if (out.length >= limit) break;
    if (!seen.has(location)) out.push(item(location, 0));
  }
  return out;
}
