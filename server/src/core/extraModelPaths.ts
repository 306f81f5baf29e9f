// Reader for ComfyUI's extra_model_paths.yaml (reference/comfyui-formats.md §1.2, utils/extra_config.py):
// sections of `category: path(s)`, optional base_path (~ and $VARS expanded, relative to the yaml's
// folder) and is_default. Pure: text in, folder entries and error messages out; never throws.
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { canonicalCategory } from './categories';

export interface ExtraPathEntry {
  /** Canonical category (legacy `clip`/`unet` folded); unknown keys are custom categories. */
  category: string;
  /** Absolute, normalised folder that holds this category's files directly. */
  path: string;
  /** `is_default: true`: ComfyUI puts the folder in front of the category's list. */
  isDefault: boolean;
  /** `<yaml>#<section>` for messages. */
  origin: string;
}

export interface PathEnvironment {
  env: Record<string, string | undefined>;
  home: string;
}

/** Python's os.path.expanduser + expandvars: `~`/`~/…`, `$NAME` and `${NAME}` (unknown names are kept). */
export function expandPath(p: string, { env, home }: PathEnvironment): string {
  const tilde = p === '~' || p.startsWith('~/') || p.startsWith('~\\') ? home + p.slice(1) : p;
  return tilde.replace(/\$(\w+|\{[^}]*\})/g, (m, name: string) => env[name.replace(/^\{|\}$/g, '')] ?? m);
}

export function parseExtraModelPaths(text: string, yamlPath: string, pathEnv: PathEnvironment): { entries: ExtraPathEntry[]; errors: string[] } {
  const entries: ExtraPathEntry[] = [];
  const errors: string[] = [];
  const yamlDir = resolve(yamlPath, '..');
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return { entries, errors: [`${yamlPath}: not valid YAML (${err instanceof Error ? err.message.split('\n')[0] : err})`] };
  }
  if (doc == null) return { entries, errors };
  if (typeof doc !== 'object' || Array.isArray(doc)) return { entries, errors: [`${yamlPath}: expected a mapping of sections at the top level`] };

  for (const [section, conf] of Object.entries(doc as Record<string, unknown>)) {
    if (conf == null) continue; // an empty section is skipped, as ComfyUI does
    const origin = `${yamlPath}#${section}`;
    if (typeof conf !== 'object' || Array.isArray(conf)) {
      errors.push(`${origin}: expected a mapping of category: path`);
      continue;
    }
    const { base_path: rawBase, is_default: isDefault, ...categories } = conf as Record<string, unknown>;
    let base: string | undefined;
    if (typeof rawBase === 'string' && rawBase.trim() !== '') {
      const expanded = expandPath(rawBase.trim(), pathEnv);
      base = isAbsolute(expanded) ? expanded : join(yamlDir, expanded);
    } else if (rawBase != null) errors.push(`${origin}: base_path must be a string`);

    for (const [key, value] of Object.entries(categories)) {
      if (typeof value !== 'string') {
        errors.push(`${origin}: '${key}' must be a path string (one path per line for several; YAML lists are not supported by ComfyUI)`);
        continue;
      }
      for (const line of value.split('\n').map((l) => l.trim()).filter(Boolean)) {
        // Python's os.path.join: an absolute line ignores the base.
        entries.push({ category: canonicalCategory(key), path: resolve(base ?? yamlDir, line), isDefault: isDefault === true, origin });
      }
    }
  }
  return { entries, errors };
}
