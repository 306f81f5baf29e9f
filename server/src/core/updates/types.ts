// What an update check finds for one model source, as stored in the index and shown by the CLI and the
// Models view. Every URL here is free of secrets (scrubbed before it gets here).
import type { ProviderKind } from '../download/hosts';

/** A version a provider offers: a CivitAI model version, or a Hugging Face file at a commit. */
export interface OfferedVersion {
  /** CivitAI version id, or the Hugging Face commit. */
  versionId: string;
  /** Version name (CivitAI) or short commit (Hugging Face). */
  name?: string;
  publishedAt?: string;
  baseModel?: string;
  size?: number;
  sha256?: string;
  fileName?: string;
  downloadUrl: string;
}

export interface ModelUpdate extends OfferedVersion {
  /** CivitAI: a newer published version of the same model and base model; Hugging Face: the file changed on its branch. */
  kind: 'new-version' | 'changed-upstream';
}

export interface UpdateResult {
  /** Quick hash of the local model. */
  hash: string;
  provider: ProviderKind;
  /** The source (model_sources url) that was checked. */
  sourceUrl: string;
  /** Milliseconds since the epoch. */
  checkedAt: number;
  modelName?: string;
  /** What the local file is: its version (or commit) and base model as the provider lists them. */
  current: { versionId?: string; name?: string; baseModel?: string; sha256?: string };
  update?: ModelUpdate;
  /** Newer versions for another base model: listed apart, never an update. */
  otherBaseModels: OfferedVersion[];
}

/** "Ignore this version" (versionId) or "Ignore updates for this model" (versionId null). */
export interface UpdateIgnore {
  hash: string;
  versionId: string | null;
}

/** Whether `result`'s update is hidden by the ignores of its model. */
export function isIgnored(result: UpdateResult, ignores: readonly UpdateIgnore[]): boolean {
  return ignores.some((i) => i.hash === result.hash && (i.versionId === null || i.versionId === result.update?.versionId));
}
