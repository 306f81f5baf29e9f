// Linking a ComfyUI install to the indexed roots: our own block of sections in its
// `extra_model_paths.yaml` (reference/comfyui-formats.md §1.2), between marker comments, so updating or
// removing it touches no other byte — other sections, comments, order and line breaks (CRLF) stay.
//
// Layout, read by ComfyUI's rules back to exactly the indexed folders:
//   comfy_models:            one section per ComfyUI-style root: base_path + every category key mapped to
//     base_path: "/root"     its folder name(s) under the root (aliases on further lines: "text_encoders\nclip")
//     checkpoints: "checkpoints"
//   comfy_models_folders:    the single-category roots, absolute paths (several per key on further lines)
//     vae: "/somewhere/vae"
// Values are YAML double-quoted strings (JSON escapes), so any path — Windows backslashes included — survives.
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { categoryFolders, CATEGORY_ALIASES, STANDARD_CATEGORIES } from '../categories';
import { lineBreakOf } from '../manifest/tomlText';
import type { ModelRoot } from '../roots';

export const LINK_BEGIN = '# >>> comfy-models: managed block (remove it with `comfy-models unlink`; edits inside are replaced)';
export const LINK_END = '# <<< comfy-models';
/** On the begin line when linking added a line break to a file that ended without one (unlink removes it). */
const ADDED_BREAK = ' (line break added above)';
const SECTION = 'comfy_models';

export class LinkError extends Error {}

type Data = Record<string, unknown>;

/** Where our block sits: from its first line's start to after its last line (its line break included). */
function findBlock(text: string): { start: number; end: number; addedBreak: boolean } | undefined {
  const begin = text.search(/^# >>> comfy-models\b/m);
  if (begin < 0) return undefined;
  const beginEnd = text.indexOf('\n', begin);
  const endMarker = text.indexOf(LINK_END, begin);
  if (endMarker < 0) throw new LinkError(`the comfy-models block has no end line (${LINK_END}); fix the file by hand`);
  const lf = text.indexOf('\n', endMarker);
  return { start: begin, end: lf < 0 ? text.length : lf + 1, addedBreak: text.slice(begin, beginEnd).trimEnd().endsWith(ADDED_BREAK) };
}

function parseYaml(text: string, what: string): Data {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new LinkError(`${what} is not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : err}); nothing was changed`);
  }
  if (doc == null) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new LinkError(`${what} is not a mapping of sections; nothing was changed`);
  return doc as Data;
}

/** Categories written for a ComfyUI-style root: ComfyUI's standard ones plus the custom folders it holds. */
function categoriesOf(root: string, listDir: (p: string) => string[]): string[] {
  const custom = listDir(root).filter((name) => !name.startsWith('.') && !STANDARD_CATEGORIES.includes(name.toLowerCase()) && !(name.toLowerCase() in CATEGORY_ALIASES));
  return [...STANDARD_CATEGORIES, ...custom.sort()];
}

const quoted = (s: string) => JSON.stringify(s);

/** The sections (name → category → paths joined by newlines) for the roots; ComfyUI's own models/ is left out. */
export function linkSections(roots: readonly ModelRoot[], comfyuiDir: string, taken: ReadonlySet<string>, listDir: (p: string) => string[] = safeListDir): [string, Data][] {
  const own = join(resolve(comfyuiDir), 'models');
  const names = (function* () {
    for (let i = 1; ; i++) {
      const name = i === 1 ? SECTION : `${SECTION}_${i}`;
      if (!taken.has(name) && name !== `${SECTION}_folders`) yield name;
    }
  })();
  const sections: [string, Data][] = [];
  for (const root of roots.filter((r) => r.category === null && resolve(r.path) !== own)) {
    const section: Data = { base_path: root.path };
    for (const category of categoriesOf(root.path, listDir)) section[category] = categoryFolders(category).join('\n');
    sections.push([names.next().value!, section]);
  }
  const folders: Data = {};
  for (const root of roots.filter((r) => r.category !== null)) {
    folders[root.category!] = folders[root.category!] ? `${folders[root.category!]}\n${root.path}` : root.path;
  }
  if (Object.keys(folders).length) {
    let name = `${SECTION}_folders`;
    for (let i = 2; taken.has(name); i++) name = `${SECTION}_folders_${i}`;
    sections.push([name, folders]);
  }
  return sections;
}

function safeListDir(p: string): string[] {
  try {
    return readdirSync(p, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

function blockText(sections: readonly [string, Data][], eol: string, addedBreak: boolean): string {
  const lines = [LINK_BEGIN + (addedBreak ? ADDED_BREAK : '')];
  for (const [name, section] of sections) {
    lines.push(`${name}:`);
    for (const [key, value] of Object.entries(section)) lines.push(`  ${key}: ${quoted(String(value))}`);
  }
  lines.push(LINK_END);
  return lines.join(eol) + eol;
}

/** The data without our block (its sections), or throws when the rest is not valid YAML. */
function othersOf(text: string): Data {
  const block = findBlock(text);
  return parseYaml(block ? text.slice(0, block.start) + text.slice(block.end) : text, 'extra_model_paths.yaml');
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The new text with our block for `roots` added or replaced (text '' = the file does not exist). */
export function linkText(text: string, roots: readonly ModelRoot[], comfyuiDir: string, listDir?: (p: string) => string[]): string {
  const others = othersOf(text);
  const sections = linkSections(roots, comfyuiDir, new Set(Object.keys(others)), listDir);
  if (!sections.length) throw new LinkError('no model folder to link (the only root is this ComfyUI\'s own models folder, or none is configured)');
  const eol = lineBreakOf(text);
  const found = findBlock(text);
  const addBreak = found ? found.addedBreak : text !== '' && !text.endsWith('\n');
  const block = blockText(sections, eol, addBreak);
  const result = found ? text.slice(0, found.start) + block + text.slice(found.end) : text + (addBreak ? eol : '') + block;
  // The result must hold exactly the other sections as they were plus ours.
  const data = parseYaml(result, 'the linked extra_model_paths.yaml');
  const expected: Data = { ...others, ...Object.fromEntries(sections) };
  const keys = Object.keys(expected).sort();
  if (!sameJson(keys, Object.keys(data).sort()) || !keys.every((k) => sameJson(data[k], expected[k]))) {
    throw new LinkError('adding the comfy-models sections would change other parts of extra_model_paths.yaml (unusual layout?); nothing was changed');
  }
  return result;
}

/** The text without our block (and the line break linking added); undefined when there is none. */
export function unlinkText(text: string): string | undefined {
  const found = findBlock(text);
  if (!found) return undefined;
  const before = text.slice(0, found.start);
  const kept = found.addedBreak ? before.replace(/\r?\n$/, '') : before;
  return kept + text.slice(found.end);
}
