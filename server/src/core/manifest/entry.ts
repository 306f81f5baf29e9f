// What the manifest records of an indexed model (DESIGN.md §7). Shared by the CLI's `model add` and
// the editor's quick fixes, so both write the same entry for the same file.
import type { ModelInfo, ModelLocation } from '../types';
import type { ModelEntryInput } from './tomlText';
import type { ManifestSource } from './types';
import { unsafeUrl } from './validate';

/**
 * `relative_path` as ComfyDock writes it: from a models root, category folder included. A root that
 * holds one category directly (an extra_model_paths.yaml entry) has no such folder, so it is added.
 */
export function manifestRelativePath(location: Pick<ModelLocation, 'relativePath' | 'name' | 'category'>): string {
  return location.relativePath === location.name && location.category ? `${location.category}/${location.name}` : location.relativePath;
}

/** The entry of an indexed file: size, the full hashes the index knows, http(s) sources (`extraSources` first, no repeats). */
export function modelEntryFor(location: ModelLocation, model: ModelInfo | undefined, category: string, extraSources: readonly ManifestSource[] = []): ModelEntryInput {
  const sources: ManifestSource[] = [];
  for (const s of [...extraSources, ...(model?.sources ?? [])]) {
    if (!unsafeUrl(s.url) && !sources.some((x) => x.url === s.url)) sources.push({ type: s.type, url: s.url });
  }
  return {
    hash: location.hash,
    filename: location.filename,
    category,
    relativePath: manifestRelativePath(location),
    size: location.size,
    ...(model?.blake3 ? { blake3: model.blake3 } : {}),
    ...(model?.sha256 ? { sha256: model.sha256 } : {}),
    sources,
  };
}
