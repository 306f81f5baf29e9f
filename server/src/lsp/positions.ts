// Many offsets of one text turned into positions in a single pass. TextDocument.positionAt first builds
// a table of every line start (a 30 MB workflow has millions of lines: an array that takes longer to
// build than the diagnostics it serves), then searches it per offset. Here the offsets are sorted and
// the text is walked once from line break to line break (indexOf, native), with the same answers.
import type { Position, Range } from 'vscode-languageserver';
import type { Span } from '../core/text';

const LF = 0x0a;
const CR = 0x0d;
const isEol = (c: number): boolean => c === LF || c === CR;

/** The positions of `offsets` (any order) in `text`, each what TextDocument.positionAt answers. */
export function positionsAt(text: string, offsets: readonly number[]): Position[] {
  const order = ascendingOrder(offsets);
  const out: Position[] = new Array(offsets.length);
  let line = 0;
  let lineStart = 0;
  let pos = 0; // every line starting at or before pos is counted
  let nextLf = -1;
  let nextCr = -1;
  for (const k of order) {
    const offset = Math.max(Math.min(offsets[k], text.length), 0);
    while (pos < offset) {
      if (nextLf < pos) nextLf = text.indexOf('\n', pos) >>> 0; // none: 2^32 - 1, past any offset
      if (nextCr < pos) nextCr = text.indexOf('\r', pos) >>> 0;
      const brk = Math.min(nextLf, nextCr);
      if (brk >= offset) {
        pos = offset;
        break;
      }
      const next = brk === nextCr && text.charCodeAt(brk + 1) === LF ? brk + 2 : brk + 1;
      if (next > offset) {
        pos = brk; // a CRLF around the offset: its line starts after it
        break;
      }
      line++;
      lineStart = pos = next;
    }
    // Like positionAt: an offset inside a line break is placed before it.
    let at = offset;
    while (at > lineStart && isEol(text.charCodeAt(at - 1))) at--;
    out[k] = { line, character: at - lineStart };
  }
  return out;
}

/** Indices of `offsets` by offset (diagnostics come mostly in text order: then no sort is needed). */
function ascendingOrder(offsets: readonly number[]): Uint32Array {
  const order = Uint32Array.from(offsets.keys());
  for (let k = 1; k < offsets.length; k++) if (offsets[k] < offsets[k - 1]) return order.sort((a, b) => offsets[a] - offsets[b]);
  return order;
}

/** The ranges of `spans` in `text` (rangeOf for each, in one pass). */
export function rangesOf(text: string, spans: readonly Span[]): Range[] {
  const offsets: number[] = [];
  for (const s of spans) offsets.push(s.offset, s.offset + Math.max(s.length, 0));
  const positions = positionsAt(text, offsets);
  return spans.map((_, i) => ({ start: positions[2 * i], end: positions[2 * i + 1] }));
}
