// `comfy-models export [--full-hashes]`: fill the project manifest with every known source and the full
// hashes the index knows (with --full-hashes: computed, one read per file, for models lacking them), so
// another machine can resolve it (`import`). Warnings (models without a source, …) go to stderr.
// Exit 0; 2 when the manifest is missing, malformed or written by another tool.
import { join } from 'node:path';
import { ManifestEditError } from '../../core/manifest/edit';
import { readManifestText, rewriteManifestFile } from '../../core/manifest/file';
import type { ExportReport } from '../../core/share/export';
import { exportManifest } from '../../core/share/export';
import { hasFlag } from '../args';
import type { CliCommand } from '../command';
import { EXIT_OK, InputError } from '../errors';
import { output, type CliContext } from '../context';
import { withSyncedIndex } from '../indexContext';

export const exportCommand: CliCommand = {
  usage: 'export [--full-hashes]',
  async run(ctx: CliContext): Promise<number> {
    const path = join(ctx.projectDir, 'pyproject.toml');
    const { exists } = await readManifestText(path);
    if (!exists) throw new InputError(`${path} does not exist: add models first (model add)`);
    return withSyncedIndex(ctx, async (store) => {
      // Written under the manifest's lock, only over the text it was computed from: a `model add` that
      // lands while the hashes are computed is read back and exported too (the hashes are in the index by then).
      const { result: report, warnings } = await rewriteManifestFile(path, async (current): Promise<{ text: string; result: ExportReport }> => {
        if (!current.exists) throw new InputError(`${path} does not exist: add models first (model add)`);
        let computed: ExportReport;
        try {
          computed = await exportManifest(current.text, store, {
            computeFullHashes: hasFlag(ctx.args, 'full-hashes'),
            onProgress: (p) => {
              if (p.done < p.total) ctx.io.stderr(`hashing ${p.filename} (${p.done + 1}/${p.total})\n`);
            },
          });
        } catch (err) {
          if (err instanceof ManifestEditError) throw new InputError(`${path}: ${err.message}`);
          throw err;
        }
        store.apply(computed.indexOps);
        await store.save();
        return { text: computed.text, result: computed };
      });
      for (const w of warnings) ctx.io.stderr(`warning: ${w}\n`);
      for (const w of report.warnings) ctx.io.stderr(`warning: ${w}\n`);
      const { text: _text, indexOps: _ops, ...json } = report;
      output(ctx, { manifest: path, ...json }, () => {
        const lines = report.models.map((m) => {
          const did = [m.filled.length ? `+${m.filled.join('+')}` : '', m.sourcesAdded.length ? `+${m.sourcesAdded.length} source${m.sourcesAdded.length === 1 ? '' : 's'}` : ''].filter(Boolean).join(' ');
          return `  ${m.hash} ${m.filename ?? '?'}  ${did || 'unchanged'}${m.lacking.length ? `  (no ${m.lacking.join('/')})` : ''}${m.sources ? '' : '  (no source)'}\n`;
        });
        const hint = !hasFlag(ctx.args, 'full-hashes') && report.models.some((m) => m.lacking.length) ? '  (--full-hashes computes the missing full hashes of the files on this machine)\n' : '';
        return `${path}: ${report.changed ? 'updated' : 'nothing to add'}\n${lines.join('')}${hint}`;
      });
      return EXIT_OK;
    });
  },
};
