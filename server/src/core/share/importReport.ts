// The resolve report of a manifest (issue 14), shared by CLI `import` and the editor's "Resolve
// Manifest": each model's status (resolveManifestModels), the target folder of each download, the
// totals, and the free space of each target folder.
import type { IndexOp } from '../index/ops';
import type { Manifest } from '../manifest/types';
import type { ModelRoot } from '../roots';
import { targetSpaces, type TargetSpace } from './report';
import { resolveManifestModels, type ImportIndex, type ImportOptions, type ImportRow, type ImportStatus } from './resolveManifest';

export interface ImportReportRow extends ImportRow {
  /** Folder a download goes into (downloadable rows only; null when no root takes the category). */
  target?: string | null;
}

export interface ImportReport {
  rows: ImportReportRow[];
  totals: { present: number; downloadable: number; nameMatch: number; missing: number; downloadBytes: number; unknownSizes: number };
  targets: TargetSpace[];
  /** Quick-hash variants computed on the way (comfygit XXH3 samples), for the index. */
  indexOps: IndexOp[];
}

export async function importReport(manifest: Manifest, index: ImportIndex, roots: readonly ModelRoot[], options: ImportOptions = {}): Promise<ImportReport> {
  const { rows, indexOps } = await resolveManifestModels(manifest, index, options);
  const downloads = rows.filter((r) => r.status === 'downloadable');
  const { targets, folderOf } = await targetSpaces(downloads, roots);
  const withTargets = rows.map((r) => (r.status === 'downloadable' ? { ...r, target: folderOf[downloads.indexOf(r)] } : r));
  const count = (s: ImportStatus) => rows.filter((r) => r.status === s).length;
  const totals = {
    present: count('present'), downloadable: count('downloadable'), nameMatch: count('name-match'), missing: count('missing'),
    downloadBytes: downloads.reduce((n, r) => n + (r.size ?? 0), 0),
    unknownSizes: downloads.filter((r) => r.size === null).length,
  };
  return { rows: withTargets, totals, targets, indexOps };
}
