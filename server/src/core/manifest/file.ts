// The manifest on disk: read it (absent = empty), apply edits, write atomically (temp + rename), so a
// crash or a concurrent reader never sees half a pyproject.toml.
//
// An edit holds a cross-process lock beside the file and re-reads the text under it, so concurrent
// writers (several CLI processes, the CLI and an editor) each apply their edit to the other's result.
// A symlink is followed: the target is edited and replaced beside itself, keeping its mode. A file that
// is not valid UTF-8 is refused: re-encoding it would change bytes the user never asked us to touch.
import { isUtf8 } from 'node:buffer';
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { withFileLock } from '../index/lock';
import { applySplices } from '../text';
import { editManifest, type ManifestEdit } from './edit';
import { quickEdit } from './quickEdit';

/** The manifest cannot be read or written as a text file (not a regular file, not UTF-8). */
export class ManifestFileError extends Error {}

export interface ManifestText {
  /** The text without a leading byte order mark. */
  text: string;
  exists: boolean;
  /** The file starts with a UTF-8 byte order mark (kept on every write). */
  bom: boolean;
}

const BOM = '\uFEFF';
const BOM_BYTES = Buffer.from(BOM, 'utf8');

/** Run `read` on a regular file (undefined when absent); a folder, FIFO or device is refused before it can block. */
async function withRegularFile<T>(path: string, read: (handle: fsp.FileHandle, size: number) => Promise<T>): Promise<T | undefined> {
  let handle: fsp.FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever.
    handle = await fsp.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'EISDIR') throw new ManifestFileError(`${path} is not a regular file (it is a folder)`);
    throw new ManifestFileError(`${path} cannot be read (${code ?? (err as Error).message})`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new ManifestFileError(`${path} is not a regular file (it is ${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : 'a special file'})`);
    return await read(handle, st.size);
  } finally {
    await handle.close();
  }
}

/** Read bytes of a regular file; a folder, FIFO or device is refused before it can block. */
export function readRegularFile(path: string): Promise<Buffer | undefined> {
  return withRegularFile(path, (handle) => handle.readFile());
}

/** The size of a regular file (undefined when absent). */
export function regularFileSize(path: string): Promise<number | undefined> {
  return withRegularFile(path, async (_, size) => size);
}

/**
 * Whether a regular file's bytes hold `needle` (ASCII), read in pieces into one small buffer: a big
 * manifest is never held whole just to learn whether it mentions a hash.
 */
export async function fileIncludes(path: string, needle: string): Promise<boolean> {
  const found = await withRegularFile(path, async (handle) => {
    const piece = Buffer.allocUnsafe(1024 * 1024);
    let kept = 0; // the end of the previous piece, where a match may begin
    for (;;) {
      const { bytesRead } = await handle.read(piece, kept, piece.length - kept);
      if (!bytesRead) return false;
      const filled = kept + bytesRead;
      if (piece.subarray(0, filled).includes(needle)) return true;
      kept = Math.min(needle.length - 1, filled);
      piece.copy(piece, 0, filled - kept, filled);
    }
  });
  return found ?? false;
}

/** Offset of the first byte that is not valid UTF-8 (the bytes are known to hold one). */
function invalidUtf8At(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length; // the shortest invalid prefix ends at the bad byte
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid + 1), { stream: true });
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return lo;
}

/** The bytes of a manifest without a leading byte order mark; bytes that are not UTF-8 are refused. */
function manifestBytes(path: string, bytes: Buffer): { body: Buffer; bom: boolean } {
  // isUtf8 checks 30 MB in milliseconds, without building the string a decoding would.
  if (!isUtf8(bytes)) throw new ManifestFileError(`${path} is not valid UTF-8 (byte ${invalidUtf8At(bytes)}); it is left untouched — save it as UTF-8 first`);
  const bom = bytes.subarray(0, BOM_BYTES.length).equals(BOM_BYTES);
  return { body: bom ? bytes.subarray(BOM_BYTES.length) : bytes, bom };
}

export async function readManifestText(path: string): Promise<ManifestText> {
  const bytes = await readRegularFile(path);
  if (!bytes) return { text: '', exists: false, bom: false };
  const { body, bom } = manifestBytes(path, bytes);
  return { text: body.toString('utf8'), exists: true, bom };
}

/**
 * Write `text` (or these pieces of text and bytes, one after the other) over `path` atomically: temp file
 * beside it, then rename; `mode` is kept when given.
 */
export async function writeFileAtomic(path: string, text: string | readonly (string | Uint8Array)[], mode?: number): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fsp.writeFile(tmp, text, { encoding: 'utf8', mode: mode ?? 0o666 });
    if (mode !== undefined) await fsp.chmod(tmp, mode); // the umask may have narrowed it
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    // Name the user's file, not our temp file: that is the path they can act on.
    throw new ManifestFileError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** The file an edit of `path` must replace: the end of its symlink chain (itself when absent). */
async function editTarget(path: string): Promise<string> {
  try {
    return await fsp.realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    // A dangling link names the file to create.
    const link = await fsp.readlink(path).catch(() => undefined);
    return link === undefined ? path : join(dirname(path), link);
  }
}

export interface ManifestFileEdit {
  /** False when the edits changed nothing. */
  changed: boolean;
  /** Things the user should know about the write (hard links left with the old text). */
  warnings: string[];
}

/** The manifest's content after the edits, in pieces (undefined when the edits change nothing). */
function edited(body: Buffer, edits: readonly ManifestEdit[]): (string | Uint8Array)[] | undefined {
  // A big file gets one line inserted among its bytes, never decoded as a whole.
  const quick = quickEdit(body, edits);
  if (quick) return [body.subarray(0, quick.offset), quick.text, body.subarray(quick.offset)];
  const text = body.toString('utf8');
  const splices = editManifest(text, edits);
  return splices.length ? [applySplices(text, splices)] : undefined;
}

/** Apply edits to the manifest file (created when missing), under its lock, on the text current then. */
export async function editManifestFile(path: string, edits: readonly ManifestEdit[]): Promise<ManifestFileEdit> {
  const target = await editTarget(path);
  return withFileLock(target, async () => {
    const bytes = await readRegularFile(target);
    const { body, bom } = bytes ? manifestBytes(target, bytes) : { body: Buffer.alloc(0), bom: false };
    const content = edited(body, edits);
    if (!content) return { changed: false, warnings: [] };
    const st = await fsp.stat(target).catch(() => undefined);
    const warnings = st && st.nlink > 1
      ? [`${path} had ${st.nlink - 1} other hard link(s); they keep the previous text (the edit writes a new file)`]
      : [];
    await writeFileAtomic(target, bom ? [BOM, ...content] : content, st ? st.mode & 0o7777 : undefined);
    return { changed: true, warnings };
  });
}
