// Python difflib.SequenceMatcher(None, a, b).ratio(), which ComfyDock's model search scores with
// (reference/comfygit.md §4.2). Same longest-match rule (earliest in a, then earliest in b) and the
// same recursion over the unmatched sides; no junk heuristic (names are far below its 200-char limit).

/** Positions of each character in `b`, ascending. */
function positions(b: string): Map<string, number[]> {
  const b2j = new Map<string, number[]>();
  for (let j = 0; j < b.length; j++) {
    const list = b2j.get(b[j]);
    if (list) list.push(j);
    else b2j.set(b[j], [j]);
  }
  return b2j;
}

/** Number of characters in the matching blocks of a and b. */
export function matchingCharacters(a: string, b: string): number {
  const b2j = positions(b);
  let total = 0;
  const queue: [number, number, number, number][] = [[0, a.length, 0, b.length]];
  while (queue.length) {
    const [alo, ahi, blo, bhi] = queue.pop()!;
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of b2j.get(a[i]) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
      j2len = next;
    }
    if (bestsize === 0) continue;
    total += bestsize;
    if (alo < besti && blo < bestj) queue.push([alo, besti, blo, bestj]);
    if (besti + bestsize < ahi && bestj + bestsize < bhi) queue.push([besti + bestsize, ahi, bestj + bestsize, bhi]);
  }
  return total;
}

/** 2·M / (|a| + |b|); 1 for two empty strings, as in Python. */
export function sequenceRatio(a: string, b: string): number {
  const length = a.length + b.length;
  return length === 0 ? 1 : (2 * matchingCharacters(a, b)) / length;
}
