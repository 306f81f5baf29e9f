// `comfy-models download <url> [--category C] [--to SUBFOLDER] [--root DIR] [--sha256 H]` (DESIGN.md §12):
// one verified, resumable download into the category folder of the first model root that takes it (or of
// DIR), indexed with its source. Tokens come from CIVITAI_API_TOKEN / HF_TOKEN, provider origins from
// COMFY_MODELS_CIVITAI_BASE_URL / HF_ENDPOINT.
import { downloadModel } from '../../core/download/download';
import { isDownloadError } from '../../core/download/errors';
import { recordDownload } from '../../core/download/record';
import { flag } from '../args';
import type { CliCommand } from '../command';
import { output, type CliContext } from '../context';
import { EXIT_OK, InputError, OperationFailed, UsageError } from '../errors';
import { cliDownloadEnvironment } from '../downloadEnvironment';
import { cliRoots, openIndex } from '../indexContext';
import { chosenRoots } from '../targetRoot';

/** Errors that are the caller's input, not the download's fate: exit 2. */
const USAGE_CODES = new Set(['category-required', 'invalid-url', 'outside-roots']);

export const downloadCommand: CliCommand = {
  usage: 'download <url> [--category C] [--to SUBFOLDER] [--root DIR] [--sha256 H] [--limit-rate 4M]',
  async run(ctx: CliContext): Promise<number> {
    const [, url, extra] = ctx.args.positionals;
    if (!url || extra !== undefined) throw new UsageError('download needs exactly one URL');
    const sha256 = flag(ctx.args, 'sha256');
    if (sha256 !== undefined && !/^[0-9a-f]{64}$/i.test(sha256)) throw new UsageError('--sha256 needs 64 hex digits');
    const store = await openIndex(ctx);
    try {
      const roots = cliRoots(ctx, store);
      if (!roots.length) throw new UsageError('no model folder to download into: pass --models-dir DIR or run `comfy-models dir add DIR`');
      const root = chosenRoots(ctx, roots)?.[0].path;
      const env = cliDownloadEnvironment(ctx);
      try {
        const r = await downloadModel({ url, category: flag(ctx.args, 'category'), subfolder: flag(ctx.args, 'to'), root, expected: { sha256 } }, roots, env, {
          onRemote: (remote, category, dir) => void (ctx.json || ctx.io.stderr(`downloading ${remote.fileName ?? remote.sourceUrl} into ${dir} (${category})\n`)),
        });
        await recordDownload(store, roots, r, r.source);
        const row = { path: r.path, relativePath: r.relativePath, size: r.size, quickHash: r.quickHash, sha256: r.sha256, blake3: r.blake3, source: { type: r.source.type, url: r.source.url }, alreadyPresent: r.alreadyPresent };
        output(ctx, row, () => `${r.alreadyPresent ? 'already present' : 'downloaded'}: ${r.path}\n  size ${r.size}\n  sha256 ${r.sha256} (verified)\n  blake3 ${r.blake3}\n  quick ${r.quickHash}\n  source ${r.source.url}\n`);
        return EXIT_OK;
      } catch (err) {
        if (!isDownloadError(err)) throw err;
        if (err.code === 'category-required') throw new UsageError(`${err.message}: pass --category`);
        if (ctx.json) ctx.io.stdout(JSON.stringify({ error: { code: err.code, message: err.message } }, null, 2) + '\n');
        const message = `${err.message} (${err.code})`;
        throw USAGE_CODES.has(err.code) ? new InputError(message) : new OperationFailed(message);
      }
    } finally {
      store.close();
    }
  },
};
