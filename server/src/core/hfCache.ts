// The Hugging Face cache (`~/.cache/huggingface/hub`) as a read-only model root: custom nodes download
// models there that no model tool indexes. Layout (huggingface_hub): `<type>s--<org>--<name>/blobs/<id>`
// holds the bytes, `snapshots/<commit>/<path>` are symlinks to the blobs, `refs/<branch>` holds the commit a
// branch was at. An LFS blob is named by its SHA-256, so the file's SHA-256 is known without reading it.
// We never write, move or delete anything in it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DEFAULT_ENDPOINTS } from './download/hosts';
import type { ModelKind } from './modelInfo/types';
import type { ModelRoot } from './roots';
import type { ModelSource } from './types';

/** The root category marking a Hugging Face cache root in the index (not a category: `@` is no folder name of ours). */
export const HF_CACHE_ROOT = '@hf-cache';

export const isHfCacheRoot = (root: { category: string | null } | { rootCategory: string | null }): boolean =>
  ('category' in root ? root.category : root.rootCategory) === HF_CACHE_ROOT;

/**
 * The cache folder: the setting when given ("off" disables it), else HF_HUB_CACHE, else HF_HOME/hub, else
 * ~/.cache/huggingface/hub (XDG_CACHE_HOME respected as huggingface_hub does). Undefined when it is off or absent.
 */
export function huggingFaceCacheDir(env: Record<string, string | undefined>, home: string | undefined, setting = ''): string | undefined {
  if (setting.trim().toLowerCase() === 'off') return undefined;
  const cacheHome = env.XDG_CACHE_HOME || (home ? join(home, '.cache') : undefined);
  const dir = setting.trim() || env.HF_HUB_CACHE || (env.HF_HOME ? join(env.HF_HOME, 'hub') : cacheHome && join(cacheHome, 'huggingface', 'hub'));
  if (!dir) return undefined;
  try {
    return statSync(dir).isDirectory() ? dir : undefined;
  } catch {
    return undefined;
  }
}

export function huggingFaceCacheRoot(dir: string): ModelRoot {
  return { path: dir, category: HF_CACHE_ROOT, origin: 'Hugging Face cache' };
}

export interface HfCachePath {
  repoType: 'model' | 'dataset' | 'space';
  /** `org/name`. */
  repo: string;
  /** The snapshot folder: a commit. */
  commit: string;
  /** Path of the file inside the repo. */
  path: string;
}

const REPO_FOLDER = /^(model|dataset|space)s--(.+)$/;

/** What a path under the cache root names, or null when it is not a snapshot file. */
export function parseHfCachePath(relativePath: string): HfCachePath | null {
  const parts = relativePath.split('/');
  if (parts.length < 4 || parts[1] !== 'snapshots') return null;
  const m = REPO_FOLDER.exec(parts[0]);
  if (!m) return null;
  const sep = m[2].indexOf('--');
  const repo = sep > 0 ? `${m[2].slice(0, sep)}/${m[2].slice(sep + 2)}` : m[2];
  return { repoType: m[1] as HfCachePath['repoType'], repo, commit: parts[2], path: parts.slice(3).join('/') };
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The SHA-256 an LFS blob's name is (from the symlink's target, no byte of the file read); undefined for git files. */
export function blobSha256(linkTarget: string): string | undefined {
  const name = basename(linkTarget);
  return SHA256.test(name) ? name : undefined;
}

/** The branch whose ref holds `commit` (so an update check follows the branch), else the commit itself. */
export function branchOf(cacheDir: string, repoFolder: string, commit: string): string {
  const refs = join(cacheDir, repoFolder, 'refs');
  try {
    for (const name of readdirSync(refs)) {
      if (readFileSync(join(refs, name), 'utf8').trim() === commit) return name;
    }
  } catch {
    // no refs folder: the snapshot is known by its commit only
  }
  return commit;
}

/** The category a model's header says it belongs to (unknown stays null). */
export function categoryOfKind(kind: ModelKind | undefined): string | null {
  switch (kind) {
    case 'checkpoint': return 'checkpoints';
    case 'diffusion_model': return 'diffusion_models';
    case 'lora':
    case 'lycoris': return 'loras';
    case 'controlnet': return 'controlnet';
    case 'vae': return 'vae';
    case 'text_encoder': return 'text_encoders';
    case 'embedding': return 'embeddings';
    default: return null;
  }
}

export interface HfCacheFacts {
  /** From the LFS blob's name; absent for small git files (their blob is named by the git SHA-1). */
  sha256?: string;
  source: ModelSource;
}

/** What the cache itself says about a snapshot file: its SHA-256 (LFS) and where it came from. */
export async function hfCacheFacts(root: string, relativePath: string): Promise<HfCacheFacts | undefined> {
  const at = parseHfCachePath(relativePath);
  if (!at) return undefined;
  let target: string;
  try {
    target = await readlink(join(root, ...relativePath.split('/')));
  } catch {
    target = ''; // a plain file (a copied cache, Windows without symlinks): no blob name to read
  }
  const repoFolder = relativePath.split('/')[0];
  const revision = branchOf(root, repoFolder, at.commit);
  const repo = at.repoType === 'model' ? at.repo : `${at.repoType}s/${at.repo}`;
  const path = at.path.split('/').map(encodeURIComponent).join('/');
  const facts: HfCacheFacts = {
    source: {
      type: 'huggingface',
      url: `${DEFAULT_ENDPOINTS.huggingFaceEndpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${path}`,
      metadata: { repo, revision, path: at.path, commit: at.commit, cache: true },
    },
  };
  const sha256 = target ? blobSha256(target) : undefined;
  if (sha256) facts.sha256 = sha256;
  return facts;
}
