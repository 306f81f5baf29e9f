// `comfy-models plan <workflow|image> [--bandwidth MB/s] [--root DIR]`: the install plan of one workflow (or of the
// workflow embedded in a ComfyUI output): missing models with sizes, sources and target folders, the
// total and an estimated time at the stated bandwidth (default 50 MB/s), and the custom node packs its
// nodes come from. --root DIR plans the downloads into that model root. Exit 0 when no model is missing, 1 otherwise, 2 for bad input.
import { resolve } from 'node:path';
import { workflowRelativePath } from '../../core/manifest/discover';
import { workflowMappings } from '../../core/manifest/query';
import { DEFAULT_BANDWIDTH, installPlan } from '../../core/share/installPlan';
import { formatSize } from '../../protocol/format';
import { flag } from '../args';
import type { CliCommand } from '../command';
import { EXIT_FAILED, EXIT_OK, InputError, UsageError } from '../errors';
import { output, type CliContext } from '../context';
import { withSyncedIndex } from '../indexContext';
import { projectManifest } from '../projectManifest';
import { chosenRoots } from '../targetRoot';
import { lineColumn } from './workflowFile';
import { loadWorkflowFile } from './workflowSource';

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const planCommand: CliCommand = {
  usage: 'plan <workflow|image> [--bandwidth MB/s] [--root DIR]   (install plan: missing models, sizes, sources, targets (in DIR when given), node packs)',
  async run(ctx: CliContext): Promise<number> {
    const [, file, extra] = ctx.args.positionals;
    if (!file || extra !== undefined) throw new UsageError('plan needs exactly one workflow file');
    const rawBandwidth = flag(ctx.args, 'bandwidth');
    const mbps = rawBandwidth === undefined ? DEFAULT_BANDWIDTH / 1e6 : Number(rawBandwidth);
    if (!(mbps > 0)) throw new UsageError(`--bandwidth must be a positive number of MB/s, not '${rawBandwidth}'`);
    const path = resolve(ctx.io.cwd, file);
    const wf = await loadWorkflowFile(path);
    const [error] = wf.parsed.errors;
    if (error) throw new InputError(`${file}:${lineColumn(wf.text, error.offset)}: ${error.message}`);
    const project = projectManifest(ctx);
    const manifest = project?.manifest;
    const mappings = project && !wf.embeddedIn ? workflowMappings(project.manifest, workflowRelativePath(project.path, path)) : undefined;
    return withSyncedIndex(ctx, async (store, roots) => {
      const plan = await installPlan({ text: wf.text, parsed: wf.parsed, index: store.snapshot(), roots, targetRoots: chosenRoots(ctx, roots), manifest, mappings, bandwidth: mbps * 1e6 });
      output(ctx, { path, ...(wf.embeddedIn ? { embeddedIn: wf.embeddedIn } : {}), ...plan }, () => {
        const t = plan.totals;
        const lines = [`${file}: ${t.models} missing model${t.models === 1 ? '' : 's'}, ${formatSize(t.downloadBytes)} to download${t.unknownSizes ? ` (+${t.unknownSizes} of unknown size)` : ''}, about ${duration(t.estimatedSeconds)} at ${mbps} MB/s\n`];
        for (const m of plan.models) {
          const size = m.size !== null ? ` (${formatSize(m.size)})` : '';
          lines.push(`  ${m.sources.length ? '⇣' : '✖'} ${m.category ?? '?'}/${m.value}${size}  ${m.sources.length ? `from ${m.sources[0].url}${m.target ? ` → ${m.target}` : ''}` : 'no known source'}\n`);
        }
        for (const s of plan.targets) lines.push(`  target ${s.folder}: ${formatSize(s.downloadBytes)}, ${s.freeBytes === null ? 'free space unknown' : `${formatSize(s.freeBytes)} free`}${s.fits ? '' : '  ✖ does not fit'}\n`);
        for (const p of plan.nodes.packs) lines.push(`  node pack ${p.id}${p.versions.length ? ` @${p.versions.join(', ')}` : ''}: ${p.nodeTypes.join(', ')}\n`);
        if (plan.nodes.unknownNodeTypes.length) lines.push(`  node types no known pack provides: ${plan.nodes.unknownNodeTypes.join(', ')}\n`);
        return lines.join('');
      });
      return plan.models.length ? EXIT_FAILED : EXIT_OK;
    });
  },
};
