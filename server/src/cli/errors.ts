// The CLI's one mapping from what went wrong to an exit code and a stderr line (DESIGN.md §12:
// 0 ok, 1 missing/failed, 2 bad usage or input). Commands throw; runCli reports (report.ts).
// Nothing here imports the engine: every command, `--version` included, loads this module.

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** An error whose message is for the user as it is, with the exit code it ends the run with. */
export abstract class CliError extends Error {
  abstract readonly exitCode: number;
}

/** The command line is wrong (unknown command, missing operand, bad option). */
export class UsageError extends CliError {
  readonly exitCode = EXIT_USAGE;
}

/** The input is wrong in a way the user can fix (a file that is not a folder, an unknown model, a malformed manifest). */
export class InputError extends CliError {
  readonly exitCode = EXIT_USAGE;
}

/** The operation could not be done (the message says why). */
export class OperationFailed extends CliError {
  readonly exitCode = EXIT_FAILED;
}
