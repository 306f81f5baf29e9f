// `comfy-models updates [--json] [--check]`: models with a newer version on CivitAI (same model and base
// model) or a file changed on its Hugging Face branch. Without --check the results cached in the index by
// the last check; with it the providers are asked now (and the results cached). Exit 0 none, 1 some.
// `comfy-models updates ignore <model> [--version-id ID]`: hide one version (or every update) of a model.
import { systemClock } from '../../core/download/ports';
import type { IndexOp } from '../../core/index/ops';
import type { IndexedLocation } from '../../core/index/snapshot';
import type { IndexStore } from '../../core/index/store';
import { normalizeRelativePath } from '../../core/categories';
import { rootFilter } from '../../core/roots';
import { formatSize } from '../../protocol/format';
import { checkUpdates } from '../../core/updates/check';
import { checkOps, pendingUpdates, sha256FromFile, updateTargets } from '../../core/updates/indexed';
import type { UpdateResult } from '../../core/updates/types';
import { flag, hasFlag } from '../args';
import type { CliCommand } from '../command';
import { output, type CliContext } from '../context';
import { cliDownloadEnvironment } from '../downloadEnvironment';
import { EXIT_FAILED, EXIT_OK, InputError, UsageError } from '../errors';
import { cliLogger, withSyncedIndex } from '../indexContext';
import { escapeControl } from '../output';

export const updatesCommand: CliCommand = {
  usage: 'updates [--check] | updates ignore <model> [--version-id ID]',
  async run(ctx: CliContext): Promise<number> {
    const [, sub, ...rest] = ctx.args.positionals;
    if (sub === 'ignore') return ignore(ctx, rest);
    if (sub !== undefined) throw new UsageError(`unknown updates subcommand '${sub}' (try: updates [--check], updates ignore <model>)`);
    return list(ctx);
  },
};

async function list(ctx: CliContext): Promise<number> {
  return withSyncedIndex(ctx, async (store, roots) => {
    const inScope = roots.length ? rootFilter(roots) : () => true;
    let errors: string[] = [];
    if (hasFlag(ctx.args, 'check')) errors = await check(ctx, store, inScope);
    const updates = pendingUpdates(store, inScope);
    const snapshot = store.snapshot();
    const rows = updates.map((u) => ({ ...u, path: snapshot.byHash(u.hash).filter(inScope)[0]?.relativePath ?? null }));
    output(ctx, { updates: rows, errors }, () => {
      const lines = errors.map((e) => `warning: ${escapeControl(e)}\n`);
      if (!rows.length) lines.push('no updates\n');
      for (const r of rows) lines.push(`${escapeControl(r.path ?? r.hash)}: ${describe(r)}\n`);
      return lines.join('');
    });
    return rows.length ? EXIT_FAILED : EXIT_OK;
  });
}

async function check(ctx: CliContext, store: IndexStore, inScope: (l: IndexedLocation) => boolean): Promise<string[]> {
  const env = cliDownloadEnvironment(ctx);
  const computed: IndexOp[] = [];
  const outcome = await checkUpdates(updateTargets(store, inScope), store.updateIgnores(), {
    providers: env.providers, endpoints: env.endpoints, clock: systemClock, log: cliLogger(ctx), sha256Of: sha256FromFile(store, computed),
  });
  store.apply([...computed, ...checkOps(outcome, Date.now())]);
  await store.save();
  return outcome.errors;
}

/** "old → new (date, size, base model)" in one line. */
export function describe(r: UpdateResult): string {
  const u = r.update!;
  const from = r.current.name ?? r.current.versionId ?? 'local';
  const details = [u.publishedAt?.slice(0, 10), u.size !== undefined ? formatSize(u.size) : undefined, u.baseModel].filter(Boolean).join(', ');
  const what = u.kind === 'changed-upstream' ? `changed upstream (commit ${u.versionId})` : `${from} → ${u.name ?? u.versionId}`;
  return `${r.modelName ? `${r.modelName} ` : ''}${what}${details ? ` (${details})` : ''}`;
}

async function ignore(ctx: CliContext, operands: string[]): Promise<number> {
  const [id, extra] = operands;
  if (!id || extra !== undefined) throw new UsageError('updates ignore needs exactly one model (hash, hash prefix or name)');
  const versionId = flag(ctx.args, 'version-id') ?? null;
  if (hasFlag(ctx.args, 'version-id') && !versionId) throw new UsageError('--version-id needs a value');
  return withSyncedIndex(ctx, async (store) => {
    const hash = findOneModel(store, id);
    store.apply([{ op: 'ignoreUpdate', hash, versionId, addedAt: Date.now() }]);
    await store.save();
    output(ctx, { hash, versionId }, () => (versionId ? `ignoring version ${versionId} of ${hash}\n` : `ignoring every update of ${hash}\n`));
    return EXIT_OK;
  });
}

/** The one live model a hash, hash prefix or name names; none or several is the user's input to fix. */
function findOneModel(store: IndexStore, id: string): string {
  const locations = store.snapshot().locations;
  const lower = id.toLowerCase();
  let hashes = new Set(/^[0-9a-f]{4,64}$/.test(lower) ? locations.filter((l) => l.hash.startsWith(lower) || l.sha256 === lower).map((l) => l.hash) : []);
  if (!hashes.size) {
    const path = normalizeRelativePath(id).toLowerCase();
    hashes = new Set(locations.filter((l) => [l.filename, l.name, l.relativePath].some((n) => n.toLowerCase() === path)).map((l) => l.hash));
  }
  if (!hashes.size) throw new InputError(`no indexed model matches '${id}'`);
  if (hashes.size > 1) throw new InputError(`'${id}' matches ${hashes.size} models (${[...hashes].join(', ')}); give its hash`);
  return [...hashes][0];
}
