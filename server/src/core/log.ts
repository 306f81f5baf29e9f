// The engine logs through this port; the server binds it to the LSP connection (which lands in the
// "Comfy Models" log channel), the CLI to stderr, tests to nothing.
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const nullLogger: Logger = { info() {}, warn() {}, error() {} };
