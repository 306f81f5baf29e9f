// The update check over a set of local models (pure orchestration over the provider ports): CivitAI models
// by id in batches of 100 (models known only by their SHA-256 identified first with the batch by-hash
// lookup), Hugging Face files by one HEAD each on their branch, their SHA-256 compared with the local one
// (computed on demand only when the index lacks it). Rate limits back off on the clock port.
import type { ProviderEndpoints } from '../download/hosts';
import type { Clock } from '../download/ports';
import { parseDownloadUrl } from '../download/url';
import { nullLogger, type Logger } from '../log';
import { BATCH_LIMIT, type CivitaiModel } from '../providers/civitai';
import type { Providers } from '../providers/describe';
import { findCivitaiSources } from '../providers/findSources';
import type { ModelSource } from '../types';
import { withRateLimitBackoff } from './backoff';
import { decideCivitai } from './civitaiDecision';
import type { UpdateIgnore, UpdateResult } from './types';

export interface UpdateTarget {
  /** Quick hash. */
  hash: string;
  sha256?: string;
  sources: readonly ModelSource[];
}

export interface UpdateCheckDeps {
  providers: Providers;
  endpoints: ProviderEndpoints;
  clock: Clock;
  log?: Logger;
  /** The SHA-256 of a local model the index does not know yet (hashes its file). */
  sha256Of(hash: string, signal?: AbortSignal): Promise<string | undefined>;
}

export interface UpdateCheckOptions {
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

export interface UpdateCheckOutcome {
  results: UpdateResult[];
  /** CivitAI sources found for models known only by hash (worth recording in the index). */
  foundSources: { hash: string; source: ModelSource }[];
  /** Per-model failures, as messages (the check goes on with the others). */
  errors: string[];
}

interface CivitaiTarget {
  hash: string;
  sourceUrl: string;
  modelId: number;
  versionId: number;
  baseModel?: string;
}

const positive = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined);

function civitaiTarget(hash: string, source: ModelSource): CivitaiTarget | undefined {
  if (source.type !== 'civitai') return undefined;
  const modelId = positive(source.metadata?.modelId);
  const versionId = positive(source.metadata?.versionId);
  if (!modelId || !versionId) return undefined;
  const baseModel = typeof source.metadata?.baseModel === 'string' ? source.metadata.baseModel : undefined;
  return { hash, sourceUrl: source.url, modelId, versionId, baseModel };
}

export async function checkUpdates(targets: readonly UpdateTarget[], ignores: readonly UpdateIgnore[], deps: UpdateCheckDeps, options: UpdateCheckOptions = {}): Promise<UpdateCheckOutcome> {
  const log = deps.log ?? nullLogger;
  const { signal } = options;
  const outcome: UpdateCheckOutcome = { results: [], foundSources: [], errors: [] };
  const backoff = <T>(work: () => Promise<T>) =>
    withRateLimitBackoff(work, deps.clock, signal, (ms) => log.warn(`rate limited; trying again in ${ms / 1000} s`));

  const civitai: CivitaiTarget[] = [];
  const unidentified = new Map<string, string>(); // sha256 → hash: no CivitAI source recorded yet
  const hub: { target: UpdateTarget; source: ModelSource }[] = [];
  for (const t of targets) {
    const known = t.sources.map((s) => civitaiTarget(t.hash, s)).filter((c): c is CivitaiTarget => !!c);
    civitai.push(...known);
    for (const s of t.sources) if (s.type === 'huggingface') hub.push({ target: t, source: s });
    if (!known.length && !t.sources.some((s) => s.type === 'huggingface') && t.sha256) unidentified.set(t.sha256.toLowerCase(), t.hash);
  }

  const hashBatches = Math.ceil(unidentified.size / BATCH_LIMIT);
  let done = 0;
  let total = hashBatches + Math.ceil(new Set(civitai.map((c) => c.modelId)).size / BATCH_LIMIT) + hub.length;
  const step = () => options.onProgress?.(++done, total);
  options.onProgress?.(0, total);

  if (unidentified.size) {
    const found = await backoff(() => findCivitaiSources(deps.providers.civitai, [...unidentified.keys()], { signal }));
    for (const f of found) {
      const hash = unidentified.get(f.sha256)!;
      outcome.foundSources.push({ hash, source: f.source });
      const c = civitaiTarget(hash, f.source);
      if (c) civitai.push(c);
    }
    done += hashBatches - 1;
    step();
    total = hashBatches + Math.ceil(new Set(civitai.map((c) => c.modelId)).size / BATCH_LIMIT) + hub.length;
  }

  const ignored = (hash: string) => new Set(ignores.filter((i) => i.hash === hash && i.versionId !== null).map((i) => i.versionId!));
  const modelIds = [...new Set(civitai.map((c) => c.modelId))];
  const models = new Map<number, CivitaiModel>();
  for (let i = 0; i < modelIds.length; i += BATCH_LIMIT) {
    signal?.throwIfAborted();
    const batch = modelIds.slice(i, i + BATCH_LIMIT);
    for (const m of await backoff(() => deps.providers.civitai.modelsByIds(batch, signal))) models.set(m.id, m);
    step();
  }
  const now = deps.clock.now();
  for (const c of civitai) {
    const model = models.get(c.modelId);
    if (!model) {
      outcome.errors.push(`CivitAI no longer lists model ${c.modelId} (source of ${c.hash})`);
      continue;
    }
    const decision = decideCivitai({ model, currentVersionId: c.versionId, currentBaseModel: c.baseModel, ignoredVersionIds: ignored(c.hash), baseUrl: deps.providers.civitai.baseUrl, now });
    outcome.results.push({ hash: c.hash, provider: 'civitai', sourceUrl: c.sourceUrl, checkedAt: now, ...decision });
  }

  for (const { target, source } of hub) {
    signal?.throwIfAborted();
    try {
      const result = await checkHubFile(target, source, ignored(target.hash), deps, backoff, signal);
      if (result) outcome.results.push(result);
    } catch (err) {
      if (signal?.aborted) throw err;
      outcome.errors.push(`${source.url}: ${err instanceof Error ? err.message : String(err)}`);
    }
    step();
  }
  return outcome;
}

const COMMIT = /^[0-9a-f]{40}$/i;

/** A Hugging Face file on its branch: changed upstream when the branch's SHA-256 is not the local file's. */
async function checkHubFile(
  target: UpdateTarget, source: ModelSource, ignoredCommits: ReadonlySet<string>, deps: UpdateCheckDeps,
  backoff: <T>(work: () => Promise<T>) => Promise<T>, signal?: AbortSignal,
): Promise<UpdateResult | undefined> {
  const meta = source.metadata ?? {};
  const parsed = parseDownloadUrl(source.url, deps.endpoints);
  const repo = typeof meta.repo === 'string' ? meta.repo : parsed.kind === 'huggingface' ? parsed.repo : undefined;
  const revision = typeof meta.revision === 'string' ? meta.revision : parsed.kind === 'huggingface' ? parsed.revision : undefined;
  const path = typeof meta.path === 'string' ? meta.path : parsed.kind === 'huggingface' ? parsed.path : undefined;
  if (!repo || !revision || !path) return undefined;
  if (COMMIT.test(revision)) return undefined; // pinned to a commit: it cannot change
  // Asked of the configured endpoint (a mirror when one is set), whatever host the source was recorded from.
  const encoded = path.split('/').map(encodeURIComponent).join('/');
  const resolveUrl = `${deps.endpoints.huggingFaceEndpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${encoded}`;
  const head = await backoff(() => deps.providers.huggingFace.head(resolveUrl, signal));
  const now = deps.clock.now();
  const recordedCommit = typeof meta.commit === 'string' ? meta.commit : undefined;
  const result: UpdateResult = {
    hash: target.hash, provider: 'huggingface', sourceUrl: source.url, checkedAt: now, modelName: `${repo}/${path}`,
    current: { versionId: recordedCommit, name: recordedCommit?.slice(0, 7) }, otherBaseModels: [],
  };
  if (!head.sha256) return result; // a plain git file: no SHA-256 to compare
  let local = target.sha256?.toLowerCase();
  if (!local) {
    local = (await deps.sha256Of(target.hash, signal))?.toLowerCase();
  }
  if (!local) return result;
  result.current.sha256 = local;
  if (head.sha256 !== local && !(head.commit && ignoredCommits.has(head.commit))) {
    result.update = {
      kind: 'changed-upstream', versionId: head.commit ?? head.sha256, name: head.commit?.slice(0, 7), sha256: head.sha256,
      downloadUrl: resolveUrl, fileName: path.split('/').pop(),
    };
    if (head.size !== undefined) result.update.size = head.size;
  }
  return result;
}
