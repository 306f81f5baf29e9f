// A big pyproject.toml (1 MB and more: tens of thousands of entries) edited without parsing all of it.
// Parsing and scanning 20 MB of TOML takes seconds; adding a model the file does not mention yet only
// needs the end of its table. So `add-model` alone, of a hash that appears nowhere in the text, into a
// table whose header is written plainly once, is one line inserted after the table's last entry. The
// inserted line is checked the way editManifest checks a whole file, on the table it changes: the
// header, the entry above and the new line are parsed together and must hold exactly that entry and
// the new one; every other byte of the file is untouched. Anything else (multi-line strings, escapes,
// arrays of tables, a table written another way, other edits) returns undefined: the full editor.
// Unlike the full editor, this does not re-check the rest of the file (a problem elsewhere stays as it is).
//
// It reads the file's bytes (valid UTF-8, checked by the caller) and never decodes the whole file: a
// 30 MB string costs more than everything else here. Every character it looks for is ASCII, and no byte
// of a multi-byte UTF-8 character is ASCII, so a byte search finds exactly what a text search would.
import { checkModel, modelData, sameData, type ManifestEdit } from './edit';
import { parseToml } from './read';
import { modelValueText, tomlString } from './tomlText';

export const QUICK_EDIT_FROM = 1024 * 1024;

/** Text inserted at a byte offset of the file. */
export interface ByteInsertion {
  offset: number;
  text: string;
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const LF = 0x0a;
const CR = 0x0d;

/** Header lines, candidates only (a line whose first byte other than space or tab is `[`): checked below. */
function headerLines(bytes: Buffer): { start: number; line: string }[] {
  const headers: { start: number; line: string }[] = [];
  for (let start = 0; start < bytes.length;) {
    let at = start;
    while (bytes[at] === 0x20 || bytes[at] === 0x09) at++;
    const lf = bytes.indexOf(LF, at);
    const end = lf < 0 ? bytes.length : lf;
    if (bytes[at] === 0x5b) headers.push({ start, line: bytes.toString('utf8', at, end) });
    start = end + 1;
  }
  return headers;
}

export function quickEdit(bytes: Buffer, edits: readonly ManifestEdit[]): ByteInsertion | undefined {
  const [edit] = edits;
  if (bytes.length < QUICK_EDIT_FROM || edits.length !== 1 || edit.kind !== 'add-model') return undefined;
  const { table, model } = edit;
  checkModel(model); // unsafe input is refused here as in the full editor
  if (bytes.includes('"""') || bytes.includes("'''") || bytes.includes('\\') || bytes.includes(model.hash)) return undefined;

  const headers = headerLines(bytes);
  const canonical = new RegExp(`^\\[tool\\.comfydock\\.models\\.${table}\\][ \\t]*(#.*)?\\r?$`);
  let at = -1;
  for (const [i, { line }] of headers.entries()) {
    if (line.startsWith('[[')) return undefined; // arrays of tables: comfygit / legacy layouts
    const plain = line.replace(/["'\s]/g, '');
    if (plain.startsWith('[tool.comfygit') || plain.startsWith('[tool.comfydock.models]')) return undefined;
    if (!plain.startsWith(`[tool.comfydock.models.${table}]`)) continue;
    if (at >= 0 || !canonical.test(line)) return undefined; // twice, or written another way
    at = i;
  }
  if (at < 0) return undefined;

  // The table's content ends after its last line that is neither blank nor a comment.
  const bodyStart = bytes.indexOf(LF, headers[at].start) + 1;
  if (bodyStart === 0) return undefined;
  let end = at + 1 < headers.length ? headers[at + 1].start : bytes.length;
  let previous = '';
  while (end > bodyStart) {
    const lineStart = Math.max(bytes.lastIndexOf(LF, end - 2) + 1, bodyStart); // end - 2 >= 0: bodyStart > 0
    const line = bytes.toString('utf8', lineStart, end);
    const content = line.trim();
    if (content && !content.startsWith('#')) {
      previous = line;
      break;
    }
    end = lineStart;
  }
  if (!previous) return undefined; // no entry yet: the full editor places the first one

  const firstLf = bytes.indexOf(LF);
  const eol = firstLf > 0 && bytes[firstLf - 1] === CR ? '\r\n' : '\n';
  const lead = bytes[end - 1] !== LF ? eol : '';
  const line = `${tomlString(model.hash)} = ${modelValueText(model)}${eol}`;
  // The check: the entry above and the new line, under the table's header, hold exactly two entries, the
  // new one as intended. A line that only continues something above (an array) does not parse alone.
  const { data } = parseToml(`[tool.comfydock.models.${table}]\n${previous}${lead}${line}`);
  const written = ['tool', 'comfydock', 'models', table].reduce<unknown>((v, key) => (isTable(v) ? v[key] : undefined), data);
  if (!isTable(written) || Object.keys(written).length !== 2 || !sameData(written[model.hash], modelData(model))) return undefined;
  return { offset: end, text: lead + line };
}
