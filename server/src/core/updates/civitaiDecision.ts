// Which CivitAI version is an update of a local one: a newer published version of the same model and
// the same base model. Early-access, unpublished and archived (file-less) versions are noise users asked
// not to see; a newer version for another base model is listed apart, never offered as an update.
import { scrubUrl } from '../download/hosts';
import type { CivitaiModel, CivitaiVersion } from '../providers/civitai';
import type { OfferedVersion, UpdateResult } from './types';

export interface CivitaiDecisionInput {
  model: CivitaiModel;
  currentVersionId: number;
  /** Base model the source recorded, used when the current version is no longer listed. */
  currentBaseModel?: string;
  /** Version ids the user ignored for this model. */
  ignoredVersionIds: ReadonlySet<string>;
  baseUrl: string;
  now: number;
}

type Decision = Pick<UpdateResult, 'current' | 'update' | 'otherBaseModels' | 'modelName'>;

/** Downloadable by anyone now: published, not early access, and with files (an archived version has none). */
export function offeredNow(v: CivitaiVersion, now: number): boolean {
  if ((v.status ?? 'Published') !== 'Published') return false;
  if (v.availability === 'EarlyAccess' || (v.earlyAccessEndsAt && Date.parse(v.earlyAccessEndsAt) > now)) return false;
  return (v.files ?? []).length > 0;
}

/** Ordering key: publication time, else the id (ids grow with time on CivitAI). */
const publishedKey = (v: CivitaiVersion) => {
  const t = v.publishedAt ? Date.parse(v.publishedAt) : NaN;
  return Number.isFinite(t) ? t : v.id;
};

export function decideCivitai(input: CivitaiDecisionInput): Decision {
  const versions = input.model.modelVersions ?? [];
  const current = versions.find((v) => v.id === input.currentVersionId);
  const baseModel = current?.baseModel ?? input.currentBaseModel;
  const newerThanCurrent = (v: CivitaiVersion) => (current ? publishedKey(v) > publishedKey(current) : v.id > input.currentVersionId);
  const newer = versions
    .filter((v) => v.id !== input.currentVersionId && newerThanCurrent(v) && offeredNow(v, input.now) && !input.ignoredVersionIds.has(String(v.id)))
    .sort((a, b) => publishedKey(b) - publishedKey(a));
  const same = newer.filter((v) => baseModel === undefined || v.baseModel === baseModel);
  const decision: Decision = {
    modelName: input.model.name,
    current: { versionId: String(input.currentVersionId), name: current?.name, baseModel },
    otherBaseModels: newer.filter((v) => !same.includes(v)).map((v) => offered(v, input.baseUrl)),
  };
  if (same[0]) decision.update = { kind: 'new-version', ...offered(same[0], input.baseUrl) };
  return decision;
}

function offered(v: CivitaiVersion, baseUrl: string): OfferedVersion {
  const files = v.files ?? [];
  const file = files.find((f) => f.primary) ?? files.find((f) => f.type === 'Model') ?? files[0];
  const sha = file?.hashes?.SHA256;
  const out: OfferedVersion = { versionId: String(v.id), downloadUrl: scrubUrl(file?.downloadUrl ?? v.downloadUrl ?? `${baseUrl}/api/download/models/${v.id}`) };
  if (v.name) out.name = v.name;
  if (v.publishedAt) out.publishedAt = v.publishedAt;
  if (v.baseModel) out.baseModel = v.baseModel;
  if (file?.sizeKB !== undefined) out.size = Math.round(file.sizeKB * 1024);
  if (sha && /^[0-9a-f]{64}$/i.test(sha)) out.sha256 = sha.toLowerCase();
  if (file?.name) out.fileName = file.name;
  return out;
}
