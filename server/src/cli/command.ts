// What a CLI command is: the table (commands.ts) lists them, each module in commands/ exports one.
import type { CliContext } from './context';

export interface CliCommand {
  /** One line for `--help`. */
  usage: string;
  run(ctx: CliContext): Promise<number>;
}
