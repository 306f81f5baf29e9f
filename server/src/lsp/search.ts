// The search palette's query: the index's ranked search, or — when the palette resolves a reference
// and nothing is typed yet — the reference's fuzzy candidates first, ranked as the quick fixes are.
import type { IndexSnapshot } from '../core/index/snapshot';
import { fuzzyCandidates, type FuzzyCache } from '../core/resolve';
import type { ModelLocation } from '../core/types';
import type { SearchModelItem, SearchModelsParams } from '../protocol/search';

const DEFAULT_LIMIT = 50;

const item = (l: ModelLocation, score: number): SearchModelItem => ({
  hash: l.hash,
  filename: l.filename,
  name: l.name,
  relativePath: l.relativePath,
  category: l.category,
  root: l.root,
  size: l.size,
  score,
});

export function searchModels(index: IndexSnapshot, params: SearchModelsParams, fuzzy?: FuzzyCache): SearchModelItem[] {
  const limit = params.limit ?? DEFAULT_LIMIT;
  if (params.similarTo === undefined || params.query.trim() !== '') {
    return index.search(params.query, { category: params.category, limit }).map((h) => item(h.location, h.score));
  }
  const candidates = fuzzyCandidates(params.similarTo, index.byCategory(params.category ?? null), limit, fuzzy);
  const out = candidates.map((c) => item(c.location, c.score));
  const seen = new Set(candidates.map((c) => c.location));
  for (const { location } of index.search('', { category: params.category, limit })) {
    if (out.length >= limit) break;
    if (!seen.has(location)) out.push(item(location, 0));
  }
  return out;
}
