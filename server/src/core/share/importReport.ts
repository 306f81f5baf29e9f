// The resolve report of a manifest (issue 14), shared by CLI `import` and the editor's "Resolve
// Manifest": each model's status (resolveManifestModels), the target folder of each download, the
// totals, and the free space of each target folder.
import { join } from 'node:path';
import { canonicalCategory } from '../categories';
import type { IndexOp } from '../index/ops';
import type { Manifest } from '../manifest/types';
import type { ModelRoot } from '../roots';
import { targetSpaces, type TargetSpace } from './report';
import { resolveManifestModels, type ImportIndex, type ImportOptions, type ImportRow, type ImportStatus } from './resolveManifest';

export interface ImportReportRow extends ImportRow {
  /** Folder a download goes into, subfolder included (downloadable rows only; null when no root takes the category). */
  target?: string | null;
  /** The model root that folder is in. */
  targetRoot?: string;
  /** The folders between the category folder and the file, from the manifest's relative_path (`a/b`). */
  subfolder?: string;
}

export interface ImportReportOptions extends ImportOptions {
  /** The roots downloads may go to (default: every root; the user may choose one). */
  targetRoots?: readonly ModelRoot[];
}

export interface ImportReport {
  rows: ImportReportRow[];
  totals: { present: number; downloadable: number; nameMatch: number; missing: number; downloadBytes: number; unknownSizes: number };
  targets: TargetSpace[];
  /** Quick-hash variants computed on the way (comfygit XXH3 samples), for the index. */
  indexOps: IndexOp[];
}

export async function importReport(manifest: Manifest, index: ImportIndex, roots: readonly ModelRoot[], options: ImportReportOptions = {}): Promise<ImportReport> {
  const { rows, indexOps } = await resolveManifestModels(manifest, index, options);
  const downloads = rows.filter((r) => r.status === 'downloadable');
  const { targets, targetOf } = await targetSpaces(downloads, options.targetRoots ?? roots);
  const withTargets = rows.map((r): ImportReportRow => {
    if (r.status !== 'downloadable') return r;
    const target = targetOf[downloads.indexOf(r)];
    const subfolder = subfolderOf(r);
    if (!target) return { ...r, target: null };
    return { ...r, target: subfolder ? join(target.folder, subfolder) : target.folder, targetRoot: target.root.path, ...(subfolder ? { subfolder } : {}) };
  });
  const count = (s: ImportStatus) => rows.filter((r) => r.status === s).length;
  const totals = {
    present: count('present'), downloadable: count('downloadable'), nameMatch: count('name-match'), missing: count('missing'),
    downloadBytes: downloads.reduce((n, r) => n + (r.size ?? 0), 0),
    unknownSizes: downloads.filter((r) => r.size === null).length,
  };
  return { rows: withTargets, totals, targets, indexOps };
}

/** `loras/sd15/x.safetensors` of a LoRA → `sd15`: what lies between its category folder and its file name. */
function subfolderOf(row: ImportRow): string | undefined {
  const parts = row.relativePath?.split('/') ?? [];
  if (parts.length < 3 || !row.category || canonicalCategory(parts[0]) !== row.category) return undefined;
  return parts.slice(1, -1).join('/');
}
