// How a failed run is reported: the error's message on stderr and the exit code it maps to. Apart from
// errors.ts because it knows the engine's error classes: loaded only when a run fails, so a command that
// never touches the index or a manifest does not load their modules to start.
import { ForeignDatabaseError } from '../core/index/schema';
import { IndexFileError } from '../core/index/store';
import { ManifestEditError } from '../core/manifest/edit';
import { ManifestFileError } from '../core/manifest/file';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './errors';

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
