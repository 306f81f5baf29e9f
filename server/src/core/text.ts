// Offsets and text edits shared by every core module: the core speaks in {offset, length} spans,
// only the LSP layer turns them into line/character ranges.

export interface Span {
  offset: number;
  length: number;
}

/** Replace `length` characters at `offset` with `text` (a minimal edit, like jsonc-parser's Edit). */
export interface TextSplice extends Span {
  text: string;
}

/** Apply non-overlapping splices (in any order) to `text`. */
export function applySplices(text: string, splices: readonly TextSplice[]): string {
  const sorted = [...splices].sort((a, b) => b.offset - a.offset);
  let out = text;
  let limit = Infinity;
  for (const s of sorted) {
    if (s.offset + s.length > limit) throw new Error(`overlapping edits at offset ${s.offset}`);
    out = out.slice(0, s.offset) + s.text + out.slice(s.offset + s.length);
    limit = s.offset;
  }
  return out;
}
