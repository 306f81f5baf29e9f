// The CLI's one mapping from what went wrong to an exit code and a stderr line (DESIGN.md §12:
// 0 ok, 1 missing/failed, 2 bad usage or input). Commands throw; runCli reports.
import { ForeignDatabaseError } from '../core/index/schema';
import { IndexFileError } from '../core/index/store';
import { ManifestEditError } from '../core/manifest/edit';
import { ManifestFileError } from '../core/manifest/file';

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

/** Write `err` to stderr the one way the CLI does, and give the exit code it maps to. */
export function reportError(err: unknown, stderr: (text: string) => void): number {
  const message = err instanceof Error ? err.message : String(err);
  stderr(`comfy-models: ${message}\n`);
  if (err instanceof CliError) return err.exitCode;
  if (err instanceof ManifestEditError) return EXIT_USAGE; // the manifest cannot take the edit: input to fix
  if (err instanceof ManifestFileError) return EXIT_USAGE; // a manifest that is a folder, a FIFO, not UTF-8, …
  if (err instanceof IndexFileError || err instanceof ForeignDatabaseError) return EXIT_USAGE; // --index names no index of ours: untouched
  return EXIT_FAILED;
}
