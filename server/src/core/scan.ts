// Walks model roots and lists the model files in them with size and mtime (DESIGN.md §2). No hashing
// here: sync.ts decides what needs hashing. Symlinks are followed (realpaths of folders are tracked,
// so a loop is walked once); anything unreadable or vanishing mid-walk becomes a warning.
import type { Dirent } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { canonicalCategory, hasModelExtension } from './categories';
import { HF_CACHE_ROOT, parseHfCachePath } from './hfCache';
import type { ModelRoot } from './roots';
import type { ModelLocation } from './types';

/** A model file found on disk: where a location would be, before its content is hashed. */
export interface ScannedFile extends Pick<ModelLocation, 'relativePath' | 'name' | 'filename' | 'category' | 'size' | 'mtimeMs'> {
  root: ModelRoot;
  absPath: string;
}

export interface ScanResult {
  files: ScannedFile[];
  warnings: string[];
  /** Roots whose folder could not be listed at all (missing, not a folder, unreadable). */
  unreachableRoots: ModelRoot[];
  /** Folders under a root that could not be listed: what is indexed under them is unknown, not gone. */
  skippedFolders: { root: ModelRoot; relativePath: string }[];
}

/**
 * Category and name of a path under a root, or null when it is not a model file. Model extensions only
 * (so sidecars, images, `*.part` downloads and notes are never listed), plus `.yaml` under `configs`.
 * In `diffusers/` the files inside each model folder are listed one by one (a folder is not hashed as a
 * unit); their name is the path under `diffusers/`.
 */
export function classify(root: Pick<ModelRoot, 'category'>, relativePath: string): { category: string | null; name: string } | null {
  if (root.category === HF_CACHE_ROOT) {
    // Only snapshot files (never blobs/ or refs/); the category comes from the file's header at sync.
    const at = parseHfCachePath(relativePath);
    return at && hasModelExtension(at.path) ? { category: null, name: `${at.repo}/${at.path}` } : null;
  }
  let category = root.category;
  let name = relativePath;
  if (category === null) {
    const slash = relativePath.indexOf('/');
    if (slash > 0) {
      category = canonicalCategory(relativePath.slice(0, slash));
      name = relativePath.slice(slash + 1);
    }
  }
  const isModel = hasModelExtension(name) || (category === 'configs' && name.toLowerCase().endsWith('.yaml'));
  return isModel ? { category, name } : null;
}

const isHidden = (name: string) => name.startsWith('.');

export async function scanRoots(roots: readonly ModelRoot[], signal?: AbortSignal): Promise<ScanResult> {
  const result: ScanResult = { files: [], warnings: [], unreachableRoots: [], skippedFolders: [] };
  for (const root of roots) {
    signal?.throwIfAborted();
    // Realpaths of folders already walked under this root: a symlink loop is entered only once.
    const visited = new Set<string>();
    try {
      const real = await fsp.realpath(root.path);
      if (!(await fsp.stat(real)).isDirectory()) throw new Error('not a folder');
      visited.add(real);
    } catch (err) {
      result.unreachableRoots.push(root);
      result.warnings.push(`model folder ${root.path} cannot be read: ${message(err)}; its indexed files are kept (offline)`);
      continue;
    }
    await walk(root, root.path, '', visited, result, signal);
  }
  return result;
}

async function walk(root: ModelRoot, dir: string, rel: string, visited: Set<string>, out: ScanResult, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  let entries: Dirent[];
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    out.warnings.push(`skipped folder ${dir}: ${message(err)}`);
    out.skippedFolders.push({ root, relativePath: rel });
    return;
  }
  await Promise.all(
    entries.map(async (entry) => {
      if (isHidden(entry.name)) return;
      // In the Hugging Face cache only snapshots/ holds files by their names: blobs/ is walked never.
      if (root.category === HF_CACHE_ROOT && (entry.name === 'blobs' || entry.name === 'refs') && rel.split('/').length === 1) return;
      const abs = join(dir, entry.name);
      const relativePath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory() || entry.isSymbolicLink()) {
        let isDir = entry.isDirectory();
        if (entry.isSymbolicLink()) {
          try {
            isDir = (await fsp.stat(abs)).isDirectory();
          } catch (err) {
            if (classify(root, relativePath)) out.warnings.push(`skipped ${abs}: ${message(err)}`);
            return;
          }
        }
        if (isDir) {
          let real: string;
          try {
            real = await fsp.realpath(abs);
          } catch (err) {
            out.warnings.push(`skipped folder ${abs}: ${message(err)}`);
            return;
          }
          if (visited.has(real)) return;
          visited.add(real);
          await walk(root, abs, relativePath, visited, out, signal);
          return;
        }
      }
      const kind = classify(root, relativePath);
      if (!kind) return;
      try {
        const st = await fsp.stat(abs);
        if (!st.isFile()) {
          out.warnings.push(`skipped ${abs}: not a regular file`);
          return;
        }
        out.files.push({ root, absPath: abs, relativePath, name: kind.name, filename: entry.name, category: kind.category, size: st.size, mtimeMs: st.mtimeMs });
      } catch (err) {
        out.warnings.push(`skipped ${abs}: ${message(err)}`);
      }
    }),
  );
}

function message(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}${e.message ? ` (${e.message.replace(/^\w+: /, '')})` : ''}` : String(e?.message ?? err);
}
