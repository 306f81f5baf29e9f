// JSON API calls shared by the providers: the token of the provider (own hosts only, see http.ts),
// answers that are not 2xx turned into coded errors.
import { DownloadError } from '../download/errors';
import type { ProviderKind, TokenProvider } from '../download/hosts';
import { readText, type HttpClient, type HttpResponse } from '../download/http';
import { statusError } from '../download/status';

export interface ApiContext {
  http: HttpClient;
  tokens: TokenProvider;
}

export async function apiRequest(ctx: ApiContext, kind: ProviderKind, url: string, options: { method?: 'GET' | 'POST' | 'HEAD'; body?: unknown; signal?: AbortSignal; followRedirects?: boolean } = {}): Promise<HttpResponse> {
  const token = await ctx.tokens.token(kind);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return ctx.http({
    url,
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    auth: token ? { kind, token } : undefined,
    signal: options.signal,
    followRedirects: options.followRedirects,
  });
}

/** The parsed JSON of a 2xx answer; undefined for 404 when `missingOk`; a coded error otherwise. */
export async function apiJson<T>(ctx: ApiContext, kind: ProviderKind, url: string, options: { method?: 'GET' | 'POST'; body?: unknown; signal?: AbortSignal; missingOk?: boolean } = {}): Promise<{ data: T; link?: string } | undefined> {
  const res = await apiRequest(ctx, kind, url, options);
  if (res.status === 404 && options.missingOk) {
    res.body.resume();
    return undefined;
  }
  if (res.status < 200 || res.status >= 300) {
    res.body.resume();
    throw statusError(res.status, res.headers, url, kind, res.authorized);
  }
  const text = await readText(res.body);
  try {
    return { data: JSON.parse(text) as T, link: nextLink(res.headers.link) };
  } catch {
    throw new DownloadError('server', `the ${kind === 'civitai' ? 'CivitAI' : 'Hugging Face'} API answered with something that is not JSON`);
  }
}

/** The `rel="next"` URL of a Link header (Hugging Face pagination). */
function nextLink(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  return text ? /<([^>]+)>\s*;\s*rel="?next"?/i.exec(text)?.[1] : undefined;
}
