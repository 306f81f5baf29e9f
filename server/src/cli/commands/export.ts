// `comfy-models export [--full-hashes]`: fill the project manifest with every known source and the full
// hashes the index knows (with --full-hashes: computed, one read per file, for models lacking them), so
// another machine can resolve it (`import`). Warnings (models without a source, …) go to stderr.
// Exit 0; 2 when the manifest is missing, malformed or written by another tool.
import { join } from 'node:path';
import { ManifestEditError } from '../../core/manifest/edit';
import { readManifestText, writeFileAtomic } from '../../core/manifest/file';
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
    const { text, exists } = await readManifestText(path);
    if (!exists) throw new InputError(`${path} does not exist: add models first (model add)`);
    return withSyncedIndex(ctx, async (store) => {
      let report;
      try {
        report = await exportManifest(text, store, {
          computeFullHashes: hasFlag(ctx.args, 'full-hashes'),
          onProgress: (p) => {
            if (p.done < p.total) ctx.io.stderr(`hashing ${p.filename} (${p.done + 1}/${p.total})\n`);
          },
        });
      } catch (err) {
        if (err instanceof ManifestEditError) throw new InputError(`${path}: ${err.message}`);
        throw err;
      }
      store.apply(report.indexOps);
      await store.save();
      if (report.changed) await writeFileAtomic(path, report.text);
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
