// `comfy-models mv <model> <new-name> [--dry-run] [--project DIR]`: rename or move a model inside its
// model root and rewrite every reference to it in the project's workflows and its manifest, as one
// change (core/refactor). Names are relative to the category folder, as workflows write them.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { IndexedLocation, IndexSnapshot } from '../../core/index/snapshot';
import { applyRenameOnDisk } from '../../core/refactor/applyRename';
import { RenameRefused } from '../../core/refactor/newName';
import { indexMove, renamePlan, type RenamePlan } from '../../core/refactor/renamePlan';
import type { ResolvedWorkflow } from '../../core/refactor/modelUses';
import { resolveReferences } from '../../core/resolve';
import { canonicalCategory, normalizeRelativePath } from '../../core/categories';
import { hasFlag } from '../args';
import type { CliCommand } from '../command';
import { output, type CliContext } from '../context';
import { EXIT_OK, InputError, UsageError } from '../errors';
import { withSyncedIndex } from '../indexContext';
import { projectManifest } from '../projectManifest';
import { mappingsFor, workflowPaths } from './check';
import { lineColumn, readWorkflowFile } from './workflowFile';

/** The one indexed file `spec` names: a quick hash, a file path, `<name>` or `<category>/<name>`. */
export function findModel(snapshot: IndexSnapshot, spec: string, cwd: string): IndexedLocation {
  const absolute = resolve(cwd, spec);
  let found: readonly IndexedLocation[] = [];
  if (/^[0-9a-f]{16}$/.test(spec)) found = snapshot.locations.filter((l) => l.hash === spec);
  if (!found.length && existsSync(absolute)) found = snapshot.locations.filter((l) => join(l.root, l.relativePath) === absolute);
  const name = normalizeRelativePath(spec);
  if (!found.length) found = snapshot.locations.filter((l) => l.name === name);
  const slash = name.indexOf('/');
  const category = slash > 0 ? canonicalCategory(name.slice(0, slash)) : undefined;
  if (!found.length && category) found = snapshot.locations.filter((l) => l.category === category && l.name === name.slice(slash + 1));
  if (!found.length && !name.includes('/')) found = snapshot.locations.filter((l) => l.filename === name);
  if (!found.length) throw new InputError(`no indexed model is named '${spec}' (give its name as workflows write it, its path or its quick hash)`);
  if (found.length > 1) {
    throw new InputError(`'${spec}' names ${found.length} files; give one by its path:\n${found.map((l) => `  ${join(l.root, l.relativePath)}`).join('\n')}`);
  }
  return found[0];
}

function planJson(plan: RenamePlan, texts: Map<string, string>) {
  return {
    model: plan.model,
    sidecars: plan.sidecars,
    workflows: plan.workflows.map((w) => ({
      path: w.path,
      changes: w.splices.map((s, i) => ({ offset: s.offset, length: s.length, at: lineColumn(texts.get(w.path) ?? '', s.offset), from: w.values[i].from, to: w.values[i].to })),
    })),
    manifests: plan.manifests.map((m) => ({ path: m.path, edits: m.edits })),
  };
}

function planText(plan: RenamePlan, dryRun: boolean): string {
  const lines = [`${dryRun ? 'would move' : 'moved'} ${plan.model.from} → ${plan.model.to}`];
  for (const s of plan.sidecars) lines.push(`  and ${s.from} → ${s.to}`);
  for (const w of plan.workflows) lines.push(`${w.path}: ${w.values.map((v) => `'${v.from}' → '${v.to}'`).join(', ')}`);
  for (const m of plan.manifests) lines.push(`${m.path}: relative_path and filename of the model's entry`);
  if (!plan.workflows.length) lines.push('no workflow of the project names this model');
  return lines.join('\n') + '\n';
}

export const mvCommand: CliCommand = {
  usage: 'mv <model> <new-name> [--dry-run]',
  async run(ctx: CliContext): Promise<number> {
    const [, spec, newName, extra] = ctx.args.positionals;
    if (!spec || !newName || extra !== undefined) throw new UsageError('mv needs a model and its new name (relative to its category folder)');
    const dryRun = hasFlag(ctx.args, 'dry-run');
    return withSyncedIndex(ctx, async (store) => {
      const snapshot = store.snapshot();
      const location = findModel(snapshot, spec, ctx.io.cwd);
      const project = projectManifest(ctx);
      const texts = new Map<string, string>();
      const workflows: ResolvedWorkflow[] = [];
      for (const path of workflowPaths(ctx.io.cwd, [ctx.projectDir])) {
        const wf = readWorkflowFile(path);
        if (!wf.parsed.format || wf.parsed.errors.length) continue;
        texts.set(path, wf.text);
        workflows.push({ path, text: wf.text, resolved: resolveReferences(wf.parsed.references, { index: snapshot, mappings: mappingsFor(project, path) }) });
      }
      const folder = dirname(join(location.root, location.relativePath));
      let plan: RenamePlan;
      try {
        plan = renamePlan({
          location,
          newName,
          exists: (relativePath) => existsSync(join(location.root, relativePath)),
          siblings: readdirSync(folder),
          workflows,
          manifests: project ? [project] : [],
        });
        if (!dryRun) {
          const applied = await applyRenameOnDisk(plan);
          applied.warnings.forEach((w) => ctx.io.stderr(`warning: ${w}\n`));
          // The index follows the move: the row changes place, the file is not hashed again.
          store.apply([indexMove(location, plan.target, Date.now())]);
          await store.save();
        }
      } catch (err) {
        if (err instanceof RenameRefused) throw new InputError(`cannot rename '${spec}': ${err.message}`);
        throw err;
      }
      output(ctx, { dryRun, ...planJson(plan, texts) }, () => planText(plan, dryRun));
      return EXIT_OK;
    });
  },
};
