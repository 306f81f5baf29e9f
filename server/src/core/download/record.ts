// After a verified download: the file goes into the index with its full hashes, and its source (type,
// URL without secrets, provider ids) into model_sources. For manifests, the splice adding the source.
import { promises as fsp } from 'node:fs';
import { relative, sep } from 'node:path';
import { QUICK_HASH_ALGORITHM } from '../hash/quickHash';
import type { IndexOp } from '../index/ops';
import type { IndexStore } from '../index/store';
import { editManifest, type ManifestEdit } from '../manifest/edit';
import type { ModelRoot } from '../roots';
import { classify } from '../scan';
import type { TextSplice } from '../text';
import type { ModelSource } from '../types';
import { scrubUrl } from './hosts';
import type { TransferResult } from './transfer';

/** The root holding `path` (deepest first) and the path under it, `/`-separated. */
export function locateInRoots(path: string, roots: readonly ModelRoot[]): { root: ModelRoot; relativePath: string } | undefined {
  const hits = roots
    .map((root) => ({ root, relativePath: relative(root.path, path) }))
    .filter((h) => h.relativePath && !h.relativePath.startsWith('..') && !h.relativePath.startsWith(sep))
    .sort((a, b) => a.relativePath.length - b.relativePath.length);
  const hit = hits[0];
  return hit && { root: hit.root, relativePath: hit.relativePath.split(sep).join('/') };
}

/** Index the downloaded file and record its source, then save the index. */
export async function recordDownload(store: IndexStore, roots: readonly ModelRoot[], result: TransferResult, source: ModelSource): Promise<void> {
  const now = Date.now();
  const clean: ModelSource = { ...source, url: scrubUrl(source.url) };
  const ops: IndexOp[] = [
    { op: 'model', hash: result.quickHash, algorithm: QUICK_HASH_ALGORITHM, size: result.size, firstSeen: now, sha256: result.sha256, blake3: result.blake3, origin: 'download' },
    { op: 'fullHashes', hash: result.quickHash, sha256: result.sha256, blake3: result.blake3, origin: 'download' },
    { op: 'source', hash: result.quickHash, source: clean, addedAt: now },
  ];
  const at = locateInRoots(result.path, roots);
  const kind = at && classify(at.root, at.relativePath);
  if (at && kind) {
    const stat = await fsp.stat(result.path);
    const filename = at.relativePath.split('/').pop()!;
    ops.push({
      op: 'locate',
      lastSeen: now,
      location: { hash: result.quickHash, root: at.root.path, rootCategory: at.root.category, relativePath: at.relativePath, name: kind.name, filename, category: kind.category, size: stat.size, mtimeMs: stat.mtimeMs },
    });
  }
  store.apply(ops);
  await store.save();
}

/** The manifest edit adding a download's source to the entry of `quickHash` (URL scrubbed). */
export function manifestSourceEdit(quickHash: string, source: Pick<ModelSource, 'type' | 'url'>): ManifestEdit {
  return { kind: 'add-source', hash: quickHash, source: { type: source.type, url: scrubUrl(source.url) } };
}

/** Splices adding a download's source to the manifest entry of `quickHash` (minimal edit, URL scrubbed). */
export function manifestSourceSplices(manifestText: string, quickHash: string, source: Pick<ModelSource, 'type' | 'url'>): TextSplice[] {
  return editManifest(manifestText, [manifestSourceEdit(quickHash, source)]);
}
