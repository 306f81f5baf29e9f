// `comfy-models link <comfyui-dir>` / `unlink <comfyui-dir>`: add, update or remove our own block of
// sections in `<comfyui-dir>/extra_model_paths.yaml` so that ComfyUI sees the indexed roots (the roots
// remembered with `dir add` plus --models-dir). Nothing else of the file changes (core/share/linkComfyui.ts).
// A file left empty by unlink is deleted: ComfyUI fails on an empty extra_model_paths.yaml.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LinkError } from '../../core/share/linkComfyui';
import { linkFile, unlinkFile } from '../../core/share/linkFile';
import type { CliCommand } from '../command';
import { EXIT_OK, InputError, UsageError } from '../errors';
import { output, type CliContext } from '../context';
import { cliRoots, openIndex } from '../indexContext';

function yamlPath(ctx: CliContext, verb: string): string {
  const [, dir, extra] = ctx.args.positionals;
  if (!dir || extra !== undefined) throw new UsageError(`${verb} needs exactly one ComfyUI folder`);
  const comfy = resolve(ctx.io.cwd, dir);
  if (!existsSync(comfy) || !statSync(comfy).isDirectory()) throw new InputError(`${comfy} is not a folder`);
  return join(comfy, 'extra_model_paths.yaml');
}

/** A yaml our block cannot be written into (or read out of) is the user's input to fix: exit 2. */
async function asInputError<T>(path: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof LinkError) throw new InputError(`${path}: ${err.message}`);
    throw err;
  }
}

export const linkCommand: CliCommand = {
  usage: 'link <comfyui-dir>   (let that ComfyUI see the indexed model folders; undo with unlink)',
  async run(ctx: CliContext): Promise<number> {
    const path = yamlPath(ctx, 'link');
    const store = await openIndex(ctx);
    const roots = (() => {
      try {
        return cliRoots(ctx, store);
      } finally {
        store.close();
      }
    })();
    if (!roots.length) throw new InputError('no model folders to link (dir add <path> or --models-dir DIR)');
    const changed = await asInputError(path, () => linkFile(path, roots));
    output(ctx, { path, changed, roots: roots.map((r) => ({ path: r.path, category: r.category })) }, () => `${changed ? 'Linked' : 'Already linked'}: ${path} lists ${roots.length} model folder${roots.length === 1 ? '' : 's'}\n`);
    return EXIT_OK;
  },
};

export const unlinkCommand: CliCommand = {
  usage: 'unlink <comfyui-dir>',
  async run(ctx: CliContext): Promise<number> {
    const path = yamlPath(ctx, 'unlink');
    const changed = await asInputError(path, () => unlinkFile(path));
    output(ctx, { path, changed }, () => (changed ? `Unlinked: ${path}\n` : `${path} has no comfy-models block\n`));
    return EXIT_OK;
  },
};
