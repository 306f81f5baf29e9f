// Aliases: a name → model table of ours in pyproject.toml, `[tool.comfy-models.aliases]`, one line per
// name as workflows write it: `"styles/old.safetensors" = "<16-hex quick hash>"`. It lives outside
// `tool.comfydock`, so comfygit and ComfyDock leave it alone. Resolution uses it after a workflow's
// own mappings and before the exact name, for every workflow of the environment.
import { QUICK_HASH } from './validate';

export const ALIASES_PATH: readonly string[] = ['tool', 'comfy-models', 'aliases'];

export interface ManifestAlias {
  /** The name as workflows write it. */
  name: string;
  hash: string;
  /** False when the value is not a quick hash: reported and never used. */
  safe: boolean;
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** The aliases of parsed TOML data, with a problem message for each bad one. */
export function readAliases(data: Table, problem: (path: readonly string[], message: string) => void): Map<string, ManifestAlias> {
  const out = new Map<string, ManifestAlias>();
  const tool = isTable(data.tool) ? data.tool : {};
  const section = isTable(tool['comfy-models']) ? tool['comfy-models'] : {};
  const aliases = section.aliases;
  if (aliases === undefined) return out;
  if (!isTable(aliases)) {
    problem(ALIASES_PATH, 'tool.comfy-models.aliases must be a table of name = "<quick hash>"');
    return out;
  }
  for (const [name, value] of Object.entries(aliases)) {
    const hash = typeof value === 'string' ? value.trim().toLowerCase() : '';
    const safe = QUICK_HASH.test(hash) && name.trim() !== '';
    if (!safe) problem([...ALIASES_PATH, name], `alias '${name}' must name a model by its 16-hex quick hash`);
    out.set(name, { name, hash, safe });
  }
  return out;
}

/** The usable aliases as the resolver takes them. */
export function aliasMap(aliases: ReadonlyMap<string, ManifestAlias> | undefined): ReadonlyMap<string, { hash: string }> | undefined {
  if (!aliases?.size) return undefined;
  const out = new Map<string, { hash: string }>();
  for (const a of aliases.values()) if (a.safe) out.set(a.name, { hash: a.hash });
  return out;
}
