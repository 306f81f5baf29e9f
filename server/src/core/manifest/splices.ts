// Several edits computed one after another (each against the text the previous one produced) expressed as
// splices against the original text, so a batch is still a minimal edit of the file the user has.
import type { TextSplice } from '../text';

type Piece = { start: number; end: number } | { text: string };

export class SpliceComposer {
  /** The current text as pieces of the original (by range) and inserted text. */
  private pieces: Piece[];

  constructor(private readonly original: string) {
    this.pieces = original.length ? [{ start: 0, end: original.length }] : [];
  }

  /** Apply splices given against the current text. */
  apply(splices: readonly TextSplice[]): void {
    for (const s of [...splices].sort((a, b) => b.offset - a.offset)) this.applyOne(s);
  }

  private applyOne(splice: TextSplice): void {
    const out: Piece[] = [];
    let pos = 0;
    const from = splice.offset;
    const to = splice.offset + splice.length;
    let inserted = false;
    const insert = () => {
      if (!inserted && splice.text) out.push({ text: splice.text });
      inserted = true;
    };
    for (const piece of this.pieces) {
      const len = 'text' in piece ? piece.text.length : piece.end - piece.start;
      const a = pos;
      const b = pos + len;
      pos = b;
      if (b <= from) {
        out.push(piece);
        continue;
      }
      if (a >= to) {
        insert();
        out.push(piece);
        continue;
      }
      // The piece overlaps [from, to): keep its parts outside, put the new text in between.
      const keepHead = Math.max(0, from - a);
      const keepTail = Math.max(0, b - to);
      if (keepHead) out.push(slice(piece, 0, keepHead));
      if (b >= to) insert();
      if (keepTail) out.push(slice(piece, len - keepTail, len));
    }
    insert();
    this.pieces = out;
  }

  /** The composed edit against the original text. */
  splices(): TextSplice[] {
    const out: TextSplice[] = [];
    let cursor = 0;
    let pending = '';
    const flush = (until: number) => {
      if (pending || until > cursor) out.push({ offset: cursor, length: until - cursor, text: pending });
      pending = '';
    };
    for (const piece of this.pieces) {
      if ('text' in piece) {
        pending += piece.text;
        continue;
      }
      flush(piece.start);
      cursor = piece.end;
    }
    flush(this.original.length);
    return out;
  }
}

function slice(piece: Piece, a: number, b: number): Piece {
  return 'text' in piece ? { text: piece.text.slice(a, b) } : { start: piece.start + a, end: piece.start + b };
}
