// readManifest: pyproject.toml text → models, workflow mappings and problems with spans (DESIGN.md §7).
// Values come from smol-toml; positions from tomlScan. Every value is untrusted: a bad entry becomes a
// problem and is marked unsafe, never dropped silently and never acted on.
import { normalizeRelativePath } from '../categories';
import type { Span } from '../text';
import { pathKey, scanToml, type TomlScan } from './tomlScan';
import { readAliases } from './aliases';
import type {
  Manifest, ManifestFlavour, ManifestMapping, ManifestModel, ManifestNodeRef, ManifestProblem, ManifestSource,
  ManifestWorkflow, ModelTable,
} from './types';
import { FULL_HASH, QUICK_HASH, SOURCE_TYPES, sourceTypeOf, unsafeName, unsafeRelativePath, unsafeUrl } from './validate';

type Table = Record<string, unknown>;
type Path = readonly string[];

// smol-toml's types are ESM-only but it ships a CommonJS build (exports.require): load that, typed.
const { parse, TomlError } = require('smol-toml') as typeof import('smol-toml', { with: { 'resolution-mode': 'import' } });

const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
const ROOTS = ['comfydock', 'comfygit'] as const;

/** Parse problems carry 1-based line/column; diagnostics want an offset. */
export function offsetOfLineColumn(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(text.length, offset + Math.max(0, column - 1));
}

/** Parse TOML; a syntax error becomes a problem at its position instead of an exception. */
export function parseToml(text: string): { data?: Table; problem?: ManifestProblem } {
  try {
    return { data: parse(text) as Table };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0].replace(/^Invalid TOML document: /, '') : String(err);
    const offset = err instanceof TomlError ? offsetOfLineColumn(text, err.line, err.column) : 0;
    return { problem: { offset, length: offset < text.length && text[offset] !== '\n' ? 1 : 0, message: `TOML syntax error: ${message}` } };
  }
}

export function readManifest(text: string): Manifest {
  const manifest: Manifest = { flavour: null, hashAlgorithms: ['blake3'], models: [], workflows: new Map(), aliases: new Map(), problems: [], malformed: false };
  const { data, problem } = parseToml(text);
  if (!data) {
    manifest.problems.push(problem!);
    manifest.malformed = true;
    return manifest;
  }
  const reader = new Reader(text, manifest);
  const tool = isTable(data.tool) ? data.tool : {};
  for (const root of ROOTS) {
    const section = tool[root];
    if (!isTable(section)) continue;
    reader.readSection(root, section);
  }
  manifest.aliases = readAliases(data, (path, message) => reader.problem(reader.keySpan(path), message));
  manifest.problems.sort((a, b) => a.offset - b.offset);
  return manifest;
}

class Reader {
  private readonly scan: TomlScan | undefined;

  constructor(private readonly text: string, private readonly manifest: Manifest) {
    try {
      this.scan = scanToml(text);
    } catch (err) {
      // Valid TOML the scanner cannot follow is our bug; say so rather than point at nothing silently.
      this.problem({ offset: 0, length: 0 }, `could not locate manifest entries (${err instanceof Error ? err.message : err})`);
    }
  }

  /** Span of a key (the last key segment of a key/value or table header), else of nothing. */
  keySpan(path: Path): Span {
    const key = pathKey(path);
    const node = this.scan?.nodes.get(key);
    if (node?.keySpan) return node.keySpan;
    if (node) return node.valueSpan;
    const header = this.scan?.headers.find((h) => pathKey(h.path) === key);
    return header ? header.keySpan : { offset: 0, length: 0 };
  }

  /** Span of a value: inside the quotes for strings (as diagnostics underline), else the whole token. */
  valueSpan(path: Path): Span {
    const node = this.scan?.nodes.get(pathKey(path));
    if (!node) return this.keySpan(path);
    const v = node.valueSpan;
    if (node.kind !== 'string') return v;
    const quote = this.text.startsWith('"""', v.offset) || this.text.startsWith("'''", v.offset) ? 3 : 1;
    return { offset: v.offset + quote, length: Math.max(0, v.length - 2 * quote) };
  }

  problem(span: Span, message: string): void {
    this.manifest.problems.push({ ...span, message });
  }

  readSection(root: (typeof ROOTS)[number], section: Table): void {
    const base = ['tool', root];
    let flavour: ManifestFlavour = root === 'comfygit' ? 'comfygit' : 'comfydock';
    const models = section.models;
    if (isTable(models)) {
      for (const [key, value] of Object.entries(models)) {
        const path = [...base, 'models', key];
        if (root === 'comfydock' && (key === 'required' || key === 'optional') && isTable(value)) {
          for (const [hash, entry] of Object.entries(value)) this.readModel(hash, entry, [...path, hash], key, false);
        } else {
          if (root === 'comfydock') flavour = 'comfydock-legacy';
          this.readModel(key, value, path, 'required', true);
        }
      }
    } else if (models !== undefined) this.problem(this.keySpan([...base, 'models']), `tool.${root}.models must be a table`);

    const workflows = section.workflows;
    if (isTable(workflows)) {
      for (const [key, value] of Object.entries(workflows)) {
        const path = [...base, 'workflows', key];
        if (!isTable(value)) {
          this.problem(this.keySpan(path), `workflow '${key}' must be a table`);
          continue;
        }
        if (Array.isArray(value.models) && root === 'comfydock') flavour = 'comfydock-legacy';
        this.readWorkflow(key, value, path);
      }
    } else if (workflows !== undefined) this.problem(this.keySpan([...base, 'workflows']), `tool.${root}.workflows must be a table`);

    // comfygit's generations share one key; only the reader of the hashes can tell (reference/comfygit.md §1.4).
    if (flavour === 'comfygit') this.manifest.hashAlgorithms = ['xxh3-128', 'blake3'];
    if (this.manifest.flavour === null || flavour === 'comfygit') this.manifest.flavour = flavour;
  }

  /** A 16-hex quick hash; older generations wrote the full 64-hex BLAKE3, whose prefix is the same key. */
  quickHash(written: string, allowFull: boolean): string | undefined {
    if (QUICK_HASH.test(written)) return written;
    if (allowFull && FULL_HASH.test(written)) return written.slice(0, 16);
    return undefined;
  }

  readModel(key: string, value: unknown, path: Path, table: ModelTable, legacy: boolean): void {
    const keySpan = this.keySpan(path);
    const hash = this.quickHash(key, legacy);
    const model: ManifestModel = { hash: hash ?? key, table, sources: [], safe: true, keySpan };
    const bad = (span: Span, message: string) => {
      this.problem(span, `model '${key}': ${message}`);
      model.safe = false;
    };
    if (!hash) bad(keySpan, 'the key must be a 16-character lowercase hex quick hash');
    this.manifest.models.push(model);
    if (!isTable(value)) return bad(keySpan, 'the entry must be a table');

    const text = (field: string, check?: (v: string) => string | undefined, required = true): string | undefined => {
      const v = value[field];
      if (v === undefined) {
        if (required) bad(keySpan, `'${field}' is missing`);
        return undefined;
      }
      // Spans only for problems: locating a member scans its entry's inline table (tomlScan).
      const span = () => this.valueSpan([...path, field]);
      if (typeof v !== 'string') return bad(span(), `'${field}' must be a string`), undefined;
      const why = check?.(v);
      if (why) return bad(span(), `${field}: ${why}`), undefined;
      return v;
    };
    model.filename = text('filename', unsafeName);
    model.category = text('category', unsafeName);
    const relativePath = text('relative_path', unsafeRelativePath);
    model.relativePath = relativePath === undefined ? undefined : normalizeRelativePath(relativePath);
    const fullHash = (v: string) => (FULL_HASH.test(v) ? undefined : 'must be 64 lowercase hex characters');
    model.blake3 = text('blake3', fullHash, false);
    model.sha256 = text('sha256', fullHash, false);

    const size = value.size;
    if (size === undefined) bad(keySpan, "'size' is missing");
    else if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) bad(this.valueSpan([...path, 'size']), "'size' must be a non-negative integer");
    else model.size = size;

    const sources = value.sources;
    if (sources === undefined) return;
    if (!Array.isArray(sources)) return bad(this.valueSpan([...path, 'sources']), "'sources' must be an array");
    sources.forEach((source, i) => {
      const read = this.readSource(source, [...path, 'sources', String(i)]);
      if ('message' in read) bad(read, read.message);
      else model.sources.push(read);
    });
  }

  /** Ours: `{ type, url }`; comfygit: a URL string. Returns the source, or what is wrong and where. */
  readSource(source: unknown, path: Path): ManifestSource | ManifestProblem {
    if (typeof source === 'string') {
      const why = unsafeUrl(source);
      return why ? { ...this.valueSpan(path), message: why } : { type: sourceTypeOf(source), url: source };
    }
    if (!isTable(source) || typeof source.url !== 'string') {
      return { ...this.valueSpan(path), message: 'a source must be a URL string or { type, url }' };
    }
    const why = unsafeUrl(source.url);
    if (why) return { ...this.valueSpan([...path, 'url']), message: why };
    const type = SOURCE_TYPES.find((t) => t === source.type);
    if (!type) return { ...this.valueSpan([...path, 'type']), message: `source type must be one of ${SOURCE_TYPES.join(', ')}` };
    return typeof source.store === 'string' && type === 's3' ? { type, url: source.url, store: source.store } : { type, url: source.url };
  }

  readWorkflow(key: string, value: Table, path: Path): void {
    const workflow: ManifestWorkflow = { key, mappings: new Map(), keySpan: this.keySpan(path) };
    this.manifest.workflows.set(key, workflow);
    if (value.path !== undefined) {
      const why = typeof value.path === 'string' ? unsafeRelativePath(value.path) : 'must be a string';
      if (why) this.problem(this.valueSpan([...path, 'path']), `workflow '${key}' path: ${why}`);
      else workflow.path = normalizeRelativePath(value.path as string);
    }
    const models = value.models;
    if (models === undefined) return;
    if (isTable(models)) {
      for (const [reference, entry] of Object.entries(models)) this.readMapping(workflow, reference, entry, [...path, 'models', reference]);
    } else if (Array.isArray(models)) {
      models.forEach((entry, i) => this.readListedModel(workflow, entry, [...path, 'models', String(i)]));
    } else this.problem(this.valueSpan([...path, 'models']), `workflow '${key}' models must be a table`);
  }

  /** Ours: `"<reference>" = { hash, nodes = [{ node_id, widget_idx | input_name }] }`. */
  readMapping(workflow: ManifestWorkflow, reference: string, entry: unknown, path: Path): void {
    const keySpan = this.keySpan(path);
    if (!isTable(entry)) return this.problem(keySpan, `mapping '${reference}' must be a table`);
    const hashSpan = typeof entry.hash === 'string' ? this.valueSpan([...path, 'hash']) : keySpan;
    const mapping: ManifestMapping = { reference, hash: '', nodes: [], safe: true, keySpan, hashSpan };
    const bad = (span: Span, message: string) => {
      this.problem(span, `mapping '${reference}' in workflow '${workflow.key}': ${message}`);
      mapping.safe = false;
    };
    const hash = typeof entry.hash === 'string' ? this.quickHash(entry.hash, false) : undefined;
    if (hash) mapping.hash = hash;
    else bad(hashSpan, "'hash' must be a 16-character lowercase hex quick hash");
    if (!reference.trim()) bad(keySpan, 'the reference is empty');
    mapping.nodes = this.readNodes(entry.nodes, [...path, 'nodes'], bad);
    workflow.mappings.set(reference, mapping);
  }

  /** comfygit / legacy: `[[…models]]` entries; only resolved ones (with a hash) map references. */
  readListedModel(workflow: ManifestWorkflow, entry: unknown, path: Path): void {
    if (!isTable(entry)) return this.problem(this.valueSpan(path), `workflow '${workflow.key}': a model entry must be a table`);
    if (entry.hash === undefined) return; // unresolved / download intent: nothing to map
    const hashSpan = this.valueSpan([...path, 'hash']);
    const hash = typeof entry.hash === 'string' ? this.quickHash(entry.hash, true) : undefined;
    let safe = true;
    const bad = (span: Span, message: string) => {
      this.problem(span, `workflow '${workflow.key}' model entry: ${message}`);
      safe = false;
    };
    if (!hash) bad(hashSpan, "'hash' must be a 16-character lowercase hex quick hash");
    const nodes = this.readNodes(entry.nodes, [...path, 'nodes'], bad);
    // The reference is what the node holds (widget_value); the filename when no node says.
    const byValue = new Map<string, { nodes: ManifestNodeRef[]; span: Span }>();
    const rawNodes = Array.isArray(entry.nodes) ? entry.nodes : [];
    rawNodes.forEach((raw, i) => {
      if (!isTable(raw) || typeof raw.widget_value !== 'string' || !nodes[i]) return;
      const slot = byValue.get(raw.widget_value) ?? { nodes: [], span: this.valueSpan([...path, 'nodes', String(i), 'widget_value']) };
      slot.nodes.push(nodes[i]);
      byValue.set(raw.widget_value, slot);
    });
    if (!byValue.size && typeof entry.filename === 'string') byValue.set(entry.filename, { nodes, span: this.valueSpan([...path, 'filename']) });
    for (const [reference, slot] of byValue) {
      workflow.mappings.set(reference, { reference, hash: hash ?? String(entry.hash), nodes: slot.nodes, safe, keySpan: slot.span, hashSpan });
    }
  }

  readNodes(raw: unknown, path: Path, bad: (span: Span, message: string) => void): ManifestNodeRef[] {
    if (raw === undefined) return [];
    if (!Array.isArray(raw)) return bad(this.valueSpan(path), "'nodes' must be an array"), [];
    const nodes: ManifestNodeRef[] = [];
    raw.forEach((node, i) => {
      const nodePath = [...path, String(i)];
      if (!isTable(node)) return bad(this.valueSpan(nodePath), 'a node must be { node_id, widget_idx }');
      const id = node.node_id;
      if (typeof id !== 'string' && !(typeof id === 'number' && Number.isInteger(id))) {
        return bad(this.valueSpan([...nodePath, 'node_id']), "'node_id' must be a string");
      }
      const ref: ManifestNodeRef = { nodeId: String(id) };
      const { widget_idx: widgetIdx, input_name: inputName } = node;
      if (widgetIdx !== undefined) {
        if (typeof widgetIdx !== 'number' || !Number.isInteger(widgetIdx) || widgetIdx < 0) {
          return bad(this.valueSpan([...nodePath, 'widget_idx']), "'widget_idx' must be a non-negative integer");
        }
        ref.widgetIndex = widgetIdx;
      }
      if (inputName !== undefined) {
        if (typeof inputName !== 'string') return bad(this.valueSpan([...nodePath, 'input_name']), "'input_name' must be a string");
        ref.inputName = inputName;
      }
      nodes.push(ref);
    });
    return nodes;
  }
}
