// The CLI's command table: one entry per top-level command, each in its own module, loaded only when
// that command runs (`--version` or `refs` must not pay for sql.js, the HTTP stack or the hash workers).
import type { CliCommand } from './command';

export type LoadCommand = () => Promise<CliCommand>;

export const COMMANDS: Record<string, LoadCommand> = {
  dir: async () => (await import('./commands/dir.js')).dirCommand,
  hash: async () => (await import('./commands/hash.js')).hashCommand,
  index: async () => (await import('./commands/index.js')).indexCommand,
  refs: async () => (await import('./commands/refs.js')).refsCommand,
  check: async () => (await import('./commands/check.js')).checkCommand,
  model: async () => (await import('./commands/model.js')).modelCommand,
  download: async () => (await import('./commands/download.js')).downloadCommand,
  export: async () => (await import('./commands/export.js')).exportCommand,
  import: async () => (await import('./commands/import.js')).importCommand,
  link: async () => (await import('./commands/link.js')).linkCommand,
  unlink: async () => (await import('./commands/link.js')).unlinkCommand,
  plan: async () => (await import('./commands/plan.js')).planCommand,
  health: async () => (await import('./commands/health.js')).healthCommand,
  updates: async () => (await import('./commands/updates.js')).updatesCommand,
  mv: async () => (await import('./commands/mv.js')).mvCommand,
  store: async () => (await import('./commands/store.js')).storeCommand,
};
