// `comfy-models import [pyproject.toml]`: resolve a manifest made on another machine against this one's
// index — per model present / downloadable / name-match / missing (core/share/resolveManifest.ts), the
// download total per target folder and its free space. Exit 0 when every model is present, 1 when any
// is not (downloadable and name-match included: nothing is downloaded or taken by this command), 2 when
// the manifest is missing or malformed.
import { join, resolve } from 'node:path';
import { readManifestText } from '../../core/manifest/file';
import { readManifest } from '../../core/manifest/read';
import { importReport } from '../../core/share/importReport';
import type { ImportRow } from '../../core/share/resolveManifest';
import { formatSize } from '../../protocol/format';
import type { CliCommand } from '../command';
import { EXIT_FAILED, EXIT_OK, InputError, UsageError } from '../errors';
import { output, type CliContext } from '../context';
import { withSyncedIndex } from '../indexContext';

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
  usage: 'import [pyproject.toml]   (resolve a manifest: present / downloadable / name-match / missing)',
  async run(ctx: CliContext): Promise<number> {
    const [, file, extra] = ctx.args.positionals;
    if (extra !== undefined) throw new UsageError('import takes at most one manifest file');
    const path = file ? resolve(ctx.io.cwd, file) : join(ctx.projectDir, 'pyproject.toml');
    const { text, exists } = await readManifestText(path);
    if (!exists) throw new InputError(`${path} does not exist`);
    const manifest = readManifest(text);
    if (manifest.malformed) throw new InputError(`${path}: ${manifest.problems[0].message}`);
    return withSyncedIndex(ctx, async (store, roots) => {
      const { rows: withTargets, totals, targets, indexOps } = await importReport(manifest, store, roots, {
        onHashing: (p) => ctx.io.stderr(`computing comfygit's XXH3 sample of ${p}\n`),
      });
      store.apply(indexOps);
      await store.save();
      output(ctx, { manifest: path, flavour: manifest.flavour, hashAlgorithms: manifest.hashAlgorithms, models: withTargets, totals, targets }, () => {
        const head = `${path}: ${totals.present} present, ${totals.downloadable} downloadable (${formatSize(totals.downloadBytes)}), ${totals.nameMatch} to confirm, ${totals.missing} missing\n`;
        const space = targets.map((t) => `  target ${t.folder}: ${formatSize(t.downloadBytes)} to download, ${t.freeBytes === null ? 'free space unknown' : `${formatSize(t.freeBytes)} free`}${t.fits ? '' : '  ✖ does not fit'}\n`);
        return head + withTargets.map(rowLine).join('') + space.join('');
      });
      return withTargets.every((r) => r.status === 'present') ? EXIT_OK : EXIT_FAILED;
    });
  },
};
