// Reading what a model file is at sync time: picks the reader by extension, describes the header, and
// turns every refusal into a warning. Never throws.
import { extname } from 'node:path';
import { describeHeader } from './detect';
import { readGgufHeader } from './gguf';
import { readSafetensorsHeader } from './safetensors';
import type { ModelHeaderInfo } from './types';

/** Bumped when detection improves: a stored stamp of an older reader makes the next sync read the header again. */
export const HEADER_READER_VERSION = 1;

/** What a file's header stamp is when read by this reader at this size and mtime. */
export const headerStamp = (size: number, mtimeMs: number): string => `${HEADER_READER_VERSION}:${size}:${mtimeMs}`;

/** Header info for a `.safetensors`/`.sft`/`.gguf` file; null for other formats or a header that was refused (with `warn`). */
export async function readModelInfo(path: string, warn: (message: string) => void): Promise<ModelHeaderInfo | null> {
  const ext = extname(path).toLowerCase();
  const format = ext === '.safetensors' || ext === '.sft' ? 'safetensors' : ext === '.gguf' ? 'gguf' : null;
  if (!format) return null;
  const result = format === 'gguf' ? await readGgufHeader(path) : await readSafetensorsHeader(path);
  if (!result.ok) {
    warn(`ignored the ${format} header of ${path}: ${result.reason}`);
    return null;
  }
  try {
    return describeHeader(format, result.header);
  } catch (err) {
    warn(`ignored the ${format} header of ${path}: ${err instanceof Error ? err.message : err}`);
    return null;
  }
}
