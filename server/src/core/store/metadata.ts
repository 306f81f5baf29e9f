// What a stored model says about itself. Each object carries its file name, category, subfolder, size,
// BLAKE3, quick hash and base model as `x-amz-meta-*`; a zero-byte catalogue object per model holds the
// same facts in its key, so listing a 100,000-model store costs list calls (1,000 keys each), not a HEAD
// per model. Values are percent-encoded: S3 metadata is ASCII-only, file names are not.
import { isSha256, type StoreLocation } from './config';

export interface StoredModel {
  sha256: string;
  size: number;
  filename: string;
  category?: string;
  subfolder?: string;
  blake3?: string;
  quickHash?: string;
  baseModel?: string;
}

const FIELDS = ['filename', 'category', 'subfolder', 'blake3', 'quickhash', 'basemodel'] as const;

/** Object metadata (`x-amz-meta-<key>`) for a model. */
export function toObjectMetadata(m: StoredModel): Record<string, string> {
  const out: Record<string, string> = { filename: encodeURIComponent(m.filename), size: String(m.size) };
  if (m.category) out.category = encodeURIComponent(m.category);
  if (m.subfolder) out.subfolder = encodeURIComponent(m.subfolder);
  if (m.blake3) out.blake3 = m.blake3;
  if (m.quickHash) out.quickhash = m.quickHash;
  if (m.baseModel) out.basemodel = encodeURIComponent(m.baseModel);
  return out;
}

function decode(v: string | undefined): string | undefined {
  if (!v) return undefined;
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** A model from an object's metadata and size (metadata that says otherwise is reported by verify). */
export function fromObjectMetadata(sha256: string, size: number, meta: Record<string, string | undefined>): StoredModel {
  const m: StoredModel = { sha256, size, filename: decode(meta.filename) ?? `${sha256.slice(0, 16)}.safetensors` };
  const category = decode(meta.category);
  if (category) m.category = category;
  const subfolder = decode(meta.subfolder);
  if (subfolder) m.subfolder = subfolder;
  if (meta.blake3 && /^[0-9a-f]{64}$/.test(meta.blake3)) m.blake3 = meta.blake3;
  if (meta.quickhash && /^[0-9a-f]{16}$/.test(meta.quickhash)) m.quickHash = meta.quickhash;
  const baseModel = decode(meta.basemodel);
  if (baseModel) m.baseModel = baseModel;
  return m;
}

const prefixed = (store: StoreLocation, rest: string) => (store.prefix ? `${store.prefix}/${rest}` : rest);

/** Where the catalogue objects live. */
export const cataloguePrefix = (store: StoreLocation) => prefixed(store, 'catalogue/');

/** The catalogue key of a model: `<prefix>/catalogue/<sha256>/<base64url of its facts>` (≤ 1024 bytes). */
export function catalogueKey(store: StoreLocation, m: StoredModel): string {
  const facts: Record<string, string | number> = { size: m.size, filename: m.filename };
  for (const f of FIELDS) {
    const v = f === 'quickhash' ? m.quickHash : f === 'basemodel' ? m.baseModel : m[f];
    if (v && f !== 'filename') facts[f] = v;
  }
  let encoded = Buffer.from(JSON.stringify(facts)).toString('base64url');
  const head = `${cataloguePrefix(store)}${m.sha256}/`;
  if (Buffer.byteLength(head) + encoded.length > 1024) encoded = Buffer.from(JSON.stringify({ size: m.size, filename: m.filename.slice(0, 200) })).toString('base64url');
  return head + encoded;
}

/** The model a catalogue key describes; undefined for keys that are not ours. */
export function parseCatalogueKey(store: StoreLocation, key: string): StoredModel | undefined {
  const head = cataloguePrefix(store);
  if (!key.startsWith(head)) return undefined;
  const [sha256, encoded, extra] = key.slice(head.length).split('/');
  if (!sha256 || !isSha256(sha256) || !encoded || extra !== undefined) return undefined;
  try {
    const facts = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as Record<string, unknown>;
    const meta: Record<string, string> = {};
    for (const f of FIELDS) if (typeof facts[f] === 'string') meta[f] = encodeURIComponent(facts[f]);
    if (meta.blake3) meta.blake3 = decodeURIComponent(meta.blake3);
    if (meta.quickhash) meta.quickhash = decodeURIComponent(meta.quickhash);
    return fromObjectMetadata(sha256, Number(facts.size) || 0, meta);
  } catch {
    return undefined;
  }
}
