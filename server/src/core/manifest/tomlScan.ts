// Where things are in a TOML text. smol-toml gives values but no positions; diagnostics need spans and
// edits need insertion points, so this scanner walks the same grammar and records, for every key, the
// span of its key token and of its value. It runs only on text smol-toml has accepted, so it may assume
// valid TOML and stays small (it throws on anything it does not understand).
// Arrays and inline tables are skimmed (their end found, nothing recorded) and their members scanned
// the first time something asks for them: a 100,000-entry manifest keeps one node per entry, not ten,
// and reading a valid manifest asks only for the entries' keys.
import type { Span } from '../text';

export type TomlValueKind = 'string' | 'array' | 'inline-table' | 'other';

/** A key = value pair, an array item (path ends with its index) or an inline-table member. */
export interface TomlNode {
  /** Full path from the document root; array-of-tables and array items appear as index strings. */
  path: readonly string[];
  /** The last key segment as written (quotes included); absent for array items. */
  keySpan?: Span;
  /** The value token: a string with its quotes, an array from `[` to `]`, an inline table from `{` to `}`. */
  valueSpan: Span;
  kind: TomlValueKind;
  /** For arrays and inline tables: their direct children in order (scanned on first access). */
  readonly children?: TomlNode[];
  /**
   * For a key/value written at table level: its whole line(s), from the line start to after the line
   * break (a trailing comment included), so removing it removes exactly one entry.
   */
  lineSpan?: Span;
}

/** A `[table]` or `[[array.of.tables]]` header and the body that follows it. */
export interface TomlHeader {
  path: readonly string[];
  array: boolean;
  /** The header line, from its line start to after its line break. */
  lineSpan: Span;
  /** The last key segment in the brackets. */
  keySpan: Span;
  /** Key/value lines directly in this table, in order. */
  entries: TomlNode[];
  /** Offset where the next header line starts (or the end of the text). */
  end: number;
}

export interface TomlScan {
  headers: TomlHeader[];
  /** Every key/value, array item and inline-table member, by pathKey. */
  nodes: TomlNodes;
  /** Key/value lines before the first header. */
  rootEntries: TomlNode[];
}

/** Map key of a path (NUL cannot appear in a TOML key written as is; an escaped one is not worth a slower key). */
export const pathKey = (path: readonly string[]): string => path.join('\u0000');

interface KeySegment {
  name: string;
  span: Span;
}

/** Nodes by pathKey; members of arrays and inline tables are scanned when a path into them is asked for. */
export interface TomlNodes {
  get(key: string): TomlNode | undefined;
  has(key: string): boolean;
}

/**
 * An array or inline table: its members are scanned the first time they are asked for. A class (not an
 * object literal with a getter): a 100,000-entry manifest makes one per entry.
 */
class CompositeNode implements TomlNode {
  lineSpan?: Span;
  private members?: TomlNode[];

  constructor(
    readonly path: readonly string[],
    readonly keySpan: Span | undefined,
    readonly valueSpan: Span,
    readonly kind: 'array' | 'inline-table',
    private readonly expand: (node: CompositeNode) => TomlNode[],
  ) {}

  get children(): TomlNode[] {
    return (this.members ??= this.expand(this));
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const HASH = 0x23;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const BACKSLASH = 0x5c;
/** What ends a number, boolean or date: `,`, `]`, `}`, `#`, CR, LF. */
const VALUE_END = new Set([0x2c, 0x5d, 0x7d, HASH, 0x0d, LF]);

export function scanToml(text: string): TomlScan {
  let i = 0;
  const known = new Map<string, TomlNode>();
  const nodes: TomlNodes = {
    get(key) {
      const node = known.get(key);
      if (node) return node;
      // Expand the nearest recorded ancestor (each expansion records one more level) until found.
      const parts = key.split('\u0000');
      for (let n = parts.length - 1; n > 0; n--) {
        const ancestor = known.get(parts.slice(0, n).join('\u0000'));
        if (!ancestor) continue;
        if (ancestor.kind !== 'array' && ancestor.kind !== 'inline-table') return undefined;
        const before = known.size;
        void ancestor.children;
        return known.size > before ? nodes.get(key) : known.get(key);
      }
      return undefined;
    },
    has: (key) => nodes.get(key) !== undefined,
  };
  const headers: TomlHeader[] = [];
  const rootEntries: TomlNode[] = [];
  /** Array-of-tables path → index of its current element (so nested headers land in the right one). */
  const arrayTables = new Map<string, number>();
  let table: readonly string[] = [];
  let entries = rootEntries;

  const fail = (what: string): never => {
    throw new Error(`TOML scanner: ${what} at offset ${i}`);
  };
  // Character codes, not one-character strings: the scanner reads every byte of a 30 MB manifest.
  const skipSpaces = () => {
    for (let c = text.charCodeAt(i); c === SPACE || c === TAB; c = text.charCodeAt(++i));
  };
  const skipComment = () => {
    if (text.charCodeAt(i) !== HASH) return;
    const lf = text.indexOf('\n', i);
    i = lf < 0 ? text.length : lf;
  };
  /** Spaces, comments and line breaks (inside arrays and, leniently, inline tables). */
  const skipBlank = () => {
    for (;;) {
      skipSpaces();
      skipComment();
      if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
      else if (text[i] === '\n') i++;
      else return;
    }
  };
  /** Rest of the current line (spaces, comment, line break); returns the offset after it. */
  const endOfLine = (): number => {
    skipSpaces();
    skipComment();
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (text[i] === '\n') i++;
    else if (i < text.length) fail('expected end of line');
    return i;
  };

  const closingQuote = (quote: string): number => {
    // A single-line string; in basic strings a backslash escapes the next character.
    const q = quote.charCodeAt(0);
    let j = i + 1;
    for (let c = text.charCodeAt(j); j < text.length && c !== q; c = text.charCodeAt(++j)) {
      if (q === DQUOTE && c === BACKSLASH) c = text.charCodeAt(++j);
      if (c === LF) fail('unterminated string');
    }
    if (j >= text.length) fail('unterminated string');
    return j;
  };

  const readKeySegment = (): KeySegment => {
    const start = i;
    if (text[i] === '"' || text[i] === "'") {
      const end = closingQuote(text[i]);
      const raw = text.slice(i + 1, end);
      i = end + 1;
      return { name: text[start] === '"' ? decodeBasic(raw) : raw, span: { offset: start, length: i - start } };
    }
    while (i < text.length && BARE_KEY.test(text[i])) i++;
    if (i === start) fail('expected a key');
    return { name: text.slice(start, i), span: { offset: start, length: i - start } };
  };

  const readKey = (): KeySegment[] => {
    const segments = [readKeySegment()];
    for (;;) {
      skipSpaces();
      if (text[i] !== '.') return segments;
      i++;
      skipSpaces();
      segments.push(readKeySegment());
    }
  };

  /** Insert array-of-tables indices into a header or dotted path so it names the current element. */
  const withIndices = (names: readonly string[]): string[] => {
    const out: string[] = [];
    for (const name of names) {
      out.push(name);
      const index = arrayTables.get(pathKey(out));
      if (index !== undefined) out.push(String(index));
    }
    return out;
  };

  const record = (node: TomlNode) => {
    known.set(pathKey(node.path), node);
    return node;
  };

  /** Move past the string starting at i (basic or literal, single- or multi-line). */
  const skipString = () => {
    const c = text[i];
    const code = text.charCodeAt(i);
    const triple = text.charCodeAt(i + 1) === code && text.charCodeAt(i + 2) === code;
    if (triple) {
      let j = i + 3;
      for (;;) {
        const k = text.indexOf(c.repeat(3), j);
        if (k < 0) fail('unterminated multi-line string');
        let backslashes = 0;
        for (let b = k - 1; c === '"' && text[b] === '\\'; b--) backslashes++;
        if (backslashes % 2 === 1) {
          j = k + 1;
          continue;
        }
        i = k + 3;
        while (text[i] === c && i < k + 5) i++; // up to two quotes may end the content
        break;
      }
    } else i = closingQuote(c) + 1;
  };

  /** Move past the array or inline table starting at i without recording anything. */
  const skimComposite = () => {
    let depth = 0;
    do {
      const c = text.charCodeAt(i);
      if (c === DQUOTE || c === SQUOTE) skipString();
      else if (c === HASH) skipComment();
      else {
        if (c === 0x5b /* [ */ || c === 0x7b /* { */) depth++;
        else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
        else if (i >= text.length) fail('unterminated array or inline table');
        i++;
      }
    } while (depth > 0);
  };

  /** The members of the array or inline table at `start`, recorded (their own composites skimmed). */
  const readMembers = (start: number, path: readonly string[], inline: boolean): TomlNode[] => {
    const saved = i;
    i = start + 1;
    const children: TomlNode[] = [];
    for (;;) {
      skipBlank();
      if (text[i] === (inline ? '}' : ']')) break;
      if (i >= text.length) fail('unterminated array or inline table');
      if (inline) {
        const key = readKey();
        skipSpaces();
        if (text[i] !== '=') fail("expected '='");
        i++;
        skipSpaces();
        children.push(readValue([...path, ...key.map((k) => k.name)], key[key.length - 1].span));
      } else children.push(readValue([...path, String(children.length)]));
      skipBlank();
      if (text[i] === ',') i++;
    }
    i = saved;
    return children;
  };

  const expand = (node: CompositeNode): TomlNode[] => readMembers(node.valueSpan.offset, node.path, node.kind === 'inline-table');

  const readValue = (path: readonly string[], keySpan?: Span): TomlNode => {
    const start = i;
    const c = text[i];
    if (c === '"' || c === "'") {
      skipString();
      return record({ path, keySpan, valueSpan: { offset: start, length: i - start }, kind: 'string' });
    }
    if (c === '[' || c === '{') {
      skimComposite();
      return record(new CompositeNode(path, keySpan, { offset: start, length: i - start }, c === '{' ? 'inline-table' : 'array', expand));
    }
    // Numbers, booleans, dates (a date may hold one space before its time part).
    while (i < text.length && !VALUE_END.has(text.charCodeAt(i))) i++;
    while (i > start && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
    if (i === start) fail('expected a value');
    return record({ path, keySpan, valueSpan: { offset: start, length: i - start }, kind: 'other' });
  };

  for (;;) {
    skipBlank();
    if (i >= text.length) break;
    const lineStart = text.lastIndexOf('\n', i - 1) + 1;
    if (text[i] === '[') {
      const array = text[i + 1] === '[';
      i += array ? 2 : 1;
      skipSpaces();
      const key = readKey();
      skipSpaces();
      if (!text.startsWith(array ? ']]' : ']', i)) fail("expected ']'");
      i += array ? 2 : 1;
      const names = key.map((k) => k.name);
      let path: string[];
      if (array) {
        const parent = withIndices(names.slice(0, -1));
        const own = pathKey([...parent, names[names.length - 1]]);
        const index = (arrayTables.get(own) ?? -1) + 1;
        arrayTables.set(own, index);
        path = [...parent, names[names.length - 1], String(index)];
      } else path = withIndices(names);
      const lineEnd = endOfLine();
      if (headers.length) headers[headers.length - 1].end = lineStart;
      const header: TomlHeader = {
        path, array, lineSpan: { offset: lineStart, length: lineEnd - lineStart },
        keySpan: key[key.length - 1].span, entries: [], end: text.length,
      };
      headers.push(header);
      table = path;
      entries = header.entries;
      continue;
    }
    const key = readKey();
    skipSpaces();
    if (text[i] !== '=') fail("expected '='");
    i++;
    skipSpaces();
    const node = readValue([...table, ...key.map((k) => k.name)], key[key.length - 1].span);
    node.lineSpan = { offset: lineStart, length: endOfLine() - lineStart };
    entries.push(node);
  }
  return { headers, nodes, rootEntries };
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

/** The content of a single-line basic string (between the quotes) with its escapes decoded. */
export function decodeBasic(raw: string): string {
  if (!raw.includes('\\')) return raw; // most keys: nothing to decode, no regex pass
  return raw.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) =>
    e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : ESCAPES[e] ?? e,
  );
}
