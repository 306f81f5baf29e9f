// Free space and the folder a download of a category goes to (resolve report, install plan, health).
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { categoryFolders } from '../categories';
import type { ModelRoot } from '../roots';

/** Bytes available to this user on the file system holding `path` (its nearest existing ancestor). */
export async function freeSpace(path: string): Promise<number | null> {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = await fsp.statfs(p);
      return s.bavail * s.bsize;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(p) === p) return null;
    }
  }
}

export interface DownloadTarget {
  root: ModelRoot;
  /** Absolute folder the file goes into (category folder of a ComfyUI-style root, or the root itself). */
  folder: string;
}

/**
 * Where a model of `category` goes: among the roots that take it (a root holding exactly that category,
 * or any ComfyUI-style root), the one with the most free space; ties keep the roots' order.
 */
export async function downloadTarget(category: string | null, roots: readonly ModelRoot[], free: (p: string) => Promise<number | null> = freeSpace): Promise<DownloadTarget | undefined> {
  const fitting = roots.filter((r) => (category !== null && r.category === categoryFolders(category)[0]) || r.category === null);
  let best: { target: DownloadTarget; free: number } | undefined;
  for (const root of fitting) {
    const folder = root.category === null ? join(root.path, category ?? '') : root.path;
    const bytes = (await free(folder)) ?? -1;
    if (!best || bytes > best.free) best = { target: { root, folder }, free: bytes };
  }
  return best?.target;
}
