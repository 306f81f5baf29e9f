// CivitAI (DESIGN.md §11, reference/peers.md §3.1): version and model metadata, version by hash (one,
// or up to 100 SHA-256s per POST), search with cursor pagination. Field names as the public API sends them.
import { DownloadError } from '../download/errors';
import { scrubUrl } from '../download/hosts';
import type { DownloadSource } from '../download/url';
import { apiJson, type ApiContext } from './json';
import type { ModelProvider, RemoteFile, SearchHit, SearchOptions, SearchPage } from './types';

export interface CivitaiFile {
  id: number;
  name: string;
  type?: string;
  sizeKB?: number;
  primary?: boolean;
  metadata?: { format?: string; size?: string; fp?: string };
  hashes?: Record<string, string>;
  downloadUrl?: string;
}

export interface CivitaiVersion {
  id: number;
  modelId: number;
  name?: string;
  baseModel?: string;
  model?: { name?: string; type?: string };
  files?: CivitaiFile[];
  downloadUrl?: string;
  /** 'Published', 'Scheduled', 'Draft', … (only published versions are offered). */
  status?: string;
  /** 'Public', 'EarlyAccess', 'Private', … */
  availability?: string;
  publishedAt?: string;
  earlyAccessEndsAt?: string;
}

export interface CivitaiModel {
  id: number;
  name: string;
  type?: string;
  modelVersions?: (CivitaiVersion & { files?: CivitaiFile[] })[];
}

/** CivitAI model type (and file type) → ComfyUI category. */
const TYPE_CATEGORY: Record<string, string> = {
  checkpoint: 'checkpoints',
  lora: 'loras',
  locon: 'loras',
  dora: 'loras',
  lycoris: 'loras',
  textualinversion: 'embeddings',
  hypernetwork: 'hypernetworks',
  vae: 'vae',
  controlnet: 'controlnet',
  upscaler: 'upscale_models',
  motionmodule: 'animatediff_models',
  'text encoder': 'text_encoders',
};

/** Category for a version's file: a `VAE`/`Text Encoder` file wins over the model's type. */
export function civitaiCategory(modelType: string | undefined, fileType?: string): string | undefined {
  const byFile = fileType ? TYPE_CATEGORY[fileType.toLowerCase()] : undefined;
  return byFile ?? (modelType ? TYPE_CATEGORY[modelType.toLowerCase()] : undefined);
}

const SHA256 = /^[0-9a-f]{64}$/i;
export const BATCH_LIMIT = 100;

export class CivitaiProvider implements ModelProvider {
  readonly kind = 'civitai' as const;

  /** `baseUrl`: the API origin (https://civitai.com, civitai.red, or a test stand-in). */
  constructor(private readonly ctx: ApiContext, readonly baseUrl: string) {}

  async version(id: number, signal?: AbortSignal): Promise<CivitaiVersion> {
    return (await apiJson<CivitaiVersion>(this.ctx, 'civitai', `${this.baseUrl}/api/v1/model-versions/${id}`, { signal }))!.data;
  }

  async model(id: number, signal?: AbortSignal): Promise<CivitaiModel> {
    return (await apiJson<CivitaiModel>(this.ctx, 'civitai', `${this.baseUrl}/api/v1/models/${id}`, { signal }))!.data;
  }

  /** Up to 100 models with all their versions in one request (`GET /api/v1/models?ids=…`); unknown ids are absent. */
  async modelsByIds(ids: readonly number[], signal?: AbortSignal): Promise<CivitaiModel[]> {
    if (ids.length > BATCH_LIMIT) throw new RangeError(`at most ${BATCH_LIMIT} model ids per request`);
    if (!ids.length) return [];
    const url = `${this.baseUrl}/api/v1/models?ids=${ids.map((id) => String(Math.trunc(id))).join(',')}&limit=${BATCH_LIMIT}`;
    const r = await apiJson<{ items?: CivitaiModel[] }>(this.ctx, 'civitai', url, { signal });
    return Array.isArray(r!.data.items) ? r!.data.items : [];
  }

  /** The version holding a file with this hash (SHA-256, BLAKE3, AutoV2…), or undefined when CivitAI knows none. */
  async versionByHash(hash: string, signal?: AbortSignal): Promise<CivitaiVersion | undefined> {
    return (await apiJson<CivitaiVersion>(this.ctx, 'civitai', `${this.baseUrl}/api/v1/model-versions/by-hash/${encodeURIComponent(hash)}`, { signal, missingOk: true }))?.data;
  }

  /** Versions for up to 100 SHA-256s in one request (hashes CivitAI does not know are simply absent). */
  async versionsByHashes(sha256s: readonly string[], signal?: AbortSignal): Promise<CivitaiVersion[]> {
    if (sha256s.length > BATCH_LIMIT) throw new RangeError(`at most ${BATCH_LIMIT} hashes per request`);
    const bad = sha256s.find((h) => !SHA256.test(h));
    if (bad !== undefined) throw new DownloadError('invalid-url', `not a SHA-256: ${bad}`);
    if (!sha256s.length) return [];
    const r = await apiJson<CivitaiVersion[]>(this.ctx, 'civitai', `${this.baseUrl}/api/v1/model-versions/by-hash`, { method: 'POST', body: sha256s.map((h) => h.toLowerCase()), signal });
    return Array.isArray(r!.data) ? r!.data : [];
  }

  async describe(source: DownloadSource, signal?: AbortSignal): Promise<RemoteFile> {
    if (source.kind !== 'civitai') throw new Error('not a CivitAI source');
    let versionId = source.versionId;
    if (versionId === undefined) {
      const model = await this.model(source.modelId!, signal);
      versionId = model.modelVersions?.[0]?.id;
      if (versionId === undefined) throw new DownloadError('not-found', `the CivitAI model ${source.modelId} has no downloadable version`);
    }
    const version = await this.version(versionId, signal);
    const file = pickFile(version.files ?? [], source.fileQuery);
    if (!file) throw new DownloadError('not-found', `the CivitAI version ${versionId} lists no downloadable file (archived, or early access)`);
    // A pasted download URL is fetched as given (its query picks the file); otherwise the file's own URL.
    const pastedDownload = source.fileQuery !== undefined;
    const downloadUrl = pastedDownload ? source.url : file.downloadUrl ?? `${this.baseUrl}/api/download/models/${versionId}`;
    return {
      provider: 'civitai',
      downloadUrl,
      sourceUrl: scrubUrl(downloadUrl),
      fileName: file.name,
      approximateSize: kib(file.sizeKB), // sizeKB is a rounded float: shown in plans, never verified
      sha256: hashOf(file, 'SHA256'),
      blake3: hashOf(file, 'BLAKE3'),
      category: civitaiCategory(version.model?.type, file.type),
      metadata: { modelId: version.modelId, versionId: version.id, fileId: file.id, modelName: version.model?.name, versionName: version.name, modelType: version.model?.type, baseModel: version.baseModel },
    };
  }

  async search(query: string, options: SearchOptions = {}): Promise<SearchPage> {
    const url = new URL(`${this.baseUrl}/api/v1/models`);
    url.searchParams.set('query', query);
    url.searchParams.set('limit', String(options.limit ?? 20));
    if (options.cursor) url.searchParams.set('cursor', options.cursor);
    const r = await apiJson<{ items?: CivitaiModel[]; metadata?: { nextCursor?: string | number } }>(this.ctx, 'civitai', url.toString(), { signal: options.signal });
    const items: SearchHit[] = (r!.data.items ?? []).map((m) => {
      const v = m.modelVersions?.[0];
      const files = (v?.files ?? []).map((f) => ({ name: f.name, size: kib(f.sizeKB), sha256: hashOf(f, 'SHA256'), downloadUrl: scrubUrl(f.downloadUrl ?? `${this.baseUrl}/api/download/models/${v!.id}`) }));
      return {
        provider: 'civitai' as const,
        title: m.name,
        modelType: m.type,
        category: civitaiCategory(m.type),
        baseModel: v?.baseModel,
        files,
        pageUrl: `${this.baseUrl}/models/${m.id}${v ? `?modelVersionId=${v.id}` : ''}`,
        metadata: { modelId: m.id, versionId: v?.id },
      };
    });
    const next = r!.data.metadata?.nextCursor;
    return next === undefined || next === null || next === '' ? { items } : { items, nextCursor: String(next) };
  }
}

/** The file a download URL's query selects (type/format/size/fp), else the primary one, else the first model file. */
function pickFile(files: CivitaiFile[], query: Record<string, string> | undefined): CivitaiFile | undefined {
  const q = query ?? {};
  const eq = (a: string | undefined, b: string | undefined) => b === undefined || a?.toLowerCase() === b.toLowerCase();
  const matching = files.filter((f) => eq(f.type, q.type) && eq(f.metadata?.format, q.format) && eq(f.metadata?.size, q.size) && eq(f.metadata?.fp, q.fp));
  return matching.find((f) => f.primary) ?? matching.find((f) => f.type === 'Model') ?? matching[0];
}

const kib = (sizeKB: number | undefined) => (sizeKB === undefined ? undefined : Math.round(sizeKB * 1024));

function hashOf(file: CivitaiFile, key: string): string | undefined {
  const v = file.hashes?.[key];
  return v && SHA256.test(v) ? v.toLowerCase() : undefined;
}
