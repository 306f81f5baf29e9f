// `comfy-models import [pyproject.toml]`: resolve a manifest made on another machine against this one's
// index — per model present / downloadable / name-match / missing (core/share/resolveManifest.ts), the
// download total per target folder and its free space. Exit 0 when every model is present, 1 when any
// is not (downloadable and name-match included: name matches are never taken), 2 when the manifest is
// missing or malformed. --root DIR sends the downloads to that model root. Without --download nothing is downloaded; with it, every downloadable model is then downloaded
// (core/share/downloadAll.ts) and the report printed again as it stands afterwards, with what was
// downloaded and what failed; the exit code says whether everything is present now.
import { join, resolve } from 'node:path';
import { readManifestText } from '../../core/manifest/file';
import { readManifest } from '../../core/manifest/read';
import { downloadAll, type DownloadedModel, type DownloadFailure } from '../../core/share/downloadAll';
import { importReport, type ImportReport, type ImportReportOptions } from '../../core/share/importReport';
import type { ImportRow } from '../../core/share/resolveManifest';
import type { Manifest } from '../../core/manifest/types';
import type { IndexStore } from '../../core/index/store';
import type { ModelRoot } from '../../core/roots';
import { hasFlag } from '../args';
import { formatSize } from '../../protocol/format';
import type { CliCommand } from '../command';
import { EXIT_FAILED, EXIT_OK, InputError, UsageError } from '../errors';
import { output, type CliContext } from '../context';
import { cliDownloadEnvironment } from '../downloadEnvironment';
import { withSyncedIndex } from '../indexContext';
import { chosenRoots } from '../targetRoot';
import { withStores } from '../stores';

const MARK: Record<ImportRow['status'], string> = { present: '✔', downloadable: '⇣', 'name-match': '?', missing: '✖' };

function rowLine(r: ImportRow & { target?: string | null }): string {
  const name = `${r.category ?? '?'}/${r.filename ?? r.hash}`;
  const size = r.size !== null ? ` (${formatSize(r.size)})` : '';
  if (r.unsafe) return `  ✖ ${name}  unsafe entry: not acted on\n`;
  switch (r.status) {
    case 'present':
      return `  ✔ ${name}  → ${r.path} (${r.via})\n`;
    case 'downloadable':
      return `  ⇣ ${name}${size}  from ${r.source!.url}${r.target ? ` → ${r.target}` : ''}\n`;
    case 'name-match':
      return `  ? ${name}  same name, different or unknown content — confirm: ${r.candidates!.join(', ')}\n`;
    default:
      return `  ${MARK.missing} ${name}${size}  missing (no file, no source)\n`;
  }
}

export const importCommand: CliCommand = {
  usage: 'import [pyproject.toml] [--download] [--root DIR] [--limit-rate 4M]   (resolve a manifest: present / downloadable / name-match / missing; --download fetches the downloadable ones, into DIR when given)',
  async run(ctx: CliContext): Promise<number> {
    const [, file, extra] = ctx.args.positionals;
    if (extra !== undefined) throw new UsageError('import takes at most one manifest file');
    const path = file ? resolve(ctx.io.cwd, file) : join(ctx.projectDir, 'pyproject.toml');
    const { text, exists } = await readManifestText(path);
    if (!exists) throw new InputError(`${path} does not exist`);
    const manifest = readManifest(text);
    if (manifest.malformed) throw new InputError(`${path}: ${manifest.problems[0].message}`);
    return withSyncedIndex(ctx, async (store, roots) => {
      const options: ImportReportOptions = { onHashing: (p) => ctx.io.stderr(`computing comfygit's XXH3 sample of ${p}\n`), targetRoots: chosenRoots(ctx, roots) };
      let report = await resolveAndRecord(manifest, store, roots, options);
      let fetched: { downloaded: DownloadedModel[]; errors: DownloadFailure[] } | undefined;
      if (hasFlag(ctx.args, 'download')) {
        const rows = report.rows;
        fetched = await withStores(ctx, undefined, (stores) =>
          downloadAll(manifest, rows, roots, cliDownloadEnvironment(ctx), store, {
            stores,
            onStart: (row, folder) => void (ctx.json || ctx.io.stderr(`downloading ${row.filename ?? row.hash} into ${folder}\n`)),
          }),
        );
        report = await resolveAndRecord(manifest, store, roots, options);
      }
      const { rows, totals, targets } = report;
      output(ctx, { manifest: path, flavour: manifest.flavour, hashAlgorithms: manifest.hashAlgorithms, models: rows, totals, targets, ...fetched }, () => {
        const head = `${path}: ${totals.present} present, ${totals.downloadable} downloadable (${formatSize(totals.downloadBytes)}), ${totals.nameMatch} to confirm, ${totals.missing} missing\n`;
        const space = targets.map((t) => `  target ${t.folder}: ${formatSize(t.downloadBytes)} to download, ${t.freeBytes === null ? 'free space unknown' : `${formatSize(t.freeBytes)} free`}${t.fits ? '' : '  ✖ does not fit'}\n`);
        const done = (fetched?.downloaded ?? []).map((d) => `  downloaded ${d.filename ?? d.hash} → ${d.path}${d.alreadyPresent ? ' (already there)' : ''}\n`);
        const failed = (fetched?.errors ?? []).map((e) => `  ✖ download of ${e.filename ?? e.hash} failed: ${e.message} (${e.code})\n`);
        return head + rows.map(rowLine).join('') + space.join('') + done.join('') + failed.join('');
      });
      return rows.every((r) => r.status === 'present') ? EXIT_OK : EXIT_FAILED;
    });
  },
};

/** The report, with the quick-hash variants it computed saved into the index. */
async function resolveAndRecord(manifest: Manifest, store: IndexStore, roots: ModelRoot[], options: ImportReportOptions): Promise<ImportReport> {
  const report = await importReport(manifest, store, roots, options);
  store.apply(report.indexOps);
  await store.save();
  return report;
}
