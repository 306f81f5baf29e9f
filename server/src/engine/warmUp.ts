// Building, in the background, what the first diagnostics pull in a new snapshot would otherwise pay for.
import type { IndexSnapshot } from '../core/index/snapshot';
import type { FuzzyCache } from '../core/resolve/fuzzy';
import type { ModelLocation } from '../core/types';

/** Queries asked of a list that changed which are asked again of its successor while warming up. */
const QUERIES_ASKED_AGAIN = 32;

/**
 * One step per `next()`: the snapshot's lookups; per category (and for the whole index) the fuzzy
 * preparation of its list and, when the list changed since `previous`, the fuzzy queries last asked of
 * the old list. Lists `snapshot` took over from `previous` are ready already: their step costs a lookup.
 */
export function* warmUpSteps(snapshot: IndexSnapshot, previous: IndexSnapshot | undefined, fuzzy: FuzzyCache): Generator<void, void, void> {
  snapshot.prepare();
  const before = previous?.prepared ? previous : undefined;
  const lists: [readonly ModelLocation[], readonly ModelLocation[] | undefined][] = [...snapshot.categoryLists()].map(([category, list]) => [
    list,
    before?.categoryLists().get(category),
  ]);
  lists.push([snapshot.byCategory(null), before?.byCategory(null)]);
  for (const [list, old] of lists) {
    yield;
    fuzzy.prepare(list);
    if (!old || old === list) continue;
    for (const { value, limit } of fuzzy.queries(old, QUERIES_ASKED_AGAIN)) {
      yield;
      fuzzy.candidates(value, list, limit);
    }
  }
}
