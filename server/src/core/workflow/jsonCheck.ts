// Whether text is JSON that JSON.parse accepts (RFC 8259), checked in steps: a 30 MB workflow is
// checked a slice at a time, so whoever runs it can stop between slices (a newer version of the
// document, a cancelled request), and no object graph is built only to be thrown away. It also finds
// nesting deeper than the walkers allow, at the offset tooDeepAt (parse.ts) would name.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** What is expected next. */
const enum Expect {
  Value,
  /** Right after `[`. */
  ValueOrClose,
  Key,
  /** Right after `{`. */
  KeyOrClose,
  Colon,
  CommaOrClose,
  /** The top-level value is complete: only white space may follow. */
  End,
}

const OBJECT = 1;
const ARRAY = 2;

export type JsonCheck = { status: 'valid' } | { status: 'invalid' } | { status: 'too-deep'; offset: number };

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** End of the string token opening at `i` (after its closing quote), or -1 when it is not valid JSON. */
function stringEnd(text: string, i: number): number {
  for (i++; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c < 0x20) return -1;
    if (c !== BACKSLASH) {
      i++;
      continue;
    }
    const e = text.charCodeAt(i + 1);
    if (e === 0x75 /* u */) {
      for (let k = 2; k < 6; k++) if (!isHex(text.charCodeAt(i + k))) return -1;
      i += 6;
    } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
      i += 2;
    } else return -1;
  }
  return -1;
}

/** End of the number token at `i`, or -1: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`. */
function numberEnd(text: string, i: number): number {
  if (text.charCodeAt(i) === 0x2d /* - */) i++;
  if (text.charCodeAt(i) === 0x30) i++;
  else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
  else return -1;
  if (text.charCodeAt(i) === 0x2e /* . */) {
    if (!isDigit(text.charCodeAt(++i))) return -1;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    const sign = text.charCodeAt(++i);
    if (sign === 0x2b || sign === 0x2d) i++;
    if (!isDigit(text.charCodeAt(i))) return -1;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  return i;
}

/** Objects and arrays this shallow get their end recorded (the root's members: the node list, the links, …). */
const RECORD_DEPTH = 2;

/**
 * A check of one text, run a slice at a time: step() reads at least `slice` characters (whole tokens)
 * and returns the verdict once there is one, else undefined. On the way it records where the shallow
 * objects and arrays end (`ends`: start offset → end offset), which the lazy tree would otherwise find
 * by reading them again (a 30 MB workflow's node list is most of its text).
 */
export class JsonChecker {
  readonly ends = new Map<number, number>();
  private i = 0;
  private expect = Expect.Value;
  private depth = 0;
  private readonly open: Uint8Array;
  private readonly starts = new Int32Array(RECORD_DEPTH + 1);

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {
    this.open = new Uint8Array(maxDepth + 1);
  }

  step(slice: number): JsonCheck | undefined {
    const { text, open, maxDepth, starts, ends } = this;
    let { i, expect, depth } = this;
    const until = Math.min(text.length, i + slice);
    for (;;) {
      while (isSpace(text.charCodeAt(i))) i++;
      if (i >= text.length) return expect === Expect.End ? { status: 'valid' } : { status: 'invalid' };
      if (i >= until) break;
      const c = text.charCodeAt(i);
      switch (expect) {
        case Expect.ValueOrClose:
        case Expect.Value:
          if (c === 0x5d /* ] */ && expect === Expect.ValueOrClose) {
            if (depth <= RECORD_DEPTH) ends.set(starts[depth], i + 1);
            depth--;
            i++;
            expect = depth === 0 ? Expect.End : Expect.CommaOrClose;
          } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
            if (++depth > maxDepth) return { status: 'too-deep', offset: i };
            open[depth] = c === 0x7b ? OBJECT : ARRAY;
            if (depth <= RECORD_DEPTH) starts[depth] = i;
            expect = c === 0x7b ? Expect.KeyOrClose : Expect.ValueOrClose;
            i++;
          } else {
            if (c === QUOTE) i = stringEnd(text, i);
            else if (c === 0x2d || isDigit(c)) i = numberEnd(text, i);
            else if (text.startsWith('true', i)) i += 4;
            else if (text.startsWith('false', i)) i += 5;
            else if (text.startsWith('null', i)) i += 4;
            else return { status: 'invalid' };
            if (i < 0) return { status: 'invalid' };
            expect = depth === 0 ? Expect.End : Expect.CommaOrClose;
          }
          break;
        case Expect.KeyOrClose:
        case Expect.Key:
          if (c === 0x7d /* } */ && expect === Expect.KeyOrClose) {
            if (depth <= RECORD_DEPTH) ends.set(starts[depth], i + 1);
            depth--;
            i++;
            expect = depth === 0 ? Expect.End : Expect.CommaOrClose;
            break;
          }
          if (c !== QUOTE || (i = stringEnd(text, i)) < 0) return { status: 'invalid' };
          expect = Expect.Colon;
          break;
        case Expect.Colon:
          if (c !== 0x3a /* : */) return { status: 'invalid' };
          i++;
          expect = Expect.Value;
          break;
        case Expect.CommaOrClose:
          if (c === 0x2c /* , */) {
            i++;
            expect = open[depth] === OBJECT ? Expect.Key : Expect.Value;
          } else if (c === (open[depth] === OBJECT ? 0x7d : 0x5d)) {
            if (depth <= RECORD_DEPTH) ends.set(starts[depth], i + 1);
            depth--;
            i++;
            expect = depth === 0 ? Expect.End : Expect.CommaOrClose;
          } else return { status: 'invalid' };
          break;
        case Expect.End:
          return { status: 'invalid' };
      }
    }
    this.i = i;
    this.expect = expect;
    this.depth = depth;
    return undefined;
  }
}
