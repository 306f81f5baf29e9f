// Model roots (DESIGN.md §2): ComfyUI-style folders (category = first path segment) from the settings /
// --models-dir and `<comfyuiPath>/models`, plus single-category folders from extra_model_paths.yaml.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { categoryFolders } from './categories';
import { parseExtraModelPaths, type PathEnvironment } from './extraModelPaths';
import { huggingFaceCacheRoot } from './hfCache';

export interface ModelRoot {
  /** Absolute folder. */
  path: string;
  /**
   * null: laid out like ComfyUI's `models/` (a file's category is its first path segment).
   * A category: the folder holds that category's files directly (an extra_model_paths.yaml entry).
   */
  category: string | null;
  /** Where the root came from, for messages and the status view. */
  origin: string;
}

export interface RootSources {
  modelDirectories: readonly string[];
  comfyuiPath?: string;
  extraModelPathsFiles?: readonly string[];
  /** The Hugging Face cache folder (hfCache.ts huggingFaceCacheDir), indexed read-only after every other root. */
  huggingFaceCache?: string;
}

/** Identity of a root in the index: the same folder may serve as two different kinds of root. */
export function rootKey(root: Pick<ModelRoot, 'path' | 'category'>): string {
  return root.category === null ? root.path : `${root.path}\u0000${root.category}`;
}

/** The rootKey of the root a stored location lives under. */
export function locationRootKey(location: { root: string; rootCategory: string | null }): string {
  return rootKey({ path: location.root, category: location.rootCategory });
}

/** Whether a stored location lives under one of `roots`: the one filter a window's or a command's scope uses. */
export function rootFilter(roots: readonly Pick<ModelRoot, 'path' | 'category'>[]): (location: { root: string; rootCategory: string | null }) => boolean {
  const keys = new Set(roots.map(rootKey));
  return (location) => keys.has(locationRootKey(location));
}

/**
 * Every root, in search order, with readable messages for what could not be used. A yaml entry with
 * `is_default` goes in front (each one inserted at the front, as ComfyUI does); a yaml entry that is just
 * a category folder of a ComfyUI-style root already listed is dropped, so no file is indexed twice.
 */
export function resolveRoots(sources: RootSources, pathEnv: PathEnvironment, readText: (p: string) => string = (p) => readFileSync(p, 'utf8')): { roots: ModelRoot[]; warnings: string[] } {
  const warnings: string[] = [];
  const roots: ModelRoot[] = sources.modelDirectories.map((d) => ({ path: resolve(d), category: null, origin: 'modelDirectories' }));
  // The yaml next to ComfyUI is optional; a file the user named is worth a warning when missing.
  const yamlFiles = (sources.extraModelPathsFiles ?? []).map((f) => ({ file: resolve(f), optional: false }));
  if (sources.comfyuiPath) {
    const comfy = resolve(sources.comfyuiPath);
    roots.push({ path: join(comfy, 'models'), category: null, origin: 'comfyuiPath' });
    yamlFiles.unshift({ file: join(comfy, 'extra_model_paths.yaml'), optional: true });
  }
  for (const { file, optional } of yamlFiles) {
    let text: string;
    try {
      text = readText(file);
    } catch (err) {
      if (!(optional && (err as NodeJS.ErrnoException).code === 'ENOENT')) warnings.push(`${file}: cannot read (${(err as Error).message})`);
      continue;
    }
    const { entries, errors } = parseExtraModelPaths(text, file, pathEnv);
    warnings.push(...errors);
    for (const e of entries) {
      const root = { path: e.path, category: e.category, origin: e.origin };
      if (e.isDefault) roots.unshift(root);
      else roots.push(root);
    }
  }
  if (sources.huggingFaceCache) roots.push(huggingFaceCacheRoot(resolve(sources.huggingFaceCache)));
  return { roots: dedupe(roots), warnings };
}

function dedupe(roots: ModelRoot[]): ModelRoot[] {
  const seen = new Set<string>();
  const comfyStyle = roots.filter((r) => r.category === null).map((r) => r.path);
  return roots.filter((r) => {
    const key = rootKey(r);
    if (seen.has(key)) return false;
    seen.add(key);
    if (r.category === null) return true;
    const cat = r.category;
    return !comfyStyle.some((base) => categoryFolders(cat).some((f) => join(base, f) === r.path));
  });
}
