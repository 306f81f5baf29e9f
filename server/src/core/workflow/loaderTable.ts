// Which widget of which node type names a model file, and in which category folder it lives.
// The built-in table ships as data (loaders.json); users extend it with `comfyModels.loaders`.
import { canonicalCategory } from '../categories';
import builtin from './loaders.json';

export interface LoaderInput {
  /** Widget name (UI object-shaped values, subgraph promotion) and API input name. */
  input?: string;
  /** Position in UI `widgets_values` (control-after-generate extras counted). */
  index?: number;
  /** Canonical category of the folder the value is relative to. */
  category: string;
  /** Values with a meaning of their own: value → category to resolve in, or null = names no file. */
  special?: Readonly<Record<string, string | null>>;
}

/** Node type → its model inputs. */
export type LoaderTable = ReadonlyMap<string, readonly LoaderInput[]>;

/** The shape of the `comfyModels.loaders` setting (settings.ts LoaderInputSetting). */
export interface UserLoaderInput {
  index?: number;
  input?: string;
  category: string;
}

function canonical(inputs: readonly LoaderInput[]): LoaderInput[] {
  return inputs.map((i) => ({ ...i, category: canonicalCategory(i.category) }));
}

const BUILTIN: LoaderTable = new Map(
  Object.entries(builtin.loaders as Record<string, LoaderInput[]>).map(([type, inputs]) => [type, canonical(inputs)]),
);

/**
 * The built-in table with the user's entries merged in. A node type the user lists replaces the
 * built-in entry for that type, so a wrong index can be corrected, not only new loaders added.
 */
export function buildLoaderTable(user?: Readonly<Record<string, readonly UserLoaderInput[]>>): LoaderTable {
  if (!user || Object.keys(user).length === 0) return BUILTIN;
  const table = new Map(BUILTIN);
  for (const [type, inputs] of Object.entries(user)) {
    const valid = inputs.filter((i) => typeof i.category === 'string' && i.category !== '' && (Number.isInteger(i.index) || typeof i.input === 'string'));
    if (valid.length) table.set(type, canonical(valid.map((i) => ({ input: i.input, index: i.index, category: i.category }))));
  }
  return table;
}

export const DEFAULT_LOADER_TABLE: LoaderTable = BUILTIN;
