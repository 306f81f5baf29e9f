// Where a download lands (DESIGN.md §10): `<model root>/<category folder>[/<subfolder>]`, never outside
// a model root, and the expected hashes of the caller and the provider merged (a disagreement between
// them is a mismatch before any byte is fetched).
import { join, resolve } from 'node:path';
import { canonicalCategory } from '../categories';
import { isHfCacheRoot } from '../hfCache';
import type { ModelRoot } from '../roots';
import { DownloadError } from './errors';
import type { ExpectedFile } from './transfer';

/** The configured roots at `path` (a target the user chose); empty when no model root is there. */
export function rootsAt(roots: readonly ModelRoot[], path: string): ModelRoot[] {
  const wanted = resolve(path);
  return roots.filter((r) => resolve(r.path) === wanted);
}

/**
 * The folder for `category` (+ `subfolder`): a root holding that category directly, else the first
 * ComfyUI-style root; only the roots at `root` when the caller chose one.
 */
export function targetFolder(roots: readonly ModelRoot[], category: string, subfolder?: string, root?: string): string {
  if (root !== undefined && rootsAt(roots, root).some(isHfCacheRoot)) {
    throw new DownloadError('outside-roots', `${root} is the Hugging Face cache, which Comfy Models only reads; choose a model folder`);
  }
  roots = roots.filter((r) => !isHfCacheRoot(r)); // read-only: never a download target
  if (root !== undefined) {
    const chosen = rootsAt(roots, root);
    if (!chosen.length) throw new DownloadError('outside-roots', `${root} is not one of the model folders`);
    roots = chosen;
  }
  const canonical = canonicalCategory(category);
  if (!/^[\w.-]+$/.test(canonical) || canonical.startsWith('.')) throw new DownloadError('outside-roots', `not a category folder name: ${category}`);
  const sub = subfolder ? safeSubfolder(subfolder) : [];
  const direct = roots.find((r) => r.category === canonical);
  if (direct) return join(direct.path, ...sub);
  const comfy = roots.find((r) => r.category === null);
  if (!comfy && root !== undefined) throw new DownloadError('outside-roots', `${root} holds ${roots[0].category} only, not ${canonical}`);
  if (!comfy) throw new DownloadError('outside-roots', 'no model folder is configured to download into (add one: the modelDirectories setting, or --models-dir / dir add)');
  return join(comfy.path, canonical, ...sub);
}

function safeSubfolder(subfolder: string): string[] {
  const parts = subfolder.replace(/\\/g, '/').split('/').filter((s) => s && s !== '.');
  // eslint-disable-next-line no-control-regex
  if (parts.some((p) => p === '..' || /[\u0000-\u001f:]/.test(p)) || /^([a-z]:)?[\\/]/i.test(subfolder)) {
    throw new DownloadError('outside-roots', `the subfolder ${subfolder} would leave the model folder`);
  }
  return parts;
}

/** The caller's expectations and the provider's metadata, merged; conflicting values are a mismatch now. */
export function mergeExpected(caller: ExpectedFile | undefined, provider: ExpectedFile, where: string): ExpectedFile {
  const merged: ExpectedFile = { ...provider };
  for (const key of ['size', 'sha256', 'blake3', 'quickHash'] as const) {
    const mine = caller?.[key];
    if (mine === undefined || mine === '') continue;
    const theirs = provider[key];
    const a = typeof mine === 'string' ? mine.toLowerCase() : mine;
    const b = typeof theirs === 'string' ? theirs.toLowerCase() : theirs;
    if (b !== undefined && a !== b) {
      throw new DownloadError(key === 'size' ? 'size-mismatch' : 'hash-mismatch', `${where} announces ${key} ${b}, but ${a} was expected: not the wanted file, nothing was downloaded`);
    }
    (merged as Record<string, unknown>)[key] = a;
  }
  return merged;
}
