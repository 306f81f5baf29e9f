// A syntax tree over JSON text that JSON.parse has accepted, shaped like jsonc-parser's (the walkers
// read either), built one level at a time: an object's or array's members are located the first time
// someone asks for its children, and a string's value is decoded the first time it is read. The
// walkers read a few keys of each node; a 30 MB workflow's positions, sizes and outputs are skimmed
// once and never become nodes. Valid input only: it may assume the grammar holds.
import type { Node, NodeType } from 'jsonc-parser';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

class LazyNode implements Node {
  private members?: Node[];
  private decoded?: unknown;

  constructor(
    private readonly text: string,
    readonly type: NodeType,
    readonly offset: number,
    readonly length: number,
  ) {}

  get value(): unknown {
    if (this.type === 'object' || this.type === 'array' || this.type === 'property') return undefined;
    if (this.decoded === undefined) {
      const raw = this.text.slice(this.offset, this.offset + this.length);
      // A string without escapes is its own inside; anything else, JSON.parse reads exactly as ComfyUI does.
      this.decoded = this.type === 'string' && !raw.includes('\\') ? raw.slice(1, -1) : JSON.parse(raw);
    }
    return this.decoded;
  }

  get children(): Node[] | undefined {
    if (this.type === 'property') return this.members;
    if (this.type !== 'object' && this.type !== 'array') return undefined;
    return (this.members ??= readMembers(this.text, this.offset, this.type === 'object'));
  }

  /** A property's [key, value] pair, set once when its object is read. */
  static property(text: string, key: Node, value: Node): Node {
    const node = new LazyNode(text, 'property', key.offset, value.offset + value.length - key.offset);
    node.members = [key, value];
    return node;
  }
}

function skipSpaces(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** End of the string token whose opening quote is at `i` (after its closing quote). */
function stringEnd(text: string, i: number): number {
  for (i++; ; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) i++;
  }
}

/** End of the value starting at `i`; objects and arrays are skipped with a depth count, not recursion. */
function valueEnd(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) return stringEnd(text, i);
  if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
    let depth = 0;
    for (;;) {
      const d = text.charCodeAt(i);
      if (d === QUOTE) {
        i = stringEnd(text, i);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) if (--depth === 0) return i + 1;
      i++;
    }
  }
  // A number, true, false or null: up to the next delimiter.
  for (;;) {
    const d = text.charCodeAt(i);
    if (d === 0x2c /* , */ || d === 0x7d || d === 0x5d || isSpace(d) || Number.isNaN(d)) return i;
    i++;
  }
}

function typeAt(text: string, i: number): NodeType {
  switch (text.charCodeAt(i)) {
    case 0x7b:
      return 'object';
    case 0x5b:
      return 'array';
    case QUOTE:
      return 'string';
    case 0x74 /* t */:
    case 0x66 /* f */:
      return 'boolean';
    case 0x6e /* n */:
      return 'null';
    default:
      return 'number';
  }
}

function nodeAt(text: string, i: number): Node {
  return new LazyNode(text, typeAt(text, i), i, valueEnd(text, i) - i);
}

/** The members of the object or array whose opening bracket is at `start`. */
function readMembers(text: string, start: number, object: boolean): Node[] {
  const members: Node[] = [];
  let i = skipSpaces(text, start + 1);
  const close = object ? 0x7d : 0x5d;
  while (text.charCodeAt(i) !== close) {
    if (object) {
      const key = nodeAt(text, i);
      i = skipSpaces(text, key.offset + key.length) + 1; // past ':'
      const value = nodeAt(text, skipSpaces(text, i));
      members.push(LazyNode.property(text, key, value));
      i = value.offset + value.length;
    } else {
      const item = nodeAt(text, i);
      members.push(item);
      i = item.offset + item.length;
    }
    i = skipSpaces(text, i);
    if (text.charCodeAt(i) === 0x2c) i = skipSpaces(text, i + 1);
  }
  return members;
}

/** The tree of `text`, which must be JSON that JSON.parse accepts (a leading BOM already blanked). */
export function lazyTree(text: string): Node {
  return nodeAt(text, skipSpaces(text, 0));
}
