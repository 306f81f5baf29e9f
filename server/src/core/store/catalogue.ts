// Listing and checking a store. The catalogue (zero-byte objects whose keys carry each model's facts)
// answers `store ls` with list calls only; `verify` heads every model object and reports the ones whose
// metadata, size or catalogue entry disagree.
import { loadSdk } from './loadSdk';
import { isSha256 } from './config';
import type { StoreClient } from './client';
import { cataloguePrefix, parseCatalogueKey, type StoredModel } from './metadata';

async function* listKeys(client: StoreClient, prefix: string, signal?: AbortSignal): AsyncGenerator<{ key: string; size: number }> {
  const sdk = loadSdk();
  let token: string | undefined;
  for (;;) {
    let page;
    try {
      page = await client.s3.send(new sdk.ListObjectsV2Command({ Bucket: client.location.bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal: signal });
    } catch (err) {
      throw await client.fail(err, 's3:ListBucket');
    }
    for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, size: o.Size ?? 0 };
    if (!page.IsTruncated || !page.NextContinuationToken) return;
    token = page.NextContinuationToken;
  }
}

/** Every model the store's catalogue lists, by SHA-256 (one entry per model). */
export async function listStore(client: StoreClient, signal?: AbortSignal): Promise<StoredModel[]> {
  const byHash = new Map<string, StoredModel>();
  for await (const { key } of listKeys(client, cataloguePrefix(client.location), signal)) {
    const m = parseCatalogueKey(client.location, key);
    if (m && !byHash.has(m.sha256)) byHash.set(m.sha256, m);
  }
  return [...byHash.values()].sort((a, b) => a.filename.localeCompare(b.filename));
}

export interface VerifyProblem {
  sha256: string;
  key: string;
  problem: string;
}

export interface VerifyReport {
  objects: number;
  bytes: number;
  problems: VerifyProblem[];
}

/** HEAD of every model object; metadata, size and catalogue compared. */
export async function verifyStore(client: StoreClient, signal?: AbortSignal): Promise<VerifyReport> {
  const catalogue = new Map((await listStore(client, signal)).map((m) => [m.sha256, m]));
  const objectsPrefix = `${client.location.prefix ? `${client.location.prefix}/` : ''}sha256/`;
  const problems: VerifyProblem[] = [];
  const seen = new Set<string>();
  let objects = 0;
  let bytes = 0;
  for await (const { key, size } of listKeys(client, objectsPrefix, signal)) {
    const sha256 = key.slice(objectsPrefix.length);
    if (!isSha256(sha256)) {
      problems.push({ sha256, key, problem: 'not a SHA-256 key' });
      continue;
    }
    objects++;
    bytes += size;
    seen.add(sha256);
    const head = await client.head(sha256, signal);
    const listed = catalogue.get(sha256);
    if (!head) problems.push({ sha256, key, problem: 'listed but gone' });
    else if (head.size !== size) problems.push({ sha256, key, problem: `HEAD says ${head.size} bytes, the listing ${size}` });
    if (!listed) problems.push({ sha256, key, problem: 'not in the catalogue (store ls does not show it)' });
    else if (listed.size !== size) problems.push({ sha256, key, problem: `the catalogue says ${listed.size} bytes, the object has ${size}` });
  }
  for (const [sha256] of catalogue) if (!seen.has(sha256)) problems.push({ sha256, key: `catalogue/${sha256}`, problem: 'in the catalogue but the object is missing' });
  return { objects, bytes, problems };
}
