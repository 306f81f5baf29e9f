// comfy-models: the CLI over the same engine as the language server (bundled to server/dist/cli.js).
import { parseArgs } from './cli/args';
import { COMMANDS } from './cli/commands';
import { createContext, type CliIO } from './cli/context';
import { EXIT_USAGE, reportError, UsageError } from './cli/errors';
import { escapeControl } from './cli/output';
import { VERSION } from './version';

function help(): string {
  const lines = Object.values(COMMANDS).map((c) => `  comfy-models ${c.usage}`);
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
      io.stdout(help());
      return name || args.flags.has('help') ? 0 : EXIT_USAGE;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command '${name}' (see comfy-models --help)`);
    return await command.run(createContext(args, io));
  } catch (err) {
    return reportError(err, io.stderr);
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    cwd: process.cwd(),
  }).then((code) => {
    process.exitCode = code;
  });
}
