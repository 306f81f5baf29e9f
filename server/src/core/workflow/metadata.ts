// Workflow `models` metadata ({name, url, directory, hash?, hash_type?}; top-level and per node in
// `properties.models`). It never creates a reference: it only enriches references whose value
// selects it (reference/comfyui-formats.md §3.6: unselected entries are stale leftovers).
import { canonicalCategory, normalizeRelativePath } from '../categories';
import type { ModelMetadata, ModelReference } from '../types';
import { items, prop, str, type Node } from './jsonTree';

export function readModelsMetadata(list: Node | undefined): ModelMetadata[] {
  const out: ModelMetadata[] = [];
  for (const entry of items(list)) {
    const name = str(prop(entry, 'name'));
    if (!name) continue;
    const m: ModelMetadata = { name };
    const url = str(prop(entry, 'url'));
    const directory = str(prop(entry, 'directory'));
    const hash = str(prop(entry, 'hash'));
    const hashType = str(prop(entry, 'hash_type'));
    if (url) m.url = url;
    if (directory) m.directory = directory;
    if (hash) m.hash = hash;
    if (hashType) m.hashType = hashType;
    out.push(m);
  }
  return out;
}

function baseName(p: string): string {
  const n = normalizeRelativePath(p);
  return n.slice(n.lastIndexOf('/') + 1);
}

/** True when `m` describes the model `ref` selects: same name (or same base name), compatible folder. */
export function selects(ref: Pick<ModelReference, 'value' | 'category'>, m: ModelMetadata): boolean {
  const sameName = m.name === ref.value || normalizeRelativePath(m.name) === normalizeRelativePath(ref.value) || m.name === baseName(ref.value);
  if (!sameName) return false;
  return !m.directory || !ref.category || canonicalCategory(m.directory) === ref.category;
}
