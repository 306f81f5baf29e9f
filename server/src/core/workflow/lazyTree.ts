// A syntax tree over JSON text that the check (jsonCheck.ts) has accepted, shaped like jsonc-parser's
// (the walkers read either), built one level at a time: an object's or array's members are located the
// first time someone asks for its children, and a string's value is decoded the first time it is read. The
// walkers read a few keys of each node; a 30 MB workflow's positions, sizes and outputs are skimmed
// once and never become nodes. Valid input only: it may assume the grammar holds.
import type { Node, NodeType } from 'jsonc-parser';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

interface Members {
  /** An object's key token offsets (empty for an array). */
  keys: number[];
  /** An object's member values or an array's items. */
  values: Node[];
  /** Some key of the object holds a backslash (so matches only after decoding). */
  escaped: boolean;
}

/**
 * A tree's text and the members it read last. Small nodes do not keep their members: a tree that
 * holds every node it ever made keeps the garbage collector copying it (a 30 MB workflow's would be
 * millions of objects); the walkers read one node's keys in a row, so the last one read is what they
 * ask for next.
 */
interface Doc {
  text: string;
  /** Where some objects and arrays end, by start offset, when known already (jsonCheck.ts). */
  ends?: ReadonlyMap<number, number>;
  recent?: { node: LazyNode; members: Members };
}

/** Bigger nodes (the root, the node list: few) keep their members; reading them again costs a skim of their text. */
const KEEP_MEMBERS_FROM = 64 * 1024;

export class LazyNode implements Node {
  private decoded?: unknown;
  private kept?: Members;
  /** A property's [key, value]. */
  private pair?: Node[];

  constructor(
    private readonly doc: Doc,
    readonly type: NodeType,
    readonly offset: number,
    readonly length: number,
  ) {}

  get value(): unknown {
    if (this.type === 'object' || this.type === 'array' || this.type === 'property') return undefined;
    if (this.decoded === undefined) {
      const raw = this.doc.text.slice(this.offset, this.offset + this.length);
      // A string without escapes is its own inside; anything else, JSON.parse reads exactly as ComfyUI does.
      this.decoded = this.type === 'string' && !raw.includes('\\') ? raw.slice(1, -1) : JSON.parse(raw);
    }
    return this.decoded;
  }

  get children(): Node[] | undefined {
    if (this.type === 'property') return this.pair;
    if (this.type === 'array') return this.members().values;
    if (this.type !== 'object') return undefined;
    const { keys, values } = this.members();
    return keys.map((k, i) => {
      const key = new LazyNode(this.doc, 'string', k, stringEnd(this.doc.text, k) - k);
      const value = values[i];
      const property = new LazyNode(this.doc, 'property', k, value.offset + value.length - k);
      property.pair = [key, value];
      return property;
    });
  }

  /** The value of `key` in this object (the last one when the key repeats), without making property nodes. */
  prop(key: string): Node | undefined {
    if (this.type !== 'object') return undefined;
    const { keys, values, escaped } = this.members();
    if (escaped || key.includes('\\') || key.includes('"')) {
      // A key written with escapes ("\u0069d") matches after decoding only.
      const properties = this.children!;
      for (let i = properties.length - 1; i >= 0; i--) {
        const [k, v] = properties[i].children!;
        if (k.value === key) return v;
      }
      return undefined;
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i] + 1;
      if (this.doc.text.charCodeAt(k + key.length) === QUOTE && this.doc.text.startsWith(key, k)) return values[i];
    }
    return undefined;
  }

  private members(): Members {
    if (this.kept) return this.kept;
    const { doc } = this;
    if (doc.recent?.node !== this) {
      const members = this.type === 'object' ? readObject(doc, this.offset) : { keys: [], values: readItems(doc, this.offset), escaped: false };
      if (this.length >= KEEP_MEMBERS_FROM) return (this.kept = members);
      doc.recent = { node: this, members };
    }
    return doc.recent.members;
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

function nodeAt(doc: Doc, i: number): Node {
  const type = typeAt(doc.text, i);
  const known = doc.ends && (type === 'object' || type === 'array') ? doc.ends.get(i) : undefined;
  return new LazyNode(doc, type, i, (known ?? valueEnd(doc.text, i)) - i);
}

/** The items of the array whose `[` is at `start`. */
function readItems(doc: Doc, start: number): Node[] {
  const { text } = doc;
  const items: Node[] = [];
  for (let i = skipSpaces(text, start + 1); text.charCodeAt(i) !== 0x5d; ) {
    const item = nodeAt(doc, i);
    items.push(item);
    i = skipSpaces(text, item.offset + item.length);
    if (text.charCodeAt(i) === 0x2c) i = skipSpaces(text, i + 1);
  }
  return items;
}

/** The key offsets and values of the object whose `{` is at `start`. */
function readObject(doc: Doc, start: number): Members {
  const { text } = doc;
  const keys: number[] = [];
  const values: Node[] = [];
  let escaped = false;
  for (let i = skipSpaces(text, start + 1); text.charCodeAt(i) !== 0x7d; ) {
    const keyEnd = stringEnd(text, i);
    for (let j = i + 1; !escaped && j < keyEnd; j++) escaped = text.charCodeAt(j) === BACKSLASH;
    keys.push(i);
    const value = nodeAt(doc, skipSpaces(text, skipSpaces(text, keyEnd) + 1)); // past ':'
    values.push(value);
    i = skipSpaces(text, value.offset + value.length);
    if (text.charCodeAt(i) === 0x2c) i = skipSpaces(text, i + 1);
  }
  return { keys, values, escaped };
}

/**
 * The tree of `text`, which must be strict JSON (jsonCheck.ts; a leading BOM already blanked); `ends`:
 * where objects and arrays end by start offset, for those the check recorded.
 */
export function lazyTree(text: string, ends?: ReadonlyMap<number, number>): Node {
  const start = skipSpaces(text, 0);
  // Valid JSON: the root value ends where the trailing white space starts (no pass over all of it).
  let end = text.length;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return new LazyNode({ text, ends }, typeAt(text, start), start, end - start);
}
