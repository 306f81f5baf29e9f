// Where the e2e layer keeps things: the repo root, the git-ignored cache and the failure artifacts.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
export const cacheRoot = join(repoRoot, '.cache');
/** code-server lives here (COMFY_E2E_CACHE overrides it, e.g. to share one install between clones). */
export const codeServerCache = process.env.COMFY_E2E_CACHE || join(cacheRoot, 'code-server');
export const artifactsDir = join(repoRoot, 'test', 'e2e', '.artifacts');
export const chromiumPath = process.env.COMFY_E2E_CHROMIUM || '/usr/bin/chromium';
