// The CLI's command table: one entry per top-level command, each in its own module.
import type { CliCommand } from './command';
import { dirCommand } from './commands/dir';
import { hashCommand } from './commands/hash';
import { indexCommand } from './commands/index';
import { refsCommand } from './commands/refs';
import { checkCommand } from './commands/check';
import { modelCommand } from './commands/model';

export const COMMANDS: Record<string, CliCommand> = {
  dir: dirCommand,
  hash: hashCommand,
  index: indexCommand,
  refs: refsCommand,
  check: checkCommand,
  model: modelCommand,
};
