// A local model as the store will hold it: which file, and the facts its object carries. Full hashes
// are computed when the index does not know them yet (the index op saving them is returned too).
import { join } from 'node:path';
import { fullHashFile } from '../hash/fullHash';
import type { IndexOp } from '../index/ops';
import type { IndexedLocation } from '../index/snapshot';
import type { StoredModel } from './metadata';

export interface LocalModel {
  path: string;
  quickHash: string;
  model: StoredModel;
  /** Full hashes just computed, to be saved in the index. */
  ops: IndexOp[];
}

export async function localModel(loc: IndexedLocation, signal?: AbortSignal): Promise<LocalModel> {
  const path = join(loc.root, ...loc.relativePath.split('/'));
  const ops: IndexOp[] = [];
  let { sha256, blake3 } = loc;
  if (!sha256 || !blake3) {
    const full = await fullHashFile(path, signal);
    ({ sha256, blake3 } = full);
    ops.push({ op: 'fullHashes', hash: loc.hash, sha256, blake3, origin: 'computed' });
  }
  const slash = loc.name.lastIndexOf('/');
  const model: StoredModel = { sha256, blake3, size: loc.size, filename: loc.filename, quickHash: loc.hash };
  if (loc.category) model.category = loc.category;
  if (slash > 0) model.subfolder = loc.name.slice(0, slash);
  if (loc.baseModel) model.baseModel = loc.baseModel;
  return { path, quickHash: loc.hash, model, ops };
}
