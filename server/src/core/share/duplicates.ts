// Deleting one copy of a duplicated model (library health). The confirmation is the caller's; this only
// ever deletes a file while another copy of the same model is still on disk (checked now, not from the
// index alone), so the last copy is never lost.
import { promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { isHfCacheRoot } from '../hfCache';
import type { IndexOp } from '../index/ops';
import type { IndexedLocation, IndexSnapshot } from '../index/snapshot';

export class LastCopyError extends Error {}

const pathOf = (l: IndexedLocation) => join(l.root, l.relativePath);

async function stillThere(l: IndexedLocation): Promise<boolean> {
  const st = await fsp.stat(pathOf(l)).catch(() => undefined);
  return !!st?.isFile() && st.size === l.size;
}

/** Delete the indexed file at `path`; returns the index operation that forgets it. */
export async function deleteDuplicateCopy(snapshot: Pick<IndexSnapshot, 'locations' | 'byHash'>, path: string): Promise<IndexOp> {
  const target = resolve(path);
  const location = snapshot.locations.find((l) => pathOf(l) === target);
  if (!location) throw new LastCopyError(`${target} is not an indexed model file`);
  if (isHfCacheRoot(location)) throw new LastCopyError(`${target} is in the Hugging Face cache, which Comfy Models never changes; delete it with huggingface-cli if you must`);
  const others = snapshot.byHash(location.hash).filter((l) => l !== location && pathOf(l) !== target);
  let kept: IndexedLocation | undefined;
  for (const l of others) if (await stillThere(l)) kept = kept ?? l;
  if (!kept) throw new LastCopyError(`${target} is the last copy of model ${location.hash} on disk; it is not deleted`);
  await fsp.rm(target);
  return { op: 'unlocate', root: location.root, rootCategory: location.rootCategory, relativePath: location.relativePath };
}
