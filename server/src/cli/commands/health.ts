// `comfy-models health`: the library's health report (core/share/health.ts) over the CLI's roots, with the
// workflows under --project deciding what is "unused". Exit 0 (a report; it changes nothing).
import { libraryHealth } from '../../core/share/health';
import { usedModelHashes } from '../../core/share/usedModels';
import { formatSize } from '../../protocol/format';
import type { CliCommand } from '../command';
import { EXIT_OK } from '../errors';
import { output, type CliContext } from '../context';
import { withSyncedIndex } from '../indexContext';
import { projectManifest } from '../projectManifest';

export const healthCommand: CliCommand = {
  usage: 'health   (duplicates and wasted space, unused, no source, stale .part, disk use)',
  async run(ctx: CliContext): Promise<number> {
    return withSyncedIndex(ctx, async (store, roots) => {
      const manifest = projectManifest(ctx);
      const used = await usedModelHashes(ctx.projectDir, store.snapshot(), manifest);
      const report = await libraryHealth({ index: store, roots, usedHashes: used.hashes, now: Date.now() });
      output(ctx, { project: ctx.projectDir, workflows: used.workflows, ...report }, () => {
        const t = report.totals;
        const lines = [`${t.models} models; ${report.duplicates.length} duplicated (${formatSize(t.wastedBytes)} wasted); ${report.unused.length} unused by the ${used.workflows} workflow${used.workflows === 1 ? '' : 's'} in ${ctx.projectDir} (${formatSize(t.unusedBytes)}); ${report.withoutSource.length} without a known source; ${report.staleParts.length} stale .part file${report.staleParts.length === 1 ? '' : 's'} (${formatSize(t.stalePartBytes)})\n`];
        for (const d of report.duplicates) lines.push(`  duplicate ${d.hash} (${formatSize(d.size)} × ${d.copies.length}): ${d.copies.join(', ')}\n`);
        for (const u of report.unused) lines.push(`  unused ${u.paths[0]} (${formatSize(u.size)})\n`);
        for (const p of report.staleParts) lines.push(`  stale ${p.path} (${formatSize(p.size)}, ${Math.round(p.ageSeconds / 3600)} h old)\n`);
        for (const r of report.roots) lines.push(`  root ${r.path}${r.category ? ` (${r.category})` : ''}: ${r.files} files, ${formatSize(r.usedBytes)}, ${r.freeBytes === null ? 'free space unknown' : `${formatSize(r.freeBytes)} free`}\n`);
        return lines.join('');
      });
      return EXIT_OK;
    });
  },
};
