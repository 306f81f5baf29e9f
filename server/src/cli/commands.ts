// The CLI's command table: one entry per top-level command, each in its own module.
import type { CliCommand } from './command';
import { dirCommand } from './commands/dir';
import { hashCommand } from './commands/hash';
import { indexCommand } from './commands/index';
import { refsCommand } from './commands/refs';
import { checkCommand } from './commands/check';
import { modelCommand } from './commands/model';
import { downloadCommand } from './commands/download';
import { exportCommand } from './commands/export';
import { importCommand } from './commands/import';
import { linkCommand, unlinkCommand } from './commands/link';
import { planCommand } from './commands/plan';
import { healthCommand } from './commands/health';
import { storeCommand } from './commands/store';

export const COMMANDS: Record<string, CliCommand> = {
  dir: dirCommand,
  hash: hashCommand,
  index: indexCommand,
  refs: refsCommand,
  check: checkCommand,
  model: modelCommand,
  download: downloadCommand,
  export: exportCommand,
  import: importCommand,
  link: linkCommand,
  unlink: unlinkCommand,
  plan: planCommand,
  health: healthCommand,
  store: storeCommand,
};
