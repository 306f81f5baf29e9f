// The download engine as the CLI wires it (`download`, `import --download`): provider origins from
// COMFY_MODELS_CIVITAI_BASE_URL / HF_ENDPOINT, tokens from CIVITAI_API_TOKEN / HF_TOKEN, warnings to stderr.
import { createDownloadEnvironment, type DownloadEnvironment } from '../core/download/download';
import { endpointsFromEnv, envTokens } from '../core/download/hosts';
import type { CliContext } from './context';
import { cliLogger } from './indexContext';

export function cliDownloadEnvironment(ctx: CliContext): DownloadEnvironment {
  return createDownloadEnvironment(endpointsFromEnv(ctx.io.env), envTokens(ctx.io.env), { log: cliLogger(ctx) });
}
