// `comfy-models hash <file>... [--full]`: quick hash (and with --full SHA-256 + BLAKE3 from one read).
import { resolve } from 'node:path';
import { HashPool } from '../../core/hash/pool';
import { hasFlag } from '../args';
import { output, type CliContext } from '../context';
import type { CliCommand } from '../command';
import { EXIT_OK, EXIT_USAGE, UsageError } from '../errors';

interface HashRow { path: string; size: number; quickHash: string; blake3?: string; sha256?: string }

export const hashCommand: CliCommand = {
  usage: 'hash <file>... [--full]',
  async run(ctx: CliContext): Promise<number> {
    const files = ctx.args.positionals.slice(1).map((f) => resolve(ctx.io.cwd, f));
    if (!files.length) throw new UsageError('hash needs at least one file');
    const full = hasFlag(ctx.args, 'full');
    // A worker costs more to start than a few files take to hash; with more, every core hashes.
    const pool = files.length >= 4 ? HashPool.forWholeMachine() : new HashPool(0);
    let failed = false;
    const rows: HashRow[] = [];
    try {
      // Run in parallel, report in the order given; a bad file is reported and the rest still hashed.
      const results = await Promise.allSettled(
        files.map(async (path): Promise<HashRow> => {
          const q = await pool.quick(path);
          if (!full) return { path, size: q.size, quickHash: q.quickHash };
          const f = await pool.full(path);
          return { path, size: q.size, quickHash: q.quickHash, blake3: f.blake3, sha256: f.sha256 };
        }),
      );
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') rows.push(r.value);
        else {
          failed = true;
          ctx.io.stderr(`comfy-models: cannot hash ${files[i]}: ${r.reason instanceof Error ? r.reason.message : r.reason}\n`);
        }
      });
    } finally {
      await pool.dispose();
    }
    output(ctx, rows, () => rows.map((r) => [`${r.quickHash}  ${r.size}  ${r.path}`, ...(r.sha256 ? [`  sha256 ${r.sha256}`, `  blake3 ${r.blake3}`] : [])].join('\n') + '\n').join(''));
    return failed ? EXIT_USAGE : EXIT_OK;
  },
};
