// HTTP(S) with node's own clients and redirects followed by hand (DESIGN.md §10): `Authorization` goes
// only to the provider's hosts, and only while the request stays on the origin it was made to. CDN and
// S3/R2 presigned URLs reject a forwarded token (400), and a token must never reach a third host.
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { DownloadError } from './errors';
import { providerOf, scrubUrl, type ProviderEndpoints, type ProviderKind } from './hosts';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'HEAD' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** A bearer token for the provider's hosts; dropped as soon as a redirect leaves the first origin. */
  auth?: { kind: ProviderKind; token: string };
  /** false: return a 3xx as it is (Hugging Face HEAD metadata lives on the redirect). */
  followRedirects?: boolean;
  signal?: AbortSignal;
  /** Fail when the connection is silent this long (ms). */
  idleTimeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** Final URL after redirects (may be a presigned URL: scrub before showing). */
  url: string;
  /** The body stream (already consumed for HEAD); the caller reads or discards it. */
  body: IncomingMessage;
  /** Whether the final request carried the token. */
  authorized: boolean;
}

/** One request, redirects handled. Injectable so tests and benches can wrap it. */
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

const MAX_REDIRECTS = 10;
const USER_AGENT = 'comfy-models (+https://github.com/comfy-models)';
const DEFAULT_IDLE_MS = 60_000;

export function createHttpClient(endpoints: ProviderEndpoints): HttpClient {
  return async (request) => {
    const first = new URL(request.url);
    let url = first;
    let method = request.method ?? 'GET';
    let body = request.body;
    for (let hop = 0; ; hop++) {
      const authorized = !!request.auth && url.origin === first.origin && providerOf(url, endpoints) === request.auth.kind;
      const headers: Record<string, string> = { 'user-agent': USER_AGENT, 'accept-encoding': 'identity', ...request.headers };
      if (authorized) headers.authorization = `Bearer ${request.auth!.token}`;
      const res = await send(url, method, headers, body, request);
      const location = res.headers.location;
      if (request.followRedirects === false || res.statusCode! < 300 || res.statusCode! >= 400 || res.statusCode === 304 || !location) {
        return { status: res.statusCode!, headers: res.headers, url: url.toString(), body: res, authorized };
      }
      res.resume(); // discard the redirect's body so the socket is freed
      if (hop >= MAX_REDIRECTS) throw new DownloadError('network', `too many redirects from ${scrubUrl(request.url)}`);
      url = new URL(location, url);
      if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
      }
    }
  };
}

function send(url: URL, method: string, headers: Record<string, string>, body: string | undefined, request: HttpRequest): Promise<IncomingMessage> {
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = lib.request(url, { method, headers, signal: request.signal }, resolve);
    req.setTimeout(request.idleTimeoutMs ?? DEFAULT_IDLE_MS, () => req.destroy(Object.assign(new Error('no data received for too long'), { code: 'ETIMEDOUT' })));
    req.on('error', (err) => reject(request.signal?.aborted ? request.signal.reason : networkError(url, err)));
    req.end(body);
  });
}

export function networkError(url: URL | string, err: unknown): DownloadError {
  const code = (err as NodeJS.ErrnoException)?.code;
  const what = typeof url === 'string' ? new URL(url).host : url.host;
  return new DownloadError('network', `network error talking to ${what}: ${code ?? (err instanceof Error ? err.message : String(err))}`, true);
}

/** Read a whole (small) body as text. */
export async function readText(body: IncomingMessage, limit = 64 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new DownloadError('server', 'the server sent an unexpectedly large answer');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
