// `--root DIR` of the commands that download or plan downloads (download, import, plan): the model root
// the user wants downloads to go to, instead of the one chosen by category and free space.
import { resolve } from 'node:path';
import { rootsAt } from '../core/download/target';
import type { ModelRoot } from '../core/roots';
import { flag } from './args';
import type { CliContext } from './context';
import { UsageError } from './errors';

/** The roots at `--root` (undefined without the flag); a usage error when it names no model root. */
export function chosenRoots(ctx: CliContext, roots: readonly ModelRoot[]): ModelRoot[] | undefined {
  const wanted = flag(ctx.args, 'root');
  if (wanted === undefined) return undefined;
  const chosen = rootsAt(roots, resolve(ctx.io.cwd, wanted));
  if (!chosen.length) throw new UsageError(`--root ${wanted} is not one of the model folders: ${[...new Set(roots.map((r) => r.path))].join(', ') || 'none is configured'}`);
  return chosen;
}
