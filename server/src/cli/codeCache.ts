// Loading a CommonJS bundle with a V8 code cache, so a CLI run does not compile the whole bundle again
// (compiling it is most of what a short command such as `--version` or `refs` costs beyond Node's own
// start). Node ≥ 22.1 has this built in (module.enableCompileCache); on older Node the bundle is
// compiled here with vm.Script and its cached data, kept in the user's cache folder. Any trouble with
// the cache (absent, rejected by this V8, unwritable folder) only costs the compile: the run goes on.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** Where the caches live: $COMFY_MODELS_CODE_CACHE (`off` disables), else <user cache>/comfy-models/code-cache. */
export function codeCacheDir(env: Record<string, string | undefined>): string | undefined {
  if (env.COMFY_MODELS_CODE_CACHE === 'off') return undefined;
  if (env.COMFY_MODELS_CODE_CACHE) return env.COMFY_MODELS_CODE_CACHE;
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'comfy-models', 'code-cache');
}

/**
 * The cache file of one build of the bundle on this Node: size and mtime name the build, so an upgraded
 * bundle never meets the cache of another (V8 would reject it anyway, at the cost of a wasted read).
 */
function cacheFile(dir: string, bundle: string): string {
  const s = statSync(bundle);
  return join(dir, `${basename(bundle, '.js')}-${s.size}-${Math.trunc(s.mtimeMs)}-${process.version}-${process.arch}.bin`);
}

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Written through a temporary name: a reader never sees half a cache (V8 would reject it, but still). */
function writeAtomically(path: string, data: Buffer): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, data);
    renameSync(temp, path);
  } catch {
    // An unwritable cache folder: the next run compiles again, nothing else is lost.
  }
}

interface NodeModuleApi {
  enableCompileCache?: (dir?: string) => unknown;
  wrap(source: string): string;
}

/** `require(bundle)`, with the code cache in `dir` when there is one. */
export function requireWithCodeCache(bundle: string, dir: string | undefined): unknown {
  const api = Module as unknown as NodeModuleApi;
  if (!dir) return require(bundle) as unknown;
  if (api.enableCompileCache) {
    api.enableCompileCache(dir);
    return require(bundle) as unknown;
  }
  const file = cacheFile(dir, bundle);
  const cachedData = readOrUndefined(file);
  const script = new Script(api.wrap(readFileSync(bundle, 'utf8')), { filename: bundle, cachedData });
  const module = new Module(bundle) as Module & { filename: string; paths: string[]; loaded: boolean };
  module.filename = bundle;
  module.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(bundle));
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const moduleRequire = createRequire(bundle);
  wrapper.call(module.exports, module.exports, moduleRequire, module, bundle, dirname(bundle));
  module.loaded = true;
  // Saved when the run ends, not now: by then V8 has compiled the functions this command ran, and the
  // cache holds them too. Saved only when there was none or V8 refused it.
  if (!cachedData || script.cachedDataRejected) process.once('exit', () => writeAtomically(file, script.createCachedData()));
  return module.exports;
}
