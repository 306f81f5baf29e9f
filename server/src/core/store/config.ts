// Team stores as configuration: a name and an `s3://bucket/prefix` URL, with the endpoint, region and
// addressing of S3-compatible services (R2, MinIO, Ceph RGW, B2). Never credentials: those come from the
// editor's SecretStorage or the standard AWS chain. Keys are content addresses: `<prefix>/sha256/<hex>`.

export interface StoreConfig {
  name: string;
  /** `s3://bucket` or `s3://bucket/prefix`. */
  url: string;
  /** Endpoint of an S3-compatible service (http(s)://host[:port]); AWS when absent. */
  endpoint?: string;
  region?: string;
  /** Path-style addressing (`endpoint/bucket/key`), needed where buckets have no DNS names. */
  pathStyle?: boolean;
  /** Push what was fetched from a public source, so the next colleague gets it from the store. */
  autoPush?: boolean;
}

export interface StoreLocation {
  bucket: string;
  /** Without leading or trailing `/`; empty for the bucket's top. */
  prefix: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SHA256 = /^[0-9a-f]{64}$/;

export class StoreConfigError extends Error {
  override name = 'StoreConfigError';
}

/** Bucket and prefix of `s3://bucket[/prefix]`; throws StoreConfigError with the reason. */
export function parseStoreUrl(url: string): StoreLocation {
  const m = /^s3:\/\/([^/?#]+)((?:\/[^?#]*)?)$/.exec(url.trim());
  if (!m) throw new StoreConfigError(`'${url}' is not an s3://bucket/prefix URL`);
  const bucket = m[1];
  if (!BUCKET.test(bucket)) throw new StoreConfigError(`'${bucket}' is not a valid bucket name`);
  const prefix = m[2].split('/').filter(Boolean);
  if (prefix.some((s) => s === '.' || s === '..')) throw new StoreConfigError(`the prefix of '${url}' must not contain '.' or '..'`);
  return { bucket, prefix: prefix.join('/') };
}

/** A store entry as the user wrote it (settings, CLI config): checked, or the reason it is not usable. */
export function validateStore(raw: unknown): StoreConfig {
  if (!raw || typeof raw !== 'object') throw new StoreConfigError('a store must be an object { name, url }');
  const r = raw as Record<string, unknown>;
  if (typeof r.name !== 'string' || !/^[\w.-]{1,64}$/.test(r.name)) throw new StoreConfigError(`store name ${JSON.stringify(r.name)} must be 1–64 letters, digits, '.', '_' or '-'`);
  if (typeof r.url !== 'string') throw new StoreConfigError(`store '${r.name}' needs a url s3://bucket/prefix`);
  parseStoreUrl(r.url);
  const out: StoreConfig = { name: r.name, url: r.url.trim() };
  if (r.endpoint !== undefined) {
    if (typeof r.endpoint !== 'string' || !/^https?:\/\/[^/?#@]+\/?$/.test(r.endpoint)) throw new StoreConfigError(`store '${r.name}': endpoint must be http(s)://host[:port]`);
    out.endpoint = r.endpoint.replace(/\/$/, '');
  }
  if (r.region !== undefined) {
    if (typeof r.region !== 'string' || !/^[\w-]+$/.test(r.region)) throw new StoreConfigError(`store '${r.name}': region must be a region name`);
    out.region = r.region;
  }
  if (r.pathStyle !== undefined) out.pathStyle = r.pathStyle === true;
  if (r.autoPush !== undefined) out.autoPush = r.autoPush === true;
  return out;
}

/** Every usable store of a list; the unusable ones with their reason (shown, never fatal). */
export function validateStores(raw: unknown): { stores: StoreConfig[]; problems: string[] } {
  const stores: StoreConfig[] = [];
  const problems: string[] = [];
  for (const entry of Array.isArray(raw) ? raw : []) {
    try {
      const store = validateStore(entry);
      if (stores.some((s) => s.name === store.name)) problems.push(`store name '${store.name}' is used twice; the first is kept`);
      else stores.push(store);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return { stores, problems };
}

const join = (prefix: string, rest: string) => (prefix ? `${prefix}/${rest}` : rest);

/** The object key of a model: its SHA-256 under the store's prefix. */
export function objectKey(store: StoreLocation, sha256: string): string {
  return join(store.prefix, `sha256/${sha256.toLowerCase()}`);
}

/** The `s3://…/sha256/<hex>` source a manifest and model_sources record (no credentials, no query). */
export function objectUrl(store: StoreLocation, sha256: string): string {
  return `s3://${store.bucket}/${objectKey(store, sha256)}`;
}

/** Bucket, prefix and SHA-256 of an `s3://bucket/prefix/sha256/<hex>` source; undefined when it is not one. */
export function parseObjectUrl(url: string): (StoreLocation & { sha256: string }) | undefined {
  const m = /^s3:\/\/([^/?#]+)\/(?:(.*)\/)?sha256\/([0-9a-fA-F]{64})$/.exec(url);
  if (!m || !BUCKET.test(m[1])) return undefined;
  const prefix = (m[2] ?? '').split('/').filter(Boolean);
  if (prefix.some((s) => s === '.' || s === '..')) return undefined;
  return { bucket: m[1], prefix: prefix.join('/'), sha256: m[3].toLowerCase() };
}

export const isSha256 = (s: string) => SHA256.test(s);

/** The configured store that holds `url` (same bucket and prefix); undefined: the user must add it. */
export function storeForObject(stores: readonly StoreConfig[], url: string): StoreConfig | undefined {
  const at = parseObjectUrl(url);
  if (!at) return undefined;
  return stores.find((s) => {
    const loc = parseStoreUrl(s.url);
    return loc.bucket === at.bucket && loc.prefix === at.prefix;
  });
}
