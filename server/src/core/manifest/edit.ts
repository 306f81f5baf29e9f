// Minimal text edits of a pyproject.toml manifest (DESIGN.md §7): each operation touches only its own
// lines or inline-table items; comments, order, formatting, line breaks and every other byte stay. The
// result is parsed again and must hold exactly the intended data, else nothing is returned (an error).
//
// Tables are created when missing, after the last table that shares the longest `tool.comfydock…`
// prefix with the new one (else at the end of the file), preceded by one blank line. Removing the last
// entry of a table also removes its header only when the table holds nothing else (no comment on the
// header line, no line between it and the entry, no comment line right below the entry) — i.e. when it
// looks exactly as we create it — together
// with the blank line before it; so an add followed by a remove gives back the original bytes.
import { applySplices, type Span, type TextSplice } from '../text';
import { parseToml, readManifest } from './read';
import { ALIASES_PATH } from './aliases';
import { SpliceComposer } from './splices';
import { pathKey, scanToml, type TomlHeader, type TomlScan } from './tomlScan';
import {
  headerPath, lineBreakOf, mappingValueText, modelValueText, sourceText, tomlString, type ModelEntryInput,
} from './tomlText';
import type { ManifestNodeRef, ManifestSource, ModelTable } from './types';
import { FULL_HASH, QUICK_HASH, SOURCE_TYPES, unsafeName, unsafeRelativePath, unsafeUrl } from './validate';

export interface MappingInput {
  /** Workflow key (see workflowKey in discover.ts). */
  workflow: string;
  /** Workflow JSON path relative to the manifest folder; written when the workflow table is created. */
  workflowPath?: string;
  /** The reference value as written in the workflow. */
  reference: string;
  hash: string;
  nodes: readonly ManifestNodeRef[];
}

export type ManifestEdit =
  | { kind: 'add-model'; table: ModelTable; model: ModelEntryInput }
  | { kind: 'remove-model'; hash: string }
  | { kind: 'add-mapping'; mapping: MappingInput }
  | { kind: 'remove-mapping'; workflow: string; reference: string }
  | { kind: 'add-source'; hash: string; source: ManifestSource }
  /** A model moved or renamed: its `filename` and `relative_path` fields (those written) get the new values. */
  | { kind: 'set-model-path'; hash: string; filename: string; relativePath: string }
  /** `[tool.comfy-models.aliases]`: name as workflows write it → model quick hash (aliases.ts). */
  | { kind: 'add-alias'; name: string; hash: string }
  | { kind: 'remove-alias'; name: string };

/** The edit cannot be made safely (bad input, malformed file, entry missing, unusual layout). */
export class ManifestEditError extends Error {}

type Table = Record<string, unknown>;
type Path = readonly string[];

const ROOT = ['tool', 'comfydock'];
const TABLES: readonly ModelTable[] = ['required', 'optional'];
const modelTablePath = (table: ModelTable): string[] => [...ROOT, 'models', table];
const workflowTablePath = (key: string): string[] => [...ROOT, 'workflows', key];
const mappingTablePath = (key: string): string[] => [...workflowTablePath(key), 'models'];
/** In `tool.comfydock.workflows."<key>"…` the key is user data and written quoted. */
const QUOTED_WORKFLOW_KEY: ReadonlySet<number> = new Set([3]);
const NOTHING_QUOTED: ReadonlySet<number> = new Set();

const end = (s: Span): number => s.offset + s.length;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function getPath(data: Table, path: Path): unknown {
  let v: unknown = data;
  for (const key of path) {
    if (!isTable(v) || !Object.hasOwn(v, key)) return undefined;
    v = v[key];
  }
  return v;
}

function setPath(data: Table, path: Path, value: unknown): void {
  let t = data;
  for (const key of path.slice(0, -1)) {
    if (!isTable(t[key])) t[key] = {};
    t = t[key] as Table;
  }
  t[path[path.length - 1]] = value;
}

/** Delete `path`; then drop each table of `prune` (deepest first) while it is empty. */
function deletePath(data: Table, path: Path, prune: readonly Path[] = []): void {
  const parent = getPath(data, path.slice(0, -1));
  if (isTable(parent)) delete parent[path[path.length - 1]];
  for (const table of prune) {
    const value = getPath(data, table);
    if (!isTable(value) || Object.keys(value).length) return;
    deletePath(data, table);
  }
}

/** One operation against the current text: its splices, how it changes the data, and a follow-up. */
interface Step {
  splices: TextSplice[];
  expect(data: Table): void;
  then?: ManifestEdit;
}

/**
 * The splices (against `text`) that apply `edits` in order. Throws ManifestEditError when the file is
 * malformed, written by another tool generation, the input is unsafe, or the result would not hold
 * exactly the intended data.
 */
export function editManifest(text: string, edits: readonly ManifestEdit[]): TextSplice[] {
  const manifest = readManifest(text);
  if (manifest.malformed) throw new ManifestEditError(`pyproject.toml cannot be parsed (${manifest.problems[0].message}); fix it first`);
  if (manifest.flavour === 'comfygit' || manifest.flavour === 'comfydock-legacy') {
    throw new ManifestEditError(`this manifest was written by ${manifest.flavour === 'comfygit' ? 'comfygit' : 'an older ComfyDock'}; it is read but not edited`);
  }
  const composer = new SpliceComposer(text);
  const expected = parseToml(text).data!;
  let current = text;
  const queue = [...edits];
  for (let edit = queue.shift(); edit; edit = queue.shift()) {
    const step = editStep(current, edit);
    composer.apply(step.splices);
    current = applySplices(current, step.splices);
    step.expect(expected);
    if (step.then) queue.unshift(step.then);
  }
  verify(current, expected);
  return composer.splices();
}

function verify(result: string, expected: Table): void {
  const { data, problem } = parseToml(result);
  if (!data) throw new ManifestEditError(`the edit would break the TOML (${problem?.message}); nothing was changed`);
  if (!sameData(data, expected)) throw new ManifestEditError('the edit would not produce exactly the intended data (unusual layout?); nothing was changed');
}

/** Deep equality of parsed TOML data, ignoring key order. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return String(a) === String(b) && a instanceof Date && b instanceof Date;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameData(v, b[i]));
  }
  if (isTable(a) && isTable(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && sameData(a[k], b[k]));
  }
  return Object.is(a, b);
}

function editStep(text: string, edit: ManifestEdit): Step {
  const data = parseToml(text).data!;
  const doc = new Doc(text, scanToml(text), data);
  switch (edit.kind) {
    case 'add-model':
      return addModel(doc, edit.table, edit.model);
    case 'remove-model': {
      const table = TABLES.find((t) => getPath(data, [...modelTablePath(t), edit.hash]) !== undefined);
      if (!table) throw new ManifestEditError(`model ${edit.hash} is not in the manifest`);
      return doc.removeEntry([...modelTablePath(table), edit.hash]);
    }
    case 'add-mapping':
      return addMapping(doc, edit.mapping);
    case 'remove-mapping': {
      const path = [...mappingTablePath(edit.workflow), edit.reference];
      if (getPath(data, path) === undefined) {
        throw new ManifestEditError(`workflow '${edit.workflow}' has no mapping for '${edit.reference}'`);
      }
      return doc.removeEntry(path);
    }
    case 'add-source':
      return addSource(doc, edit.hash, edit.source);
    case 'set-model-path':
      return setModelPath(doc, edit.hash, edit.filename, edit.relativePath);
    case 'add-alias': {
      if (!QUICK_HASH.test(edit.hash)) throw new ManifestEditError(`refusing to write alias '${edit.name}': '${edit.hash}' is not a 16-character lowercase hex quick hash`);
      if (!edit.name.trim()) throw new ManifestEditError('refusing to write an alias with an empty name');
      const path = [...ALIASES_PATH, edit.name];
      const value = tomlString(edit.hash);
      return { splices: doc.putEntry(path, `${tomlString(edit.name)} = ${value}`, value, NOTHING_QUOTED), expect: (d) => setPath(d, path, edit.hash) };
    }
    case 'remove-alias': {
      const path = [...ALIASES_PATH, edit.name];
      if (getPath(data, path) === undefined) throw new ManifestEditError(`there is no alias '${edit.name}'`);
      return doc.removeEntry(path);
    }
  }
}

export function checkModel(model: ModelEntryInput): void {
  const why =
    (!QUICK_HASH.test(model.hash) && `'${model.hash}' is not a 16-character lowercase hex quick hash`) ||
    unsafeName(model.filename) || unsafeName(model.category) || unsafeRelativePath(model.relativePath) ||
    (!(Number.isSafeInteger(model.size) && model.size >= 0) && 'size must be a non-negative integer') ||
    ([model.blake3, model.sha256].some((h) => h !== undefined && !FULL_HASH.test(h)) && 'full hashes must be 64 lowercase hex') ||
    model.sources.map(checkSource).find(Boolean);
  if (why) throw new ManifestEditError(`refusing to write model ${model.hash}: ${why}`);
}

function checkSource(source: ManifestSource): string | undefined {
  if (!SOURCE_TYPES.includes(source.type)) return `unknown source type '${source.type}'`;
  return unsafeUrl(source.url);
}

export function modelData(model: ModelEntryInput): Table {
  const entry: Table = { filename: model.filename, category: model.category, relative_path: model.relativePath, size: model.size };
  if (model.blake3) entry.blake3 = model.blake3;
  if (model.sha256) entry.sha256 = model.sha256;
  entry.sources = model.sources.map((s) => (s.store ? { type: s.type, url: s.url, store: s.store } : { type: s.type, url: s.url }));
  return entry;
}

function mappingData(mapping: MappingInput): Table {
  const nodes = mapping.nodes.map((n) => {
    const node: Table = { node_id: n.nodeId };
    if (n.widgetIndex !== undefined) node.widget_idx = n.widgetIndex;
    if (n.inputName !== undefined) node.input_name = n.inputName;
    return node;
  });
  return { hash: mapping.hash, nodes };
}

function addModel(doc: Doc, table: ModelTable, model: ModelEntryInput): Step {
  checkModel(model);
  const other: ModelTable = table === 'required' ? 'optional' : 'required';
  if (getPath(doc.data, [...modelTablePath(other), model.hash]) !== undefined) {
    // Moving between required and optional: remove, then add.
    return { ...doc.removeEntry([...modelTablePath(other), model.hash]), then: { kind: 'add-model', table, model } };
  }
  const path = [...modelTablePath(table), model.hash];
  const value = modelValueText(model);
  return {
    splices: doc.putEntry(path, `${tomlString(model.hash)} = ${value}`, value, NOTHING_QUOTED),
    expect: (data) => setPath(data, path, modelData(model)),
  };
}

function addMapping(doc: Doc, mapping: MappingInput): Step {
  const why =
    (!QUICK_HASH.test(mapping.hash) && `'${mapping.hash}' is not a 16-character lowercase hex quick hash`) ||
    (!mapping.reference.trim() && 'the reference is empty') ||
    (!mapping.workflow.trim() && 'the workflow key is empty') ||
    (mapping.workflowPath !== undefined && unsafeRelativePath(mapping.workflowPath)) ||
    (mapping.nodes.some((n) => n.widgetIndex !== undefined && !(Number.isSafeInteger(n.widgetIndex) && n.widgetIndex >= 0)) && 'widget indices must be non-negative integers');
  if (why) throw new ManifestEditError(`refusing to write mapping '${mapping.reference}': ${why}`);
  const entryPath = [...mappingTablePath(mapping.workflow), mapping.reference];
  const value = mappingValueText(mapping.hash, mapping.nodes);
  const line = `${tomlString(mapping.reference)} = ${value}`;
  const workflowPath = workflowTablePath(mapping.workflow);
  if (getPath(doc.data, workflowPath) === undefined && mapping.workflowPath !== undefined) {
    const pathLine = `path = ${tomlString(mapping.workflowPath)}`;
    return {
      splices: [doc.createTables([{ path: workflowPath, lines: [pathLine] }, { path: mappingTablePath(mapping.workflow), lines: [line] }], QUOTED_WORKFLOW_KEY)],
      expect: (data) => setPath(data, workflowPath, { path: mapping.workflowPath, models: { [mapping.reference]: mappingData(mapping) } }),
    };
  }
  return {
    splices: doc.putEntry(entryPath, line, value, QUOTED_WORKFLOW_KEY),
    expect: (data) => setPath(data, entryPath, mappingData(mapping)),
  };
}

function addSource(doc: Doc, hash: string, source: ManifestSource): Step {
  const why = checkSource(source);
  if (why) throw new ManifestEditError(`refusing to add source: ${why}`);
  const table = TABLES.find((t) => getPath(doc.data, [...modelTablePath(t), hash]) !== undefined);
  if (!table) throw new ManifestEditError(`model ${hash} is not in the manifest`);
  const path = [...modelTablePath(table), hash];
  const sourcesPath = [...path, 'sources'];
  const existing = getPath(doc.data, sourcesPath);
  const urls = Array.isArray(existing) ? existing.map((s) => (isTable(s) ? s.url : s)) : [];
  if (urls.includes(source.url)) return { splices: [], expect: () => undefined };
  const node = doc.scan.nodes.get(pathKey(path));
  if (node?.kind !== 'inline-table') throw new ManifestEditError(`model ${hash} is not written as an inline table; add the source by hand`);
  const sourcesNode = node.children?.find((c) => pathKey(c.path) === pathKey(sourcesPath));
  let splice: TextSplice;
  if (sourcesNode) {
    if (sourcesNode.kind !== 'array') throw new ManifestEditError(`model ${hash}: 'sources' is not an array`);
    const last = sourcesNode.children?.at(-1);
    splice = last
      ? { offset: end(last.valueSpan), length: 0, text: `, ${sourceText(source)}` }
      : { offset: sourcesNode.valueSpan.offset + 1, length: 0, text: sourceText(source) };
  } else {
    const last = node.children?.at(-1);
    splice = last
      ? { offset: end(last.valueSpan), length: 0, text: `, sources = [${sourceText(source)}]` }
      : { offset: node.valueSpan.offset + 1, length: 0, text: ` sources = [${sourceText(source)}] ` };
  }
  return {
    splices: [splice],
    expect: (data) => setPath(data, sourcesPath, [...(Array.isArray(existing) ? existing : []), source.store ? { type: source.type, url: source.url, store: source.store } : { type: source.type, url: source.url }]),
  };
}

/** Replace the string values of the fields the entry has; a field it lacks is not added (minimal edit). */
function setModelPath(doc: Doc, hash: string, filename: string, relativePath: string): Step {
  const why = unsafeName(filename) || unsafeRelativePath(relativePath);
  if (why) throw new ManifestEditError(`refusing to write the new path of model ${hash}: ${why}`);
  const table = TABLES.find((t) => getPath(doc.data, [...modelTablePath(t), hash]) !== undefined);
  if (!table) throw new ManifestEditError(`model ${hash} is not in the manifest`);
  const path = [...modelTablePath(table), hash];
  const splices: TextSplice[] = [];
  const changed: [string, string][] = [];
  for (const [field, value] of [['filename', filename], ['relative_path', relativePath]] as const) {
    if (getPath(doc.data, [...path, field]) === undefined) continue;
    const node = doc.scan.nodes.get(pathKey([...path, field]));
    if (node?.kind !== 'string') throw new ManifestEditError(`model ${hash}: '${field}' is written in a layout this editor does not change; edit it by hand`);
    splices.push({ ...node.valueSpan, text: tomlString(value) });
    changed.push([field, value]);
  }
  return { splices, expect: (data) => changed.forEach(([field, value]) => setPath(data, [...path, field], value)) };
}

/** The text being edited with its positions and data. */
class Doc {
  readonly eol: string;

  constructor(readonly text: string, readonly scan: TomlScan, readonly data: Table) {
    this.eol = lineBreakOf(text);
  }

  private header(path: Path) {
    const key = pathKey(path);
    return this.scan.headers.find((h) => !h.array && pathKey(h.path) === key);
  }

  /** Set `path` (a table entry) to a new value: replace it in place, or insert its line into its table. */
  putEntry(path: Path, line: string, value: string, quoted: ReadonlySet<number>): TextSplice[] {
    const node = this.scan.nodes.get(pathKey(path));
    if (node?.lineSpan) return [{ ...node.valueSpan, text: value }];
    const dotted = path.join('.');
    if (getPath(this.data, path) !== undefined) throw new ManifestEditError(`${dotted} is written in a layout this editor does not change; edit it by hand`);
    const tablePath = path.slice(0, -1);
    const header = this.header(tablePath);
    if (header) {
      const at = this.contentEnd(header);
      const lead = at > 0 && this.text[at - 1] !== '\n' ? this.eol : '';
      return [{ offset: at, length: 0, text: lead + line + this.eol }];
    }
    if (getPath(this.data, tablePath) !== undefined) {
      throw new ManifestEditError(`[${tablePath.join('.')}] is written inline or with dotted keys; edit it by hand`);
    }
    return [this.createTables([{ path: tablePath, lines: [line] }], quoted)];
  }

  /**
   * Where a table's content ends: after its last entry; for a table with no entries, after the comment
   * lines that directly follow its header (they describe it), not after comments that lead to the next.
   */
  private contentEnd(header: TomlHeader): number {
    const last = header.entries.at(-1);
    if (last?.lineSpan) return end(last.lineSpan);
    for (let at = end(header.lineSpan); ; ) {
      const lf = this.text.indexOf('\n', at);
      const lineEnd = lf < 0 ? this.text.length : lf + 1;
      if (at >= header.end || !this.text.slice(at, lineEnd).trimStart().startsWith('#')) return at;
      at = lineEnd;
    }
  }

  /** New tables (in order), placed after the table sharing the longest tool.comfydock prefix. */
  createTables(tables: readonly { path: Path; lines: readonly string[] }[], quoted: ReadonlySet<number>): TextSplice {
    const target = tables[0].path;
    let at = this.text.length;
    let best = ROOT.length - 1;
    for (const h of this.scan.headers) {
      let common = 0;
      while (common < h.path.length && common < target.length && h.path[common] === target[common]) common++;
      if (common >= ROOT.length && common >= best) {
        best = common;
        at = this.contentEnd(h);
      }
    }
    const eol = this.eol;
    const lead = (at > 0 && this.text[at - 1] !== '\n' ? eol : '') + (at > 0 ? eol : '');
    const body = tables.map((t) => `[${headerPath(t.path, quoted)}]${eol}${t.lines.map((l) => l + eol).join('')}`).join(eol);
    return { offset: at, length: 0, text: lead + body };
  }

  /**
   * The table and its ancestors that exist only because of it (no header or key of their own): they
   * disappear from the data with its header when empty.
   */
  private implicitAncestors(path: Path): Path[] {
    const out: Path[] = [path];
    for (let n = path.length - 1; n > 0; n--) {
      const ancestor = path.slice(0, n);
      const key = pathKey(ancestor);
      if (this.scan.nodes.has(key) || this.scan.headers.some((h) => pathKey(h.path) === key)) break;
      out.push(ancestor);
    }
    return out;
  }

  /** Remove a table entry's line(s); and its table header when the table would be empty and plain. */
  removeEntry(path: Path): Step {
    const node = this.scan.nodes.get(pathKey(path));
    if (!node?.lineSpan) throw new ManifestEditError(`${path.join('.')} is written in a layout this editor does not change; remove it by hand`);
    const lineSpan = node.lineSpan;
    const header = this.scan.headers.find((h) => h.entries.includes(node));
    let splice: TextSplice = { ...lineSpan, text: '' };
    let pruned: Path[] = [];
    if (header && !header.array && header.entries.length === 1 && node.path.length === header.path.length + 1) {
      // Plain means: no comment on the header line, nothing between it and the entry, and no comment
      // line right below the entry (comments after a blank line lead to the next table and stay).
      const afterKey = this.text.slice(end(header.keySpan), end(header.lineSpan)).trim();
      const before = this.text.slice(end(header.lineSpan), lineSpan.offset);
      const after = this.text.slice(end(lineSpan), header.end);
      if (afterKey === ']' && !before.trim() && /^[ \t]*(\r?\n|$)/.test(after)) {
        let start = header.lineSpan.offset;
        const previousLine = this.text.lastIndexOf('\n', start - 2) + 1;
        if (start > 0 && !this.text.slice(previousLine, start).trim()) start = previousLine;
        splice = { offset: start, length: end(lineSpan) - start, text: '' };
        pruned = this.implicitAncestors(header.path);
      }
    }
    return { splices: [splice], expect: (data) => deletePath(data, path, pruned) };
  }
}
