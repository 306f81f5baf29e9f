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
// It reads the file's bytes, a region of whole lines at a time (QuickScan), and never decodes the whole
// file: a big manifest is read through a small buffer (file.ts). Every character it looks for is ASCII,
// and no byte of a multi-byte UTF-8 character is ASCII, so a byte search finds what a text search would;
// a line break is never inside a character, so a region ends where a line does.
import type { Span } from '../text';
import { checkModel, modelData, sameData, type ManifestEdit } from './edit';
import { parseToml } from './read';
import { modelValueText, tomlString, type ModelEntryInput } from './tomlText';
import type { ModelTable } from './types';

export const QUICK_EDIT_FROM = 1024 * 1024;

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const LF = 0x0a;
const CR = 0x0d;
/** Bytes String.prototype.trim removes that are ASCII: tab, LF, VT, FF, CR, space. */
const isAsciiBlank = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/**
 * What the quick path learns of a file fed to it region by region (each region whole lines, in order,
 * the last one ending where the file does): the header lines, and the last entry line of the table.
 */
export class QuickScan {
  private readonly canonical: RegExp;
  private found = false;
  private inTable = false;
  private out = false;
  private eol: '\n' | '\r\n' | undefined;
  /** The table's last line that is neither blank nor a comment: its span, and whether a line break ends it. */
  private last: { span: Span; broken: boolean } | undefined;

  constructor(
    private readonly table: ModelTable,
    private readonly model: ModelEntryInput,
  ) {
    this.canonical = new RegExp(`^\\[tool\\.comfydock\\.models\\.${table}\\][ \\t]*(#.*)?\\r?$`);
  }

  /** Read a region starting at byte `offset` of the file; false once the quick path is out (read no further). */
  feed(region: Buffer, offset: number): boolean {
    if (this.out) return false;
    if (region.includes('"""') || region.includes("'''") || region.includes('\\') || region.includes(this.model.hash)) return this.giveUp();
    if (this.eol === undefined) {
      const lf = region.indexOf(LF);
      // The byte before the file's first line break is in this region: a region ends after a line break.
      if (lf >= 0) this.eol = lf > 0 && region[lf - 1] === CR ? '\r\n' : '\n';
    }
    for (let start = 0; start < region.length; ) {
      let at = start;
      while (region[at] === 0x20 || region[at] === 0x09) at++;
      const lf = region.indexOf(LF, at);
      const end = lf < 0 ? region.length : lf + 1;
      if (region[at] === 0x5b /* [ */) {
        if (!this.header(region.toString('utf8', at, lf < 0 ? region.length : lf))) return this.giveUp();
      } else if (this.inTable && isEntryLine(region, at, end)) {
        this.last = { span: { offset: offset + start, length: end - start }, broken: lf >= 0 };
      }
      start = end;
    }
    return true;
  }

  /** Where the new line goes (after the table's last entry), and that entry's line; undefined: the full editor. */
  place(): { offset: number; previous: Span } | undefined {
    if (this.out || !this.last) return undefined; // no entry yet: the full editor places the first one
    const { span } = this.last;
    return { offset: span.offset + span.length, previous: span };
  }

  /**
   * The text to insert after `previous` (the table's last entry line as read), or undefined when the
   * check fails. The entry above and the new line, under the table's header, must hold exactly two
   * entries, the new one as intended; a line that only continues something above (an array) does not
   * parse alone.
   */
  insertion(previous: string): string | undefined {
    const { table, model } = this;
    const eol = this.eol ?? '\n';
    const lead = this.last?.broken ? '' : eol;
    const line = `${tomlString(model.hash)} = ${modelValueText(model)}${eol}`;
    const { data } = parseToml(`[tool.comfydock.models.${table}]\n${previous}${lead}${line}`);
    const written = ['tool', 'comfydock', 'models', table].reduce<unknown>((v, key) => (isTable(v) ? v[key] : undefined), data);
    if (!isTable(written) || Object.keys(written).length !== 2 || !sameData(written[model.hash], modelData(model))) return undefined;
    return lead + line;
  }

  /** A header line (a candidate: a line whose first byte other than space or tab is `[`); false: give up. */
  private header(line: string): boolean {
    if (line.startsWith('[[')) return false; // arrays of tables: comfygit / legacy layouts
    const plain = line.replace(/["'\s]/g, '');
    if (plain.startsWith('[tool.comfygit') || plain.startsWith('[tool.comfydock.models]')) return false;
    this.inTable = false; // the table ends where the next header line starts
    if (!plain.startsWith(`[tool.comfydock.models.${this.table}]`)) return true;
    if (this.found || !this.canonical.test(line)) return false; // twice, or written another way
    this.found = this.inTable = true;
    return true;
  }

  private giveUp(): false {
    this.out = true;
    return false;
  }
}

/** Whether the line [at, end) (after its leading spaces) is neither blank nor a comment, as trim() sees it. */
function isEntryLine(region: Buffer, at: number, end: number): boolean {
  while (at < end && isAsciiBlank(region[at])) at++;
  if (at === end) return false;
  if (region[at] < 0x80) return region[at] !== 0x23 /* # */;
  const content = region.toString('utf8', at, end).trim(); // Unicode white space counts as blank too
  return content !== '' && !content.startsWith('#');
}

/** The quick path's scan for these edits of a file of `size` bytes; undefined when it does not apply. */
export function quickScan(size: number, edits: readonly ManifestEdit[]): QuickScan | undefined {
  const [edit] = edits;
  if (size < QUICK_EDIT_FROM || edits.length !== 1 || edit.kind !== 'add-model') return undefined;
  checkModel(edit.model); // unsafe input is refused here as in the full editor
  return new QuickScan(edit.table, edit.model);
}
