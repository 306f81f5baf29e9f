// The name a model is renamed or moved to, as workflows write it (relative to its category folder):
// checked before anything is planned, so a name ComfyUI cannot load, a path leaving the model root or
// a target that exists is refused with a message and nothing changes.
import { extname, posix } from 'node:path';
import type { ModelLocation } from '../types';

export interface RenameTarget {
  /** The new name, `/`-separated, relative to the category folder (what a workflow will write). */
  name: string;
  /** The new path under the same root, `/`-separated. */
  relativePath: string;
  filename: string;
}

export class RenameRefused extends Error {}

/**
 * Where `location` goes when renamed to `newName` (`\` accepted as a separator). Throws RenameRefused
 * with the reason: empty, absolute, `.`/`..` segments, another extension (ComfyUI picks the loader
 * by it), the same name, or (`exists`) a file already there.
 */
export function renameTarget(location: ModelLocation, newName: string, exists: (relativePath: string) => boolean): RenameTarget {
  const name = newName.trim().replace(/\\/g, '/');
  if (!name) throw new RenameRefused('the new name is empty');
  if (name.startsWith('/') || /^[a-z]:/i.test(name)) throw new RenameRefused(`'${newName}' is an absolute path; give the name relative to the ${location.category ?? 'model'} folder`);
  const segments = name.split('/');
  if (segments.some((s) => s === '..' || s === '.' || s === '')) {
    throw new RenameRefused(`'${newName}' has an empty, '.' or '..' segment: the model must stay inside its model folder`);
  }
  if (segments.some((s) => /[\u0000-\u001f<>:"|?*]/.test(s))) throw new RenameRefused(`'${newName}' has characters a file name cannot hold`);
  const oldExt = extname(location.filename).toLowerCase();
  const newExt = extname(name).toLowerCase();
  if (newExt !== oldExt) {
    throw new RenameRefused(`'${newName}' does not end with '${oldExt}': ComfyUI chooses how to load a model by its extension, so keep it`);
  }
  if (name === location.name) throw new RenameRefused(`the model is already named '${location.name}'`);
  // The category folder part of the path (empty for a root that holds one category directly).
  const folder = location.relativePath.slice(0, location.relativePath.length - location.name.length);
  const relativePath = folder + name;
  if (posix.normalize(relativePath) !== relativePath) throw new RenameRefused(`'${newName}' does not stay inside the model folder`);
  if (exists(relativePath)) throw new RenameRefused(`'${name}' already exists; nothing was changed`);
  return { name, relativePath, filename: segments[segments.length - 1] };
}

/**
 * The text a reference token gets for the new name: the workflow's own separator style is kept (a
 * value written with `\` keeps `\`), an embedding written without its extension stays without it.
 * `raw` is the JSON string content as written (escapes included); the result is JSON-escaped too.
 */
export function renamedValue(oldValue: string, oldFilename: string, target: RenameTarget): string {
  let value = target.name;
  const ext = extname(oldFilename);
  if (ext && !oldValue.toLowerCase().endsWith(ext.toLowerCase()) && value.toLowerCase().endsWith(ext.toLowerCase())) value = value.slice(0, -ext.length);
  if (oldValue.includes('\\') && !oldValue.includes('/')) value = value.replace(/\//g, '\\');
  return JSON.stringify(value).slice(1, -1);
}
