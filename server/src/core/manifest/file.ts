// The manifest on disk: read it (absent = empty), apply edits, write atomically (temp + rename), so a
// crash or a concurrent reader never sees half a pyproject.toml.
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { applySplices } from '../text';
import { editManifest, type ManifestEdit } from './edit';

export async function readManifestText(path: string): Promise<{ text: string; exists: boolean }> {
  try {
    return { text: await fsp.readFile(path, 'utf8'), exists: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { text: '', exists: false };
    throw err;
  }
}

export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await fsp.writeFile(tmp, text, 'utf8');
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}

/** Apply edits to the manifest file (created when missing); returns false when nothing changed. */
export async function editManifestFile(path: string, edits: readonly ManifestEdit[]): Promise<boolean> {
  const { text } = await readManifestText(path);
  const splices = editManifest(text, edits);
  if (!splices.length) return false;
  await writeFileAtomic(path, applySplices(text, splices));
  return true;
}
