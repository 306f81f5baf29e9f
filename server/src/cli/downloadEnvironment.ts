// The download engine as the CLI wires it (`download`, `import --download`, `updates --check`): provider
// origins from COMFY_MODELS_CIVITAI_BASE_URL / HF_ENDPOINT, tokens from CIVITAI_API_TOKEN / HF_TOKEN, the
// bandwidth cap from --limit-rate (bytes per second, K/M/G suffixes), warnings to stderr.
import { createDownloadEnvironment, type DownloadEnvironment } from '../core/download/download';
import { endpointsFromEnv, envTokens } from '../core/download/hosts';
import { systemClock } from '../core/download/ports';
import { parseRate, TokenBucket } from '../core/download/rateLimit';
import { flag } from './args';
import type { CliContext } from './context';
import { UsageError } from './errors';
import { cliLogger } from './indexContext';

export function cliDownloadEnvironment(ctx: CliContext): DownloadEnvironment {
  const limit = flag(ctx.args, 'limit-rate');
  const rate = limit === undefined ? 0 : parseRate(limit);
  if (rate === undefined) throw new UsageError(`--limit-rate takes bytes per second, like 500K or 4M (not '${limit}')`);
  const rateLimit = rate > 0 ? new TokenBucket(rate, systemClock) : undefined;
  return createDownloadEnvironment(endpointsFromEnv(ctx.io.env), envTokens(ctx.io.env), { log: cliLogger(ctx), rateLimit });
}
