// A big pyproject.toml (1 MB and more: tens of thousands of entries) edited without parsing all of it.
// Parsing and scanning 20 MB of TOML takes seconds; adding a model the file does not mention yet only
// needs the end of its table. So `add-model` alone, of a hash that appears nowhere in the text, into a
// table whose header is written plainly once, is one line inserted after the table's last entry. The
// inserted line is checked the way editManifest checks a whole file, on the table it changes: the
// header, the entry above and the new line are parsed together and must hold exactly that entry and
// the new one; every other byte of the file is untouched. Anything else (multi-line strings, escapes,
// arrays of tables, a table written another way, other edits) returns undefined: the full editor.
// Unlike the full editor, this does not re-check the rest of the file (a problem elsewhere stays as it is).
import type { TextSplice } from '../text';
import { checkModel, modelData, sameData, type ManifestEdit } from './edit';
import { parseToml } from './read';
import { lineBreakOf, modelValueText, tomlString } from './tomlText';

export const QUICK_EDIT_FROM = 1024 * 1024;

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Header lines, candidates only (a line starting with `[`): checked below before one is trusted. */
const HEADER_LINE = /^[ \t]*\[[^\n]*/gm;

export function quickEdit(text: string, edits: readonly ManifestEdit[]): TextSplice[] | undefined {
  const [edit] = edits;
  if (text.length < QUICK_EDIT_FROM || edits.length !== 1 || edit.kind !== 'add-model') return undefined;
  const { table, model } = edit;
  checkModel(model); // unsafe input is refused here as in the full editor
  if (text.includes('"""') || text.includes("'''") || text.includes('\\') || text.includes(model.hash)) return undefined;

  const headers = [...text.matchAll(HEADER_LINE)];
  const canonical = new RegExp(`^\\[tool\\.comfydock\\.models\\.${table}\\][ \\t]*(#.*)?\\r?$`);
  let at = -1;
  for (const h of headers) {
    const line = h[0].trimStart();
    if (line.startsWith('[[')) return undefined; // arrays of tables: comfygit / legacy layouts
    const plain = line.replace(/["'\s]/g, '');
    if (plain.startsWith('[tool.comfygit') || plain.startsWith('[tool.comfydock.models]')) return undefined;
    if (!plain.startsWith(`[tool.comfydock.models.${table}]`)) continue;
    if (at >= 0 || !canonical.test(line)) return undefined; // twice, or written another way
    at = headers.indexOf(h);
  }
  if (at < 0) return undefined;

  // The table's content ends after its last line that is neither blank nor a comment.
  const bodyStart = text.indexOf('\n', headers[at].index!) + 1;
  if (bodyStart === 0) return undefined;
  let end = at + 1 < headers.length ? headers[at + 1].index! : text.length;
  let previous = '';
  while (end > bodyStart) {
    const lineStart = text.lastIndexOf('\n', end - 2) + 1;
    const line = text.slice(Math.max(lineStart, bodyStart), end).trim();
    if (line && !line.startsWith('#')) {
      previous = text.slice(Math.max(lineStart, bodyStart), end);
      break;
    }
    end = Math.max(lineStart, bodyStart);
  }
  if (!previous) return undefined; // no entry yet: the full editor places the first one

  const eol = lineBreakOf(text);
  const lead = text[end - 1] !== '\n' ? eol : '';
  const line = `${tomlString(model.hash)} = ${modelValueText(model)}${eol}`;
  // The check: the entry above and the new line, under the table's header, hold exactly two entries, the
  // new one as intended. A line that only continues something above (an array) does not parse alone.
  const { data } = parseToml(`[tool.comfydock.models.${table}]\n${previous}${lead}${line}`);
  const written = ['tool', 'comfydock', 'models', table].reduce<unknown>((v, key) => (isTable(v) ? v[key] : undefined), data);
  if (!isTable(written) || Object.keys(written).length !== 2 || !sameData(written[model.hash], modelData(model))) return undefined;
  return [{ offset: end, length: 0, text: lead + line }];
}
