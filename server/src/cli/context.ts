// What every CLI command gets: parsed arguments, output channels and the global options resolved.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { flag, flagAll, hasFlag, type ParsedArgs } from './args';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface CliContext {
  args: ParsedArgs;
  io: CliIO;
  json: boolean;
  /** Index database path: --index, else $COMFY_MODELS_INDEX, else the user cache dir. */
  indexPath: string;
  /** Roots given with --models-dir (absolute). */
  modelsDirs: string[];
  /** Project folder holding pyproject.toml: --project, else cwd. */
  projectDir: string;
}

export function defaultCliIndexPath(env: Record<string, string | undefined>): string {
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'comfy-models', 'index.sqlite');
}

export function createContext(args: ParsedArgs, io: CliIO): CliContext {
  return {
    args,
    io,
    json: hasFlag(args, 'json'),
    indexPath: resolve(io.cwd, flag(args, 'index') || io.env.COMFY_MODELS_INDEX || defaultCliIndexPath(io.env)),
    modelsDirs: flagAll(args, 'models-dir').map((d) => resolve(io.cwd, d)),
    projectDir: resolve(io.cwd, flag(args, 'project') || '.'),
  };
}

/** Print a value as JSON (with --json) or as text lines. */
export function output(ctx: CliContext, value: unknown, text: () => string): void {
  ctx.io.stdout(ctx.json ? JSON.stringify(value, null, 2) + '\n' : text());
}
