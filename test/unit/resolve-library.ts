// Test helper: a generated model library as index locations (for the resolver's unit tests and the
// bench), served by the index's real read side (IndexSnapshot).
import { canonicalCategory } from '../../server/src/core/categories';
import { IndexSnapshot, type IndexedLocation } from '../../server/src/core/index/snapshot';

export interface LibraryFile {
  /** Path under the root, `/`-separated, category folder first (`checkpoints/SDXL/a.safetensors`). */
  path: string;
  root?: string;
  hash?: string;
  sha256?: string;
}

let counter = 0;

export function location(file: LibraryFile): IndexedLocation {
  const segments = file.path.split('/');
  const category = segments.length > 1 ? canonicalCategory(segments[0]) : null;
  const name = segments.length > 1 ? segments.slice(1).join('/') : file.path;
  return {
    hash: file.hash ?? (++counter).toString(16).padStart(16, '0'),
    root: file.root ?? '/models',
    rootCategory: null,
    relativePath: file.path,
    name,
    filename: segments[segments.length - 1],
    category,
    size: 1000,
    mtimeMs: 0,
    ...(file.sha256 ? { sha256: file.sha256 } : {}),
  };
}

export function libraryIndex(files: readonly (LibraryFile | string)[]): IndexSnapshot {
  return new IndexSnapshot(1, files.map((f) => location(typeof f === 'string' ? { path: f } : f)));
}
