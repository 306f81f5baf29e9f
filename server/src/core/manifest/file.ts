// The manifest on disk: read it (absent = empty), apply edits, write atomically (temp + rename), so a
// crash or a concurrent reader never sees half a pyproject.toml.
//
// This module is the only writer of a closed manifest: an edit (editManifestFile) or a replacement of
// the whole text (replaceManifestText, rewriteManifestFile) — both under the lock, the second only when
// the file still holds the text the new one was computed from, so a concurrent `model add` is never lost.
//
// An edit holds a cross-process lock beside the file and re-reads the text under it, so concurrent
// writers (several CLI processes, the CLI and an editor) each apply their edit to the other's result.
// A symlink is followed: the target is edited and replaced beside itself, keeping its mode. A file that
// is not valid UTF-8 is refused: re-encoding it would change bytes the user never asked us to touch.
// A big manifest that gets one model added is never held whole: it is read through a small buffer and
// copied around the new line (quickEdit.ts; allocating tens of MB costs more than the edit itself).
import { isUtf8 } from 'node:buffer';
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { withFileLock } from '../index/lock';
import { applySplices } from '../text';
import { editManifest, type ManifestEdit } from './edit';
import { quickScan } from './quickEdit';

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
const LF = 0x0a;
/** Bytes read at a time where a big manifest is read in pieces. */
const PIECE = 1024 * 1024;

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
    const piece = Buffer.allocUnsafe(PIECE);
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

const notUtf8 = (path: string, at: number) => new ManifestFileError(`${path} is not valid UTF-8 (byte ${at}); it is left untouched — save it as UTF-8 first`);

/** The bytes of a manifest without a leading byte order mark; bytes that are not UTF-8 are refused. */
function manifestBytes(path: string, bytes: Buffer): { body: Buffer; bom: boolean } {
  // isUtf8 checks 30 MB in milliseconds, without building the string a decoding would.
  if (!isUtf8(bytes)) throw notUtf8(path, invalidUtf8At(bytes));
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
 * Replace `path` atomically: `fill` writes the new content into a temp file beside it (false: nothing is
 * replaced), which is then renamed over it; `mode` is kept when given.
 */
async function replaceAtomic(path: string, mode: number | undefined, fill: (tmp: string) => Promise<boolean>): Promise<boolean> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    if (!(await fill(tmp))) {
      await fsp.rm(tmp, { force: true });
      return false;
    }
    if (mode !== undefined) await fsp.chmod(tmp, mode); // the umask may have narrowed it
    await fsp.rename(tmp, path);
    return true;
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    if (err instanceof ManifestFileError) throw err;
    // Name the user's file, not our temp file: that is the path they can act on.
    throw new ManifestFileError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Write `text` over `path` atomically: temp file beside it, then rename; `mode` is kept when given. */
export async function writeFileAtomic(path: string, text: string, mode?: number): Promise<void> {
  await replaceAtomic(path, mode, async (tmp) => {
    await fsp.writeFile(tmp, text, { encoding: 'utf8', mode: mode ?? 0o666 });
    return true;
  });
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

/**
 * The quick path (quickEdit.ts) on the file as it is now: read through one small buffer, then copied
 * into the new file with the line inserted. The file is checked to be unchanged (size, modification
 * time) after the copy; undefined when the quick path does not apply or the file changed meanwhile (the
 * full editor then reads it whole). Bytes that are not UTF-8 are refused as the full editor does.
 */
async function quickEditFile(path: string, target: string, edits: readonly ManifestEdit[]): Promise<ManifestFileEdit | undefined> {
  return withRegularFile(target, async (handle, size) => {
    const scan = quickScan(size, edits);
    if (!scan) return undefined;
    const before = await handle.stat();
    const piece = Buffer.allocUnsafe(PIECE);
    const readAt = async (position: number, length: number) => (await handle.read(piece, 0, Math.min(length, piece.length), position)).bytesRead;
    // Pass 1: regions of whole lines, each checked as UTF-8 and fed to the scan.
    for (let offset = 0, kept = 0; ; ) {
      const { bytesRead } = await handle.read(piece, kept, piece.length - kept, offset + kept);
      const filled = kept + bytesRead;
      const cut = bytesRead === 0 ? filled : piece.lastIndexOf(LF, filled - 1) + 1;
      if (cut === 0 && bytesRead > 0) return undefined; // a line longer than the buffer: the full editor
      const region = piece.subarray(0, cut);
      if (!isUtf8(region)) throw notUtf8(target, offset + invalidUtf8At(region));
      const skip = offset === 0 && region.subarray(0, BOM_BYTES.length).equals(BOM_BYTES) ? BOM_BYTES.length : 0;
      if (!scan.feed(region.subarray(skip), offset + skip)) return undefined;
      if (bytesRead === 0) break;
      piece.copy(piece, 0, cut, filled);
      offset += cut;
      kept = filled - cut;
    }
    const place = scan.place();
    if (!place) return undefined;
    const { previous } = place;
    if ((await readAt(previous.offset, previous.length)) !== previous.length) return undefined;
    const text = scan.insertion(piece.toString('utf8', 0, previous.length));
    if (text === undefined) return undefined;
    // Pass 2: the new file, the old bytes around the new line.
    const copied = await replaceAtomic(target, before.mode & 0o7777, async (tmp) => {
      const out = await fsp.open(tmp, 'wx', before.mode & 0o7777);
      try {
        const write = async (bytes: Buffer, length: number) => {
          for (let done = 0; done < length; ) done += (await out.write(bytes, done, length - done)).bytesWritten;
        };
        const copy = async (from: number, to: number) => {
          for (let at = from; at < to; ) {
            const n = await readAt(at, to - at);
            if (n === 0) return false;
            await write(piece, n);
            at += n;
          }
          return true;
        };
        if (!(await copy(0, place.offset))) return false;
        const line = Buffer.from(text, 'utf8');
        await write(line, line.length);
        if (!(await copy(place.offset, before.size))) return false;
      } finally {
        await out.close();
      }
      const after = await handle.stat();
      return after.size === before.size && after.mtimeMs === before.mtimeMs;
    });
    return copied ? { changed: true, warnings: hardLinkWarnings(path, before) } : undefined;
  });
}

function hardLinkWarnings(path: string, st: { nlink: number } | undefined): string[] {
  return st && st.nlink > 1 ? [`${path} had ${st.nlink - 1} other hard link(s); they keep the previous text (the edit writes a new file)`] : [];
}

export interface ManifestReplace {
  /** True when the file was written. */
  replaced: boolean;
  /** The file no longer held the text the new one was computed from: nothing was written. */
  stale: boolean;
  warnings: string[];
}

/**
 * Replace the whole text of the manifest at `path` with `next`, under its lock, only when the file still
 * holds `from` (the text `next` was computed from). A symlink is followed (the link stays), the mode and
 * the byte order mark are kept.
 */
export async function replaceManifestText(path: string, from: string, next: string): Promise<ManifestReplace> {
  const target = await editTarget(path);
  return withFileLock(target, async () => {
    const current = await readManifestText(target);
    if (current.text !== from) return { replaced: false, stale: true, warnings: [] };
    if (next === from) return { replaced: false, stale: false, warnings: [] };
    const st = await fsp.stat(target).catch(() => undefined);
    await writeFileAtomic(target, (current.bom ? BOM : '') + next, st ? st.mode & 0o7777 : undefined);
    return { replaced: true, stale: false, warnings: hardLinkWarnings(path, st) };
  });
}

/** How often a rewrite is computed again when other writers keep changing the file under it. */
const REWRITE_ATTEMPTS = 5;

/**
 * Compute a new whole text from the manifest's current text and write it (replaceManifestText). When
 * another writer changed the file between the read and the write, `compute` runs again on the new
 * text, so that writer's change is kept; `compute` should make a second run cheap (record what it
 * learned, e.g. hashes, before returning).
 */
export async function rewriteManifestFile<T>(
  path: string,
  compute: (current: ManifestText) => Promise<{ text: string; result: T }>,
): Promise<{ result: T; replaced: boolean; warnings: string[] }> {
  for (let attempt = 1; ; attempt++) {
    const current = await readManifestText(path);
    const { text, result } = await compute(current);
    const { replaced, stale, warnings } = await replaceManifestText(path, current.text, text);
    if (!stale) return { result, replaced, warnings };
    if (attempt === REWRITE_ATTEMPTS) throw new ManifestFileError(`${path} kept changing while it was being rewritten; nothing was written, try again`);
  }
}

/** Apply edits to the manifest file (created when missing), under its lock, on the text current then. */
export async function editManifestFile(path: string, edits: readonly ManifestEdit[]): Promise<ManifestFileEdit> {
  const target = await editTarget(path);
  return withFileLock(target, async () => {
    const quick = await quickEditFile(path, target, edits);
    if (quick) return quick;
    const { text, bom } = await readManifestText(target);
    const splices = editManifest(text, edits);
    if (!splices.length) return { changed: false, warnings: [] };
    const st = await fsp.stat(target).catch(() => undefined);
    await writeFileAtomic(target, (bom ? BOM : '') + applySplices(text, splices), st ? st.mode & 0o7777 : undefined);
    return { changed: true, warnings: hardLinkWarnings(path, st) };
  });
}
