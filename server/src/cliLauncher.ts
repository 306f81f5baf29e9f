// The `comfy-models` executable (server/dist/cli.js): starts the CLI bundle (cliMain.js beside it)
// through a code cache. Kept tiny, and importing nothing of the engine: all it does is load the bundle.
import { join } from 'node:path';
import { codeCacheDir, requireWithCodeCache } from './cli/codeCache';

const cli = requireWithCodeCache(join(__dirname, 'cliMain.js'), codeCacheDir(process.env)) as { main(): void };
cli.main();
