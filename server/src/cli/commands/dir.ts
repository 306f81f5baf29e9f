// `comfy-models dir add|remove|list`: model roots remembered in the index database itself (table
// remembered_roots), so the CLI and every tool pointed at the same index file see the same roots.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { canonicalCategory } from '../../core/categories';
import { flag } from '../args';
import { output, type CliContext } from '../context';
import type { CliCommand } from '../command';
import { EXIT_OK, InputError, UsageError } from '../errors';
import { openIndex } from '../indexContext';

export const dirCommand: CliCommand = {
  usage: 'dir add <path> [--category C] | dir remove <path> | dir list',
  async run(ctx: CliContext): Promise<number> {
    const [, sub, target] = ctx.args.positionals;
    if (!['add', 'remove', 'list'].includes(sub ?? '')) throw new UsageError('dir needs add <path>, remove <path> or list');
    if (sub !== 'list' && !target) throw new UsageError(`dir ${sub} needs a folder path`);
    const store = await openIndex(ctx);
    try {
      if (sub === 'list') {
        const roots = store.rememberedRoots();
        output(ctx, roots, () => roots.map((r) => `${r.path}${r.category ? `  (${r.category})` : ''}\n`).join(''));
        return EXIT_OK;
      }
      const path = resolve(ctx.io.cwd, target);
      const cat = flag(ctx.args, 'category');
      if (sub === 'add') {
        if (!existsSync(path) || !statSync(path).isDirectory()) throw new InputError(`${path} is not a folder`);
        store.apply([{ op: 'rememberRoot', root: path, rootCategory: cat ? canonicalCategory(cat) : null, addedAt: Date.now() }]);
      } else {
        const matches = store.rememberedRoots().filter((r) => r.path === path);
        if (!matches.length) throw new InputError(`${path} is not a remembered model folder (see dir list)`);
        store.apply(matches.map((r) => ({ op: 'forgetRoot' as const, root: r.path, rootCategory: r.category })));
      }
      await store.save();
      const roots = store.rememberedRoots();
      output(ctx, roots, () => `${sub === 'add' ? 'Added' : 'Removed'} ${path}\n`);
      return EXIT_OK;
    } finally {
      store.close();
    }
  },
};
