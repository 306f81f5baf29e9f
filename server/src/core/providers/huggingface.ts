// Hugging Face Hub (DESIGN.md §11, reference/peers.md §3.2): file metadata from a HEAD on the resolve URL
// without following the redirect (X-Linked-Etag = SHA-256 of LFS files, X-Linked-Size, X-Repo-Commit),
// the tree listing (lfs.oid = SHA-256, Link pagination) and model search.
import { DownloadError } from '../download/errors';
import type { DownloadSource } from '../download/url';
import { statusError } from '../download/status';
import { apiJson, apiRequest, type ApiContext } from './json';
import type { ModelProvider, RemoteFile, SearchOptions, SearchPage } from './types';

export interface HubFileMetadata {
  /** SHA-256 for LFS/Xet files (absent for plain git files). */
  sha256?: string;
  size?: number;
  /** The commit the revision resolved to. */
  commit?: string;
}

export interface HubTreeEntry {
  path: string;
  size: number;
  /** SHA-256 of LFS files (`lfs.oid`). */
  sha256?: string;
}

const SHA256 = /^[0-9a-f]{64}$/i;
const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/');

export class HuggingFaceProvider implements ModelProvider {
  readonly kind = 'huggingface' as const;

  /** `endpoint`: https://huggingface.co, a mirror (HF_ENDPOINT) or a test stand-in. */
  constructor(private readonly ctx: ApiContext, readonly endpoint: string) {}

  /** Metadata of a resolve URL from one HEAD, redirects not followed (they lead to the CDN). */
  async head(resolveUrl: string, signal?: AbortSignal): Promise<HubFileMetadata> {
    const res = await apiRequest(this.ctx, 'huggingface', resolveUrl, { method: 'HEAD', signal, followRedirects: false });
    res.body.resume();
    if (res.status >= 400) throw statusError(res.status, res.headers, resolveUrl, 'huggingface', res.authorized);
    const etag = String(res.headers['x-linked-etag'] ?? '').replace(/^W\//, '').replace(/"/g, '');
    const size = Number(res.headers['x-linked-size'] ?? (res.status === 200 ? res.headers['content-length'] : undefined));
    const meta: HubFileMetadata = {};
    if (SHA256.test(etag)) meta.sha256 = etag.toLowerCase();
    if (Number.isSafeInteger(size) && size >= 0) meta.size = size;
    const commit = res.headers['x-repo-commit'];
    if (typeof commit === 'string' && commit) meta.commit = commit;
    return meta;
  }

  async describe(source: DownloadSource, signal?: AbortSignal): Promise<RemoteFile> {
    if (source.kind !== 'huggingface') throw new Error('not a Hugging Face source');
    const meta = await this.head(source.resolveUrl, signal);
    return {
      provider: 'huggingface',
      downloadUrl: source.resolveUrl,
      sourceUrl: source.resolveUrl,
      fileName: source.path.split('/').pop(),
      size: meta.size,
      sha256: meta.sha256,
      metadata: { repo: source.repo, revision: source.revision, path: source.path, ...(meta.commit ? { commit: meta.commit } : {}) },
    };
  }

  /** Every file of a repo at a revision, with the SHA-256 of LFS files; follows Link pagination. */
  async tree(repo: string, revision = 'main', signal?: AbortSignal): Promise<HubTreeEntry[]> {
    const entries: HubTreeEntry[] = [];
    let url: string | undefined = `${this.endpoint}/api/models/${encodePath(repo)}/tree/${encodeURIComponent(revision)}?recursive=true&expand=false`;
    for (let page = 0; url && page < 1000; page++) {
      const r: { data: unknown; link?: string } | undefined = await apiJson<unknown>(this.ctx, 'huggingface', url, { signal });
      if (!Array.isArray(r!.data)) throw new DownloadError('server', 'the Hugging Face tree listing is not a list');
      for (const e of r!.data as { type?: string; path?: string; size?: number; lfs?: { oid?: string; size?: number } }[]) {
        if (e.type !== 'file' || typeof e.path !== 'string') continue;
        const entry: HubTreeEntry = { path: e.path, size: e.lfs?.size ?? e.size ?? 0 };
        if (e.lfs?.oid && SHA256.test(e.lfs.oid)) entry.sha256 = e.lfs.oid.toLowerCase();
        entries.push(entry);
      }
      url = r!.link ? new URL(r!.link, this.endpoint).toString() : undefined;
    }
    return entries;
  }

  /** Model repos whose name matches; the cursor is the next page's URL (Link header). */
  async search(query: string, options: SearchOptions = {}): Promise<SearchPage> {
    const url = options.cursor ?? `${this.endpoint}/api/models?search=${encodeURIComponent(query)}&limit=${options.limit ?? 20}&sort=downloads&direction=-1`;
    if (!url.startsWith(`${this.endpoint}/`)) throw new DownloadError('invalid-url', 'a Hugging Face search cursor must be a URL of the configured endpoint');
    const r = await apiJson<{ id?: string; modelId?: string; pipeline_tag?: string; downloads?: number; likes?: number }[]>(this.ctx, 'huggingface', url, { signal: options.signal });
    const items = (Array.isArray(r!.data) ? r!.data : []).flatMap((m) => {
      const id = m.id ?? m.modelId;
      if (!id) return [];
      return [{ provider: 'huggingface' as const, title: id, modelType: m.pipeline_tag, files: [], pageUrl: `${this.endpoint}/${id}`, metadata: { repo: id, downloads: m.downloads, likes: m.likes } }];
    });
    return r!.link ? { items, nextCursor: new URL(r!.link, this.endpoint).toString() } : { items };
  }
}
