// Python difflib.SequenceMatcher(None, a, b).ratio(), which ComfyDock's model search scores with
// (reference/comfygit.md §4.2). Same longest-match rule (earliest in a, then earliest in b) and the
// same recursion over the unmatched sides; no junk heuristic (names are far below its 200-char limit).
// Typed scratch arrays instead of difflib's dicts: fuzzy search scores thousands of names per term.

/** First position of each UTF-16 unit in the current `b`, -1 when absent (reset after each call). */
const first = new Int32Array(65536).fill(-1);
/** Next position of the same unit in `b`, ascending. */
let next = new Int32Array(64);
/**
 * difflib's j2len for two consecutive rows: length of the match ending at b[j - 1], valid when its
 * stamp is the previous row's number (rows are numbered globally, so nothing needs clearing).
 */
let lengths = [new Int32Array(65), new Int32Array(65)];
let stamps = [new Int32Array(65), new Int32Array(65)];
let row = 0;

function reserve(lb: number): void {
  if (next.length < lb) next = new Int32Array(lb * 2);
  if (lengths[0].length <= lb) {
    lengths = [new Int32Array(lb * 2 + 1), new Int32Array(lb * 2 + 1)];
    stamps = [new Int32Array(lb * 2 + 1), new Int32Array(lb * 2 + 1)];
    row = 0;
  }
  if (row > 0x3fffffff) {
    for (const s of stamps) s.fill(0);
    row = 0;
  }
}

/** Number of characters in the matching blocks of a and b. */
export function matchingCharacters(a: string, b: string): number {
  const lb = b.length;
  reserve(lb);
  for (let j = lb - 1; j >= 0; j--) {
    const c = b.charCodeAt(j);
    next[j] = first[c];
    first[c] = j;
  }
  let total = 0;
  const queue = [0, a.length, 0, lb];
  while (queue.length) {
    const bhi = queue.pop()!;
    const blo = queue.pop()!;
    const ahi = queue.pop()!;
    const alo = queue.pop()!;
    let besti = alo;
    let bestj = blo;
    let bestsize = 0;
    row++; // the row before alo is never valid
    for (let i = alo; i < ahi; i++) {
      const current = ++row & 1;
      const prevLength = lengths[current ^ 1];
      const prevStamp = stamps[current ^ 1];
      const length = lengths[current];
      const stamp = stamps[current];
      for (let j = first[a.charCodeAt(i)]; j !== -1 && j < bhi; j = next[j]) {
        if (j < blo) continue;
        const k = (prevStamp[j] === row - 1 ? prevLength[j] : 0) + 1;
        length[j + 1] = k;
        stamp[j + 1] = row;
        if (k > bestsize) {
          besti = i - k + 1;
          bestj = j - k + 1;
          bestsize = k;
        }
      }
    }
    if (bestsize === 0) continue;
    total += bestsize;
    if (alo < besti && blo < bestj) queue.push(alo, besti, blo, bestj);
    if (besti + bestsize < ahi && bestj + bestsize < bhi) queue.push(besti + bestsize, ahi, bestj + bestsize, bhi);
  }
  for (let j = 0; j < lb; j++) first[b.charCodeAt(j)] = -1;
  return total;
}

/** 2·M / (|a| + |b|); 1 for two empty strings, as in Python. */
export function sequenceRatio(a: string, b: string): number {
  const length = a.length + b.length;
  return length === 0 ? 1 : (2 * matchingCharacters(a, b)) / length;
}
