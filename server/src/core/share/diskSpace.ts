// Free space and the folder a download of a category goes to (resolve report, install plan, health).
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { canonicalCategory } from '../categories';
import type { ModelRoot } from '../roots';

/** The nearest existing ancestor of `path` (itself included): where its file system can be asked. */
async function existingAncestor(path: string): Promise<string | null> {
  for (let p = path; ; p = dirname(p)) {
    try {
      await fsp.stat(p);
      return p;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || dirname(p) === p) return null;
    }
  }
}

/** Bytes available to this user on the file system holding `path` (its nearest existing ancestor). */
export async function freeSpace(path: string): Promise<number | null> {
  return (await volumeOf(path)).freeBytes;
}

/** The file system holding `path`: its device id and the bytes available there (null when unknown). */
async function volumeOf(path: string): Promise<{ device: number | null; freeBytes: number | null }> {
  const at = await existingAncestor(path);
  if (at === null) return { device: null, freeBytes: null };
  const [stat, fs] = await Promise.all([fsp.stat(at).catch(() => null), fsp.statfs(at).catch(() => null)]);
  return { device: stat?.dev ?? null, freeBytes: fs ? fs.bavail * fs.bsize : null };
}

export interface DownloadTarget {
  root: ModelRoot;
  /** Absolute folder the file goes into (category folder of a ComfyUI-style root, or the root itself). */
  folder: string;
  freeBytes: number | null;
}

/**
 * Where a model of `category` may go, the first being where it goes unless the user picks another: the
 * roots that take it (a root holding exactly that category, or any ComfyUI-style root), most free space
 * first. Roots on one file system have the same free space, so they keep the configured order.
 */
export async function targetChoices(category: string | null, roots: readonly ModelRoot[]): Promise<DownloadTarget[]> {
  const canonical = category === null ? null : canonicalCategory(category);
  const choices: (DownloadTarget & { device: number | null })[] = [];
  for (const root of roots) {
    if (root.category !== null && root.category !== canonical) continue;
    const folder = root.category === null ? join(root.path, canonical ?? '') : root.path;
    if (choices.some((c) => c.folder === folder)) continue;
    const volume = await volumeOf(folder);
    // Measured once per file system: two measures of one disk differ while something writes to it.
    const sameDisk = volume.device === null ? undefined : choices.find((c) => c.device === volume.device);
    choices.push({ root, folder, freeBytes: sameDisk ? sameDisk.freeBytes : volume.freeBytes, device: volume.device });
  }
  // A stable sort: equal free space keeps the configured order.
  return choices.sort((a, b) => (b.freeBytes ?? -1) - (a.freeBytes ?? -1)).map(({ device: _, ...c }) => c);
}

/** Where a model of `category` goes by default: the root that takes it with the most free space. */
export async function downloadTarget(category: string | null, roots: readonly ModelRoot[]): Promise<DownloadTarget | undefined> {
  return (await targetChoices(category, roots))[0];
}
