// Push one model file into a store: HEAD first (a model already stored is never sent again), one PUT for
// small files, a multipart upload for big ones — parts sized so a 20 GB checkpoint stays far below S3's
// 10,000-part limit, four in flight — that a later push finds again and continues after a cut (the
// parts already stored are listed, not re-sent). The stored object is checked before the catalogue
// entry is written, so the catalogue only lists objects that are there.
import { promises as fsp } from 'node:fs';
import { DownloadError } from '../download/errors';
import { loadSdk } from './loadSdk';
import { objectKey, objectUrl } from './config';
import type { StoreClient } from './client';
import { catalogueKey, toObjectMetadata, type StoredModel } from './metadata';

export const MIN_PART_SIZE = 16 * 1024 * 1024;
const MAX_PARTS = 10_000;
const PARTS_IN_FLIGHT = 4;

/** Part size for a file: 16 MiB, grown in whole MiB so even a 150 GB file needs ≤ 10,000 parts. */
export function partSizeFor(size: number): number {
  const mib = 1024 * 1024;
  return Math.max(MIN_PART_SIZE, Math.ceil(size / (MAX_PARTS - 1) / mib) * mib);
}

export interface PushHooks {
  signal?: AbortSignal;
  /** Bytes of the file now in the store (parts found from an earlier push included). */
  onProgress?(bytes: number, total: number): void;
}

export interface PushResult {
  sha256: string;
  key: string;
  /** `s3://bucket/prefix/sha256/<hex>`: the source recorded in model_sources and manifests. */
  url: string;
  size: number;
  /** The store had the model already: nothing was sent. */
  alreadyInStore: boolean;
  /** Bytes sent by this push. */
  sentBytes: number;
  /** Bytes an earlier, cut push had already stored (continued, not restarted). */
  resumedBytes: number;
}

/** `model.sha256` must be the file's SHA-256 (the caller computed or verified it). */
export async function pushModel(client: StoreClient, path: string, model: StoredModel, hooks: PushHooks = {}): Promise<PushResult> {
  const key = objectKey(client.location, model.sha256);
  const base = { sha256: model.sha256, key, url: objectUrl(client.location, model.sha256), size: model.size };
  const existing = await client.head(model.sha256, hooks.signal);
  if (existing && existing.size === model.size) {
    hooks.onProgress?.(model.size, model.size);
    return { ...base, alreadyInStore: true, sentBytes: 0, resumedBytes: 0 };
  }
  const sent = model.size <= MIN_PART_SIZE ? await putWhole(client, path, key, model, hooks) : await putMultipart(client, path, key, model, hooks);
  const stored = await client.head(model.sha256, hooks.signal);
  if (!stored || stored.size !== model.size) {
    throw new DownloadError('server', `store '${client.config.name}': the stored object ${key} has ${stored?.size ?? 'no'} bytes after the upload, not ${model.size}`);
  }
  const sdk = loadSdk();
  try {
    await client.s3.send(new sdk.PutObjectCommand({ Bucket: client.location.bucket, Key: catalogueKey(client.location, model), Body: new Uint8Array(0) }), { abortSignal: hooks.signal });
  } catch (err) {
    throw await client.fail(err, 's3:PutObject', catalogueKey(client.location, model));
  }
  return { ...base, alreadyInStore: false, ...sent };
}

async function readPart(path: string, start: number, length: number): Promise<Buffer> {
  const fh = await fsp.open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const { bytesRead } = await fh.read(buffer, got, length - got, start + got);
      if (!bytesRead) throw new DownloadError('server', `${path} became shorter while it was being pushed`);
      got += bytesRead;
    }
    return buffer;
  } finally {
    await fh.close();
  }
}

async function putWhole(client: StoreClient, path: string, key: string, model: StoredModel, hooks: PushHooks) {
  const sdk = loadSdk();
  const body = await readPart(path, 0, model.size);
  try {
    await client.s3.send(
      new sdk.PutObjectCommand({ Bucket: client.location.bucket, Key: key, Body: body, ContentLength: model.size, Metadata: toObjectMetadata(model), ContentType: 'application/octet-stream' }),
      { abortSignal: hooks.signal },
    );
  } catch (err) {
    throw await client.fail(err, 's3:PutObject', key);
  }
  hooks.onProgress?.(model.size, model.size);
  return { sentBytes: model.size, resumedBytes: 0 };
}

async function putMultipart(client: StoreClient, path: string, key: string, model: StoredModel, hooks: PushHooks) {
  const sdk = loadSdk();
  const Bucket = client.location.bucket;
  const send = async <T>(action: 's3:PutObject' | 's3:ListBucketMultipartUploads', run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      // Kept as it is: another process completing the same upload is not a failure (see below).
      if (isNoSuchUpload(err)) throw err;
      throw await client.fail(err, action, key);
    }
  };
  const opts = { abortSignal: hooks.signal };
  const partSize = partSizeFor(model.size);
  const count = Math.ceil(model.size / partSize);
  const lengthOf = (n: number) => Math.min(partSize, model.size - (n - 1) * partSize);

  // An earlier push of these bytes that was cut: its upload is found by key and continued.
  const uploads = await send('s3:ListBucketMultipartUploads', () => client.s3.send(new sdk.ListMultipartUploadsCommand({ Bucket, Prefix: key }), opts));
  const earlier = (uploads.Uploads ?? []).filter((u) => u.Key === key && u.UploadId).sort((a, b) => (b.Initiated?.getTime() ?? 0) - (a.Initiated?.getTime() ?? 0))[0];
  let uploadId = earlier?.UploadId;
  const done = new Map<number, string>();
  if (uploadId) {
    let marker: string | undefined;
    for (;;) {
      const page = await send('s3:ListBucketMultipartUploads', () => client.s3.send(new sdk.ListPartsCommand({ Bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }), opts));
      for (const p of page.Parts ?? []) if (p.PartNumber && p.ETag && p.Size === lengthOf(p.PartNumber)) done.set(p.PartNumber, p.ETag);
      if (!page.IsTruncated || !page.NextPartNumberMarker) break;
      marker = page.NextPartNumberMarker;
    }
  } else {
    const created = await send('s3:PutObject', () =>
      client.s3.send(new sdk.CreateMultipartUploadCommand({ Bucket, Key: key, Metadata: toObjectMetadata(model), ContentType: 'application/octet-stream' }), opts),
    );
    uploadId = created.UploadId!;
  }
  const resumedBytes = [...done.keys()].reduce((n, part) => n + lengthOf(part), 0);
  let stored = resumedBytes;
  hooks.onProgress?.(stored, model.size);
  const todo = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !done.has(n));
  const worker = async () => {
    for (let n = todo.shift(); n !== undefined; n = todo.shift()) {
      hooks.signal?.throwIfAborted();
      const part = n;
      const body = await readPart(path, (part - 1) * partSize, lengthOf(part));
      const r = await send('s3:PutObject', () => client.s3.send(new sdk.UploadPartCommand({ Bucket, Key: key, UploadId: uploadId, PartNumber: part, Body: body, ContentLength: body.length }), opts));
      done.set(part, r.ETag!);
      stored += body.length;
      hooks.onProgress?.(stored, model.size);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(PARTS_IN_FLIGHT, todo.length) }, worker));
  } catch (err) {
    if (hooks.signal?.aborted) throw new DownloadError('cancelled', `the push to store '${client.config.name}' was cancelled; the parts stored so far are kept and the next push continues from them`);
    // Two pushes of the same bytes continued one upload and the other completed it first: the object is
    // there (the caller checks its size), so this push is done too.
    if (isNoSuchUpload(err) && (await client.head(model.sha256, hooks.signal))?.size === model.size) {
      todo.length = 0;
      return { sentBytes: stored - resumedBytes, resumedBytes };
    }
    if (isNoSuchUpload(err)) throw new DownloadError('server', `store '${client.config.name}': the upload of ${key} was aborted by someone else while this push ran; push again`);
    throw err;
  }
  const Parts = [...done.entries()].sort((a, b) => a[0] - b[0]).map(([PartNumber, ETag]) => ({ PartNumber, ETag }));
  try {
    await client.s3.send(new sdk.CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId, MultipartUpload: { Parts } }), opts);
  } catch (err) {
    // Another process pushing the same bytes completed this upload first: the object is there.
    if (!isNoSuchUpload(err)) throw await client.fail(err, 's3:PutObject', key);
  }
  return { sentBytes: model.size - resumedBytes, resumedBytes };
}

const isNoSuchUpload = (err: unknown) => (err as { name?: string } | undefined)?.name === 'NoSuchUpload';
