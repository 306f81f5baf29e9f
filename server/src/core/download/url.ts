// Every URL form a download accepts (DESIGN.md §10), parsed once: CivitAI model pages, version API URLs
// and download URLs (civitai.com, civitai.red, the configured origin); Hugging Face `resolve` and `blob`
// URLs (`blob` pages are HTML, so they become `resolve`); any other http(s) URL. Anything else is refused.
import { DownloadError } from './errors';
import { providerOf, scrubUrl, type ProviderEndpoints } from './hosts';

export type DownloadSource =
  | {
      kind: 'civitai';
      /** Scrubbed URL as given. */
      url: string;
      /** The origin the URL names (civitai.com, civitai.red or the configured one). */
      origin: string;
      modelId?: number;
      versionId?: number;
      /** Query of an `/api/download/models/<id>` URL (type, format, size, fp) that picks the file. */
      fileQuery?: Record<string, string>;
    }
  | {
      kind: 'huggingface';
      url: string;
      origin: string;
      /** `owner/name`, with `datasets/` or `spaces/` in front for those repo types. */
      repo: string;
      revision: string;
      /** Path of the file inside the repo. */
      path: string;
      /** The `resolve` URL (unscrubbed query dropped: resolve URLs need none). */
      resolveUrl: string;
    }
  | { kind: 'url'; url: string; /** The URL as given, for the request (may hold a token the user pasted). */ requestUrl: string };

const positiveInt = (s: string | null | undefined) => (s && /^\d+$/.test(s) ? Number(s) : undefined);

export function parseDownloadUrl(text: string, endpoints: ProviderEndpoints): DownloadSource {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new DownloadError('invalid-url', `not a URL: ${scrubUrl(text.trim()).slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DownloadError('invalid-url', `only http(s) URLs can be downloaded, not ${url.protocol}`);
  const provider = providerOf(url, endpoints);
  if (provider === 'civitai') return civitai(url);
  if (provider === 'huggingface') return huggingFace(url);
  return { kind: 'url', url: scrubUrl(url.toString()), requestUrl: url.toString() };
}

function civitai(url: URL): DownloadSource {
  const segments = url.pathname.split('/').filter(Boolean);
  const scrubbed = scrubUrl(url.toString());
  const base = { kind: 'civitai' as const, url: scrubbed, origin: url.origin };
  // /models/<id>[/<slug>][?modelVersionId=<v>]
  if (segments[0] === 'models' && positiveInt(segments[1])) {
    return { ...base, modelId: positiveInt(segments[1]), versionId: positiveInt(url.searchParams.get('modelVersionId')) };
  }
  // /api/download/models/<versionId>[?type=&format=&size=&fp=]
  if (segments[0] === 'api' && segments[1] === 'download' && segments[2] === 'models' && positiveInt(segments[3])) {
    const fileQuery: Record<string, string> = {};
    for (const key of ['type', 'format', 'size', 'fp']) {
      const v = url.searchParams.get(key);
      if (v) fileQuery[key] = v;
    }
    return { ...base, versionId: positiveInt(segments[3]), fileQuery };
  }
  // /api/v1/model-versions/<versionId>
  if (segments[0] === 'api' && segments[1] === 'v1' && segments[2] === 'model-versions' && positiveInt(segments[3])) {
    return { ...base, versionId: positiveInt(segments[3]) };
  }
  throw new DownloadError('invalid-url', `this CivitAI URL names no model or version: ${scrubbed} (use a model page, a version API URL or an /api/download/models/ URL)`);
}

function huggingFace(url: URL): DownloadSource {
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  // <owner>/<name>/(resolve|blob)/<rev>/<path…>, with datasets/ or spaces/ in front; legacy repos have no owner.
  const prefix = segments[0] === 'datasets' || segments[0] === 'spaces' ? 1 : 0;
  const at = [prefix + 2, prefix + 1].find((i) => segments[i] === 'resolve' || segments[i] === 'blob');
  const scrubbed = scrubUrl(url.toString());
  if (at === undefined || segments.length < at + 3) {
    throw new DownloadError('invalid-url', `this Hugging Face URL names no file: ${scrubbed} (use a …/resolve/<revision>/<file> or …/blob/<revision>/<file> URL)`);
  }
  const repo = segments.slice(0, at).join('/');
  const revision = segments[at + 1];
  const path = segments.slice(at + 2).join('/');
  if (path.split('/').some((s) => s === '..' || s === '.')) throw new DownloadError('invalid-url', `the file path in ${scrubbed} is not safe`);
  const encode = (s: string) => s.split('/').map(encodeURIComponent).join('/');
  const resolveUrl = `${url.origin}/${encode(repo)}/resolve/${encodeURIComponent(revision)}/${encode(path)}`;
  return { kind: 'huggingface', url: resolveUrl, origin: url.origin, repo, revision, path, resolveUrl };
}
