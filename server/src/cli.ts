// comfy-models: the CLI over the same engine as the language server (bundled to server/dist/cliMain.js,
// which the `comfy-models` executable server/dist/cli.js loads through a code cache).
import { parseArgs } from './cli/args';
import { COMMANDS } from './cli/commands';
import { createContext, type CliIO } from './cli/context';
import { EXIT_USAGE, UsageError } from './cli/errors';
import { escapeControl } from './cli/output';
import { VERSION } from './version';

/** The usage lines: the one output that loads every command module. */
async function help(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  const lines = commands.map((c) => `  comfy-models ${c.usage}`);
  return [
    `comfy-models ${VERSION}`,
    '',
    'Usage:',
    ...lines,
    '',
    'Global options: --index PATH, --models-dir DIR (repeatable), --project DIR, --json',
    '',
  ].join('\n');
}

export async function runCli(argv: readonly string[], rawIo: CliIO): Promise<number> {
  // Every line printed passes through escapeControl: no value from a file reaches the terminal raw.
  const io: CliIO = { ...rawIo, stdout: (t) => rawIo.stdout(escapeControl(t)), stderr: (t) => rawIo.stderr(escapeControl(t)) };
  try {
    const args = parseArgs(argv);
    const [name] = args.positionals;
    if (args.flags.has('version')) {
      io.stdout(`${VERSION}\n`);
      return 0;
    }
    if (!name || args.flags.has('help') || name === 'help') {
      io.stdout(await help());
      return name || args.flags.has('help') ? 0 : EXIT_USAGE;
    }
    const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load) throw new UsageError(`unknown command '${name}' (see comfy-models --help)`);
    return await (await load()).run(createContext(args, io));
  } catch (err) {
    const { reportError } = await import('./cli/report.js');
    return reportError(err, io.stderr);
  }
}

/** Run the CLI on this process's arguments and streams; the exit code is set when it settles. */
export function main(): void {
  void runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  }).then((code) => {
    process.exitCode = code;
  });
}

// Run directly (the compiled out/ tree in tests); the bundle is started by the launcher (cliLauncher.ts).
if (require.main === module) main();
