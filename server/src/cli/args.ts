// Command-line parsing for comfy-models: global options (DESIGN.md §12) plus per-command flags.

import { UsageError } from './errors';

export interface ParsedArgs {
  /** Positional words after the global options (command, subcommand, operands). */
  positionals: string[];
  /** Flags: `--name value` or `--name` (true). Repeatable flags collect into arrays. */
  flags: Map<string, (string | true)[]>;
}

/** Flags that never take a value. */
const BOOLEAN_FLAGS = new Set([
  'json', 'full', 'duplicates', 'optional', 'full-hashes', 'download', 'help', 'version', 'check', 'dry-run', 'summary', 'path-style',
  'auto-push', 'manifest',
]);

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, (string | true)[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      let value: string | true;
      if (eq > 0) value = arg.slice(eq + 1);
      else if (BOOLEAN_FLAGS.has(name)) value = true;
      else {
        if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value`);
        value = argv[++i];
      }
      flags.set(name, [...(flags.get(name) ?? []), value]);
    } else positionals.push(arg);
  }
  return { positionals, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  const last = v?.[v.length - 1];
  return typeof last === 'string' ? last : undefined;
}

export function flagAll(args: ParsedArgs, name: string): string[] {
  return (args.flags.get(name) ?? []).filter((v): v is string => typeof v === 'string');
}

export function hasFlag(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}
