// Totals shared by the resolve report and the install plan: bytes to download per target folder against
// the free space there.
import { downloadTarget, type DownloadTarget } from './diskSpace';
import type { ModelRoot } from '../roots';

export interface TargetSpace {
  /** Folder the downloads of this group go into. */
  folder: string;
  downloadBytes: number;
  freeBytes: number | null;
  /** False when the downloads do not fit the free space there. */
  fits: boolean;
}

export interface Download {
  category: string | null;
  size: number | null;
}

/**
 * Group downloads by their target folder (category and free space decide, see downloadTarget). `roots`
 * are the roots a download may go to: every model root, or the one the user chose.
 */
export async function targetSpaces(downloads: readonly Download[], roots: readonly ModelRoot[]): Promise<{ targets: TargetSpace[]; targetOf: (DownloadTarget | null)[] }> {
  const byFolder = new Map<string, TargetSpace>();
  const targetOf: (DownloadTarget | null)[] = [];
  for (const d of downloads) {
    const target = await downloadTarget(d.category, roots);
    targetOf.push(target ?? null);
    if (!target) continue;
    let t = byFolder.get(target.folder);
    if (!t) byFolder.set(target.folder, (t = { folder: target.folder, downloadBytes: 0, freeBytes: target.freeBytes, fits: true }));
    t.downloadBytes += d.size ?? 0;
    t.fits = t.freeBytes === null || t.downloadBytes <= t.freeBytes;
  }
  return { targets: [...byFolder.values()], targetOf };
}
