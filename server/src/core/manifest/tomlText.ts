// Writing small pieces of TOML: keys, strings and the one-line entries of our manifest schema (DESIGN.md §7).
import type { ManifestNodeRef, ManifestSource } from './types';

/** What `add-model` writes for one model. */
export interface ModelEntryInput {
  hash: string;
  filename: string;
  category: string;
  relativePath: string;
  size: number;
  blake3?: string;
  sha256?: string;
  sources: readonly ManifestSource[];
}

/** The line break the file already uses (CRLF when its first line break is one). */
export function lineBreakOf(text: string): '\n' | '\r\n' {
  const lf = text.indexOf('\n');
  return lf > 0 && text[lf - 1] === '\r' ? '\r\n' : '\n';
}

/** A basic string: quotes, backslashes and control characters escaped; everything else (unicode) as is. */
export function tomlString(value: string): string {
  const escaped = value.replace(/["\\\p{Cc}]/gu, (c) => {
    if (c === '"' || c === '\\') return `\\${c}`;
    const short: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };
    return short[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
  return `"${escaped}"`;
}

const BARE = /^[A-Za-z0-9_-]+$/;

/** A header path: fixed schema keys bare, user data (hashes, workflow keys) always quoted like the seeds. */
export function headerPath(segments: readonly string[], quoted: ReadonlySet<number>): string {
  return segments.map((s, i) => (BARE.test(s) && !quoted.has(i) ? s : tomlString(s))).join('.');
}

function inlineTable(fields: readonly [string, string | undefined][]): string {
  const parts = fields.filter(([, v]) => v !== undefined).map(([k, v]) => `${k} = ${v}`);
  return parts.length ? `{ ${parts.join(', ')} }` : '{}';
}

export function sourceText(source: ManifestSource): string {
  return inlineTable([['type', tomlString(source.type)], ['url', tomlString(source.url)], ['store', source.store === undefined ? undefined : tomlString(source.store)]]);
}

export function modelValueText(model: ModelEntryInput): string {
  return inlineTable([
    ['filename', tomlString(model.filename)],
    ['category', tomlString(model.category)],
    ['relative_path', tomlString(model.relativePath)],
    ['size', String(model.size)],
    ['blake3', model.blake3 && tomlString(model.blake3)],
    ['sha256', model.sha256 && tomlString(model.sha256)],
    ['sources', `[${model.sources.map(sourceText).join(', ')}]`],
  ]);
}

export function nodeRefText(node: ManifestNodeRef): string {
  return inlineTable([
    ['node_id', tomlString(node.nodeId)],
    ['widget_idx', node.widgetIndex === undefined ? undefined : String(node.widgetIndex)],
    ['input_name', node.inputName === undefined ? undefined : tomlString(node.inputName)],
  ]);
}

export function mappingValueText(hash: string, nodes: readonly ManifestNodeRef[]): string {
  return inlineTable([['hash', tomlString(hash)], ['nodes', `[${nodes.map(nodeRefText).join(', ')}]`]]);
}
