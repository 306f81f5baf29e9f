// The CLI's command table: one entry per top-level command, each in its own module.
import type { CliContext } from './context';

export interface CliCommand {
  /** One line for `--help`. */
  usage: string;
  run(ctx: CliContext): Promise<number>;
}

export const COMMANDS: Record<string, CliCommand> = {};
