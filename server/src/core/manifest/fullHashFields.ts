// Filling `blake3` / `sha256` into a model entry written as an inline table (export, DESIGN.md §7): each
// missing field is inserted after the entry's `size` (else its last member), an existing one is left as
// is; nothing else of the line changes. The result must parse to exactly the intended data.
import { applySplices, type TextSplice } from '../text';
import { ManifestEditError, sameData } from './edit';
import { parseToml } from './read';
import { pathKey, scanToml } from './tomlScan';
import { tomlString } from './tomlText';
import type { ModelTable } from './types';
import { FULL_HASH } from './validate';

export interface FullHashFields {
  blake3?: string;
  sha256?: string;
}

/** Splices adding the fields the entry lacks; none when it has them all. Throws ManifestEditError. */
export function fullHashSplices(text: string, table: ModelTable, hash: string, fields: FullHashFields): TextSplice[] {
  const path = ['tool', 'comfydock', 'models', table, hash];
  const node = scanToml(text).nodes.get(pathKey(path));
  if (node?.kind !== 'inline-table') throw new ManifestEditError(`model ${hash} is not written as an inline table; add its hashes by hand`);
  const members = node.children ?? [];
  const has = (key: string) => members.some((c) => c.path[c.path.length - 1] === key);
  const added = (['blake3', 'sha256'] as const).filter((k) => fields[k] !== undefined && !has(k));
  if (!added.length) return [];
  for (const k of added) if (!FULL_HASH.test(fields[k]!)) throw new ManifestEditError(`refusing to write ${k} '${fields[k]}': not 64 lowercase hex`);
  const anchor = members.find((c) => c.path[c.path.length - 1] === 'size') ?? members.at(-1);
  const pairs = added.map((k) => `${k} = ${tomlString(fields[k]!)}`);
  const splice: TextSplice = anchor
    ? { offset: anchor.valueSpan.offset + anchor.valueSpan.length, length: 0, text: pairs.map((p) => `, ${p}`).join('') }
    : { offset: node.valueSpan.offset + 1, length: 0, text: ` ${pairs.join(', ')} ` };

  const expected = parseToml(text).data!;
  let entry: Record<string, unknown> = expected;
  for (const key of path) entry = entry[key] as Record<string, unknown>;
  for (const k of added) entry[k] = fields[k];
  const result = parseToml(applySplices(text, [splice])).data;
  if (!result || !sameData(result, expected)) throw new ManifestEditError(`filling the hashes of ${hash} would not give exactly the intended data; nothing was changed`);
  return [splice];
}
