// Real HTTP servers on 127.0.0.1 standing in for CivitAI (API + download), the Hugging Face Hub (resolve
// HEAD/GET, tree, search) and the CDN both redirect to (like R2, it refuses a forwarded Authorization
// header). Each listens on its own port, so each is its own origin. Faults are injected per file on the
// CDN; every request is logged with its headers so tests can check where a token went.
import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { newBlake3 } from '../../server/src/core/hash/blake3';

export interface LoggedRequest {
  server: string;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface Faults {
  /** Statuses answered, one per request, before the file is served (e.g. [503, 502]). */
  statuses?: number[];
  /** Per request: send this many bytes of the answer, then cut the connection. */
  cutAfter?: number[];
  /** Send this many bytes, then hold the connection open (a stalled transfer, for cancellation). */
  stallAfter?: number;
  /** Answer 200 with the whole file even when a Range is asked for. */
  ignoreRange?: boolean;
  /** Serve these bytes instead of the file's (same length: "wrong bytes"). */
  wrongBytes?: boolean;
  /** Answer with a sign-in HTML page (200 text/html). */
  html?: boolean;
  /** Content-Disposition header to send. */
  contentDisposition?: string;
}

export interface HostedFile {
  data: Buffer;
  faults: Faults;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL, body: string) => void | Promise<void>;

export class StandInServer {
  readonly requests: LoggedRequest[] = [];
  private server!: http.Server;
  url = '';

  constructor(readonly name: string, private readonly handler: Handler) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({ server: this.name, method: req.method!, url: req.url!, headers: req.headers });
        Promise.resolve(this.handler(req, res, new URL(req.url!, this.url), Buffer.concat(chunks).toString('utf8'))).catch((err) => {
          if (!res.headersSent) res.writeHead(500);
          res.end(String(err));
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const json = (res: ServerResponse, status: number, value: unknown, headers: http.OutgoingHttpHeaders = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

const SIGN_IN_PAGE = '<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in to download</body></html>';

/** The CDN: `/files/<key>` with Range support, faults, and R2's refusal of Authorization. */
export class CdnStandIn extends StandInServer {
  readonly files = new Map<string, HostedFile>();

  constructor() {
    super('cdn', (req, res, url) => this.serve(req, res, url));
  }

  host(key: string, data: Buffer, faults: Faults = {}): string {
    this.files.set(key, { data, faults });
    return `${this.url}/files/${encodeURIComponent(key)}`;
  }

  private serve(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const key = decodeURIComponent(url.pathname.replace(/^\/files\//, ''));
    const file = this.files.get(key);
    if (!file) return json(res, 404, { error: 'NoSuchKey' });
    if (req.headers.authorization) return json(res, 400, { error: 'InvalidRequest: Missing x-amz-content-sha256' });
    serveBytes(req, res, file, key);
  }
}

export function serveBytes(req: IncomingMessage, res: ServerResponse, file: HostedFile, name: string): void {
  const f = file.faults;
  const status = f.statuses?.shift();
  if (status) return json(res, status, { error: `injected ${status}` });
  if (f.html) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return void res.end(SIGN_IN_PAGE);
  }
  let data = file.data;
  if (f.wrongBytes) data = Buffer.from(data.map((b) => b ^ 0x5a));
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes' };
  if (f.contentDisposition) headers['content-disposition'] = f.contentDisposition;
  else headers['content-disposition'] = `attachment; filename="${name.split('/').pop()}"`;
  const range = !f.ignoreRange && /^bytes=(\d+)-$/.exec(String(req.headers.range ?? ''));
  let start = 0;
  if (range) {
    start = Number(range[1]);
    if (start >= data.length) {
      res.writeHead(416, { 'content-range': `bytes */${data.length}` });
      return void res.end();
    }
    res.writeHead(206, { ...headers, 'content-length': data.length - start, 'content-range': `bytes ${start}-${data.length - 1}/${data.length}` });
  } else res.writeHead(200, { ...headers, 'content-length': data.length });
  if (req.method === 'HEAD') return void res.end();
  const body = data.subarray(start);
  const cut = f.cutAfter?.shift();
  if (cut !== undefined) return void res.write(body.subarray(0, cut), () => res.socket?.destroy());
  if (f.stallAfter !== undefined) {
    const n = f.stallAfter;
    f.stallAfter = undefined; // only the first request stalls
    return void res.write(body.subarray(0, n));
  }
  res.end(body);
}

export interface Digests {
  sha256: string;
  blake3: string;
}

/** SHA-256 of bytes, hex: what the stand-ins announce and the downloads verify. */
export const sha256Hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

export async function digestsOf(data: Buffer): Promise<Digests> {
  const b = await newBlake3();
  b.update(data);
  return { sha256: sha256Hex(data), blake3: b.hex() };
}

export interface CivitaiFileSpec {
  id: number;
  name: string;
  data: Buffer;
  type?: string;
  primary?: boolean;
  /** Hashes as the API lists them; default: the real SHA256/BLAKE3 of `data`, upper-case. */
  hashes?: Record<string, string>;
  faults?: Faults;
}

export interface CivitaiVersionSpec {
  modelId: number;
  versionId: number;
  modelName: string;
  type: string;
  baseModel?: string;
  /** Version name (default 'v1.0'). */
  name?: string;
  /** ISO time it was published (default: now, in order of adding). */
  publishedAt?: string;
  /** 'Published' (default), 'Scheduled', … */
  status?: string;
  /** 'Public' (default) or 'EarlyAccess'. */
  availability?: string;
  /** An archived version lists no files. */
  archived?: boolean;
  files: CivitaiFileSpec[];
}

/** CivitAI: the version/model/by-hash/search API and `/api/download/models/<id>` redirecting to the CDN. */
export class CivitaiStandIn extends StandInServer {
  readonly versions = new Map<number, Record<string, unknown>>();
  readonly models = new Map<number, Record<string, unknown>>();
  /** Body sizes of every POST by-hash. */
  readonly batchSizes: number[] = [];
  /** When set, downloads need `Authorization: Bearer <token>`. */
  requireToken: string | undefined;
  /** How an unauthenticated download is answered: 401 JSON, or a redirect to an HTML sign-in page. */
  unauthorized: 'status' | 'login-page' = 'status';
  /** API requests answered 429 (Cloudflare's rate limit, no Retry-After) before the next ones are served. */
  rateLimitNext = 0;
  /** The `ids` of every `GET /api/v1/models?ids=…` (the update check's batches). */
  readonly idBatches: number[][] = [];

  constructor(private readonly cdn: CdnStandIn) {
    super('civitai', (req, res, url, body) => this.route(req, res, url, body));
  }

  async addVersion(spec: CivitaiVersionSpec): Promise<Record<string, unknown>> {
    const files = [];
    for (const f of spec.files) {
      const d = await digestsOf(f.data);
      this.cdn.host(`civitai/${spec.versionId}/${f.id}/${f.name}`, f.data, f.faults ?? {});
      files.push({
        id: f.id, name: f.name, type: f.type ?? 'Model', primary: f.primary ?? f === spec.files[0], sizeKB: f.data.length / 1024,
        metadata: { format: 'SafeTensor', size: 'pruned', fp: 'fp16' },
        hashes: f.hashes ?? { SHA256: d.sha256.toUpperCase(), BLAKE3: d.blake3.toUpperCase(), AutoV2: d.sha256.slice(0, 10).toUpperCase() },
        downloadUrl: `${this.url}/api/download/models/${spec.versionId}${f === spec.files[0] ? '' : `?type=${encodeURIComponent(f.type ?? 'Model')}`}`,
      });
    }
    const version: Record<string, unknown> = {
      id: spec.versionId, modelId: spec.modelId, name: spec.name ?? 'v1.0', baseModel: spec.baseModel ?? 'SDXL 1.0', model: { name: spec.modelName, type: spec.type },
      status: spec.status ?? 'Published', availability: spec.availability ?? 'Public', publishedAt: spec.publishedAt ?? new Date(Date.UTC(2026, 0, 1) + this.versions.size * 86_400_000).toISOString(),
      files, downloadUrl: `${this.url}/api/download/models/${spec.versionId}`,
    };
    if (spec.availability === 'EarlyAccess') version.earlyAccessEndsAt = '2099-01-01T00:00:00.000Z';
    if (spec.archived) {
      delete version.files;
      delete version.downloadUrl;
    }
    this.versions.set(spec.versionId, version);
    const model = (this.models.get(spec.modelId) ?? { id: spec.modelId, name: spec.modelName, type: spec.type, modelVersions: [] }) as { modelVersions: unknown[] };
    model.modelVersions.unshift(version);
    this.models.set(spec.modelId, model as unknown as Record<string, unknown>);
    return version;
  }

  private byHash(hash: string): Record<string, unknown> | undefined {
    const h = hash.toUpperCase();
    for (const v of this.versions.values()) {
      if ((v.files as { hashes: Record<string, string> }[]).some((f) => Object.values(f.hashes).includes(h))) return v;
    }
    return undefined;
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    const p = url.pathname.split('/').filter(Boolean);
    if (this.rateLimitNext > 0 && p[0] === 'api' && p[1] === 'v1') {
      this.rateLimitNext--;
      return json(res, 429, { error: 'Too Many Requests' });
    }
    if (req.method === 'POST' && url.pathname === '/api/v1/model-versions/by-hash') {
      const hashes = JSON.parse(body) as unknown;
      if (!Array.isArray(hashes) || hashes.length > 100 || hashes.some((h) => typeof h !== 'string' || !/^[0-9a-f]{64}$/i.test(h))) {
        return json(res, 400, { error: 'Request must include an array of SHA256 Hashes' });
      }
      this.batchSizes.push(hashes.length);
      const found = new Set(hashes.map((h) => this.byHash(h)).filter(Boolean));
      return json(res, 200, [...found]);
    }
    if (p[0] === 'api' && p[1] === 'v1' && p[2] === 'model-versions' && p[3] === 'by-hash' && p[4]) {
      const v = this.byHash(p[4]);
      return v ? json(res, 200, v) : json(res, 404, { error: 'Model not found' });
    }
    if (p[0] === 'api' && p[1] === 'v1' && p[2] === 'model-versions' && p[3]) {
      const v = this.versions.get(Number(p[3]));
      return v ? json(res, 200, v) : json(res, 404, { error: `No model version with id ${p[3]}` });
    }
    if (p[0] === 'api' && p[1] === 'v1' && p[2] === 'models' && p[3]) {
      const m = this.models.get(Number(p[3]));
      return m ? json(res, 200, m) : json(res, 404, { error: `No model with id ${p[3]}` });
    }
    if (url.pathname === '/api/v1/models' && url.searchParams.has('ids')) {
      const ids = (url.searchParams.get('ids') ?? '').split(',').map(Number);
      if (ids.length > 100) return json(res, 400, { error: 'too many ids' });
      this.idBatches.push(ids);
      return json(res, 200, { items: ids.map((id) => this.models.get(id)).filter(Boolean), metadata: {} });
    }
    if (url.pathname === '/api/v1/models') {
      if (url.searchParams.has('query') && url.searchParams.has('page')) return json(res, 400, { error: 'Cannot use page param with query search. Use cursor-based pagination.' });
      const q = (url.searchParams.get('query') ?? '').toLowerCase();
      const all = [...this.models.values()].filter((m) => String(m.name).toLowerCase().includes(q));
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const from = Number(url.searchParams.get('cursor') ?? 0);
      const items = all.slice(from, from + limit);
      return json(res, 200, { items, metadata: from + limit < all.length ? { nextCursor: String(from + limit) } : {} });
    }
    if (p[0] === 'api' && p[1] === 'download' && p[2] === 'models' && p[3]) {
      if (this.requireToken && req.headers.authorization !== `Bearer ${this.requireToken}`) {
        if (this.unauthorized === 'login-page') {
          res.writeHead(302, { location: `/login?returnUrl=${encodeURIComponent(url.pathname)}&reason=download-auth` });
          return void res.end();
        }
        return json(res, 401, { error: 'Unauthorized' });
      }
      const v = this.versions.get(Number(p[3]));
      const files = (v?.files ?? []) as { id: number; name: string; type: string; primary: boolean }[];
      const type = url.searchParams.get('type');
      const file = type ? files.find((f) => f.type === type) : files.find((f) => f.primary);
      if (!v || !file) return json(res, 404, { error: 'Model not found' });
      res.writeHead(307, { location: `${this.cdn.url}/files/${encodeURIComponent(`civitai/${v.id}/${file.id}/${file.name}`)}?X-Amz-Signature=abc` });
      return void res.end();
    }
    if (url.pathname === '/login') {
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end(SIGN_IN_PAGE);
    }
    json(res, 404, { error: 'not found' });
  }
}

export interface HubFileSpec {
  repo: string;
  path: string;
  data: Buffer;
  revision?: string;
  /** Announce another SHA-256 / size in the HEAD headers than the real one. */
  announceSha256?: string;
  announceSize?: number;
  /** The commit the branch is at (X-Repo-Commit); default HUB_COMMIT. */
  commit?: string;
  faults?: Faults;
}

export const HUB_COMMIT = 'c0ffee'.padEnd(40, '0');

/** Hugging Face: resolve (HEAD with X-Linked-*, GET → CDN), blob pages, tree and model search with Link pagination. */
export class HubStandIn extends StandInServer {
  readonly files: (HubFileSpec & { sha256: string })[] = [];
  requireToken: string | undefined;
  /** Entries per tree/search page (Link pagination). */
  pageSize = 2;

  constructor(private readonly cdn: CdnStandIn) {
    super('hub', (req, res, url) => this.route(req, res, url));
  }

  async addFile(spec: HubFileSpec): Promise<string> {
    const d = await digestsOf(spec.data);
    const at = this.files.findIndex((f) => f.repo === spec.repo && f.path === spec.path && (f.revision ?? 'main') === (spec.revision ?? 'main'));
    if (at >= 0) this.files.splice(at, 1); // a new upload of the same file: the branch moves on
    this.files.push({ ...spec, sha256: d.sha256 });
    this.cdn.host(`hub/${d.sha256}`, spec.data, spec.faults ?? { contentDisposition: `attachment; filename="${spec.path.split('/').pop()}"` });
    return `${this.url}/${spec.repo}/resolve/${spec.revision ?? 'main'}/${spec.path}`;
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const p = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (p[0] === 'api' && p[1] === 'models' && p[4] === 'tree') {
      const repo = `${p[2]}/${p[3]}`;
      const entries = this.files.filter((f) => f.repo === repo).map((f) => ({ type: 'file', oid: 'a'.repeat(40), size: f.data.length, path: f.path, lfs: { oid: f.sha256, size: f.data.length, pointerSize: 134 } }));
      return this.page(res, url, [{ type: 'directory', oid: 'b'.repeat(40), size: 0, path: 'unet' }, ...entries]);
    }
    if (p[0] === 'api' && p[1] === 'models' && p.length === 2) {
      const q = (url.searchParams.get('search') ?? '').toLowerCase();
      const repos = [...new Set(this.files.map((f) => f.repo))].filter((r) => r.toLowerCase().includes(q));
      return this.page(res, url, repos.map((id) => ({ id, modelId: id, pipeline_tag: 'text-to-image', downloads: 10, likes: 1 })));
    }
    const at = p.findIndex((s) => s === 'resolve' || s === 'blob');
    if (at === 2) {
      const repo = `${p[0]}/${p[1]}`;
      const rev = p[3];
      const path = p.slice(4).join('/');
      if (p[2] === 'blob') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end('<html>file page</html>');
      }
      if (this.requireToken && req.headers.authorization !== `Bearer ${this.requireToken}`) {
        res.writeHead(401, { 'x-error-code': 'GatedRepo', 'x-error-message': 'Access to model is restricted. You must have access to it and be authenticated to access it.' });
        return void res.end();
      }
      const f = this.files.find((x) => x.repo === repo && x.path === path && (x.revision ?? 'main') === rev);
      if (!f) {
        res.writeHead(404, { 'x-error-code': 'EntryNotFound', 'x-error-message': 'Entry not found' });
        return void res.end();
      }
      res.writeHead(302, {
        location: `${this.cdn.url}/files/${encodeURIComponent(`hub/${f.sha256}`)}?X-Amz-Signature=abc`,
        'x-linked-etag': `"${f.announceSha256 ?? f.sha256}"`,
        'x-linked-size': String(f.announceSize ?? f.data.length),
        'x-repo-commit': f.commit ?? HUB_COMMIT,
        etag: `"${'a'.repeat(40)}"`,
      });
      return void res.end();
    }
    json(res, 404, {}, { 'x-error-code': 'RepoNotFound' });
  }

  /** One page of `items` with a Link header to the next (cursor = offset). */
  private page(res: ServerResponse, url: URL, items: unknown[]): void {
    const from = Number(url.searchParams.get('cursor') ?? 0);
    const next = new URL(url);
    next.searchParams.set('cursor', String(from + this.pageSize));
    const headers = from + this.pageSize < items.length ? { link: `<${next}>; rel="next"` } : {};
    json(res, 200, items.slice(from, from + this.pageSize), headers);
  }
}

export interface StandIns {
  cdn: CdnStandIn;
  civitai: CivitaiStandIn;
  hub: HubStandIn;
  endpoints: { civitaiBaseUrl: string; huggingFaceEndpoint: string };
  /** Every request to any of the three, in order. */
  requests(): LoggedRequest[];
  close(): Promise<void>;
}

export async function startStandIns(): Promise<StandIns> {
  const cdn = await new CdnStandIn().start();
  const civitai = await new CivitaiStandIn(cdn).start();
  const hub = await new HubStandIn(cdn).start();
  return {
    cdn,
    civitai,
    hub,
    endpoints: { civitaiBaseUrl: civitai.url, huggingFaceEndpoint: hub.url },
    requests: () => [...cdn.requests, ...civitai.requests, ...hub.requests],
    close: async () => {
      await Promise.all([cdn.close(), civitai.close(), hub.close()]);
    },
  };
}
