// One configured store as S3 calls (through the AWS SDK, loaded on first use), and every failure turned
// into a message that names the store, what was refused and where the credentials came from — never the
// credentials themselves, never a presigned query string.
import type { IncomingMessage } from 'node:http';
import type { S3Client } from '@aws-sdk/client-s3';
import { DownloadError } from '../download/errors';
import { objectKey, parseStoreUrl, type StoreConfig, type StoreLocation } from './config';
import { loadSdk } from './loadSdk';
import { fromObjectMetadata, type StoredModel } from './metadata';

export interface StoreCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where a store's credentials come from, and how to name that source in messages. */
export interface StoreAccess {
  /** Static keys (SecretStorage, environment); absent: a profile or the default AWS chain. */
  credentials?: StoreCredentials;
  /** An AWS profile of ~/.aws/credentials / ~/.aws/config. */
  profile?: string;
  /** Files of the shared AWS configuration (the CLI passes its environment's). */
  credentialsFile?: string;
  configFile?: string;
  /** "the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)", "profile 'team' (~/.aws/credentials)", … */
  source: string;
}

/** S3 permissions named in messages when the object store refuses an action. */
export type StoreAction = 's3:GetObject' | 's3:PutObject' | 's3:ListBucket' | 's3:DeleteObject' | 's3:ListBucketMultipartUploads';

export interface StoreClient {
  readonly config: StoreConfig;
  readonly location: StoreLocation;
  readonly access: StoreAccess;
  /** The SDK client (multipart and listing use it directly). */
  readonly s3: S3Client;
  /** The stored model with this SHA-256, from its metadata; undefined when the store does not have it. */
  head(sha256: string, signal?: AbortSignal): Promise<StoredModel | undefined>;
  /** GET of a key from `offset` (ranged when > 0), as the download engine's HTTP responses look. */
  get(key: string, offset: number, signal?: AbortSignal): Promise<{ status: number; headers: Record<string, string>; body: IncomingMessage }>;
  /** Turn an SDK failure into a DownloadError naming the store, the action and the credential source. */
  fail(err: unknown, action: StoreAction, key?: string): Promise<DownloadError>;
  destroy(): void;
}

interface SdkError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

export function createStoreClient(config: StoreConfig, access: StoreAccess): StoreClient {
  const sdk = loadSdk();
  const location = parseStoreUrl(config.url);
  const credentials = access.credentials
    ? { ...access.credentials }
    : access.profile
      ? sdk.fromIni({ profile: access.profile, filepath: access.credentialsFile, configFilepath: access.configFile })
      : sdk.fromNodeProviderChain({ filepath: access.credentialsFile, configFilepath: access.configFile });
  const s3 = new sdk.S3Client({
    region: config.region ?? 'us-east-1',
    endpoint: config.endpoint,
    forcePathStyle: config.pathStyle ?? !!config.endpoint,
    credentials,
    // Checksums only where the API requires them: S3-compatible stores (Ceph, older MinIO) refuse the
    // SDK's default CRC32 trailers, and our own verification is the SHA-256 the key names.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
  const where = `store '${config.name}' (${config.url}${config.endpoint ? ` at ${config.endpoint}` : ''})`;

  const client: StoreClient = {
    config,
    location,
    access,
    s3,
    async head(sha256, signal) {
      const key = objectKey(location, sha256);
      try {
        const r = await s3.send(new sdk.HeadObjectCommand({ Bucket: location.bucket, Key: key }), { abortSignal: signal });
        return fromObjectMetadata(sha256, r.ContentLength ?? 0, r.Metadata ?? {});
      } catch (err) {
        if (statusOf(err) === 404) {
          await bucketExists(); // a missing bucket is an error, a missing object is not
          return undefined;
        }
        throw await client.fail(err, 's3:GetObject', key);
      }
    },
    async get(key, offset, signal) {
      try {
        const r = await s3.send(new sdk.GetObjectCommand({ Bucket: location.bucket, Key: key, Range: offset > 0 ? `bytes=${offset}-` : undefined }), { abortSignal: signal });
        const headers: Record<string, string> = {};
        if (r.ContentLength !== undefined) headers['content-length'] = String(r.ContentLength);
        if (r.ContentRange) headers['content-range'] = r.ContentRange;
        if (r.ContentType) headers['content-type'] = r.ContentType;
        const status = r.$metadata.httpStatusCode ?? (offset > 0 ? 206 : 200);
        // In Node the SDK's body is the IncomingMessage of the response (with helper methods mixed in).
        return { status, headers, body: r.Body as unknown as IncomingMessage };
      } catch (err) {
        throw await client.fail(err, 's3:GetObject', key);
      }
    },
    async fail(err, action, key) {
      if (err instanceof DownloadError) return err;
      const e = (err ?? {}) as SdkError;
      const code = e.Code ?? e.name ?? '';
      const status = statusOf(err);
      if (e.name === 'AbortError' || code === 'AbortError') return new DownloadError('cancelled', `${where}: cancelled`);
      const netCode = e.code ?? (err as { cause?: { code?: string } })?.cause?.code;
      if (!status && (netCode || /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|socket/i.test(e.message ?? ''))) {
        return new DownloadError('store-unreachable', `${where}: the endpoint ${config.endpoint ?? 'of AWS S3'} cannot be reached (${netCode ?? e.message})`, true);
      }
      if (code === 'SignatureDoesNotMatch' || code === 'InvalidAccessKeyId' || code === 'ExpiredToken' || code === 'InvalidToken' || code === 'CredentialsProviderError' || e.name === 'CredentialsProviderError') {
        const why = code === 'CredentialsProviderError' ? 'no credentials were found' : `the credentials were refused (${code})`;
        return new DownloadError('store-credentials', `${where}: ${why}; they come from ${access.source}`);
      }
      if (code === 'NoSuchBucket') return new DownloadError('store-bucket-missing', `${where}: the bucket '${location.bucket}' does not exist`);
      if (status === 403 && !['AccessDenied', 'SignatureDoesNotMatch', 'InvalidAccessKeyId'].includes(code)) {
        // HEAD answers carry no error code: one listing tells wrong credentials from a missing permission.
        const probe = await probeList();
        if (probe) return client.fail(probe, 's3:ListBucket');
      }
      if (status === 403 || code === 'AccessDenied' || code === 'Forbidden') {
        return new DownloadError('store-permission', `${where}: permission denied — the credentials from ${access.source} lack ${action}${key ? ` on ${key}` : ''}`);
      }
      if (status === 404 || code === 'NoSuchKey' || code === 'NotFound') return new DownloadError('not-found', `${where}: no object ${key ?? ''}`.trimEnd());
      if (status && status >= 500) return new DownloadError('server', `${where}: the store answered ${status} ${code}`, true);
      return new DownloadError('server', `${where}: ${code || 'error'}: ${e.message ?? String(err)}`);
    },
    destroy: () => s3.destroy(),
  };

  async function probeList(): Promise<unknown> {
    try {
      await s3.send(new sdk.ListObjectsV2Command({ Bucket: location.bucket, MaxKeys: 1, Prefix: location.prefix }));
      return undefined;
    } catch (err) {
      const code = (err as SdkError).Code ?? (err as SdkError).name;
      return code === 'AccessDenied' ? undefined : err;
    }
  }

  async function bucketExists(): Promise<void> {
    try {
      await s3.send(new sdk.HeadBucketCommand({ Bucket: location.bucket }));
    } catch (err) {
      if (statusOf(err) === 404) throw new DownloadError('store-bucket-missing', `${where}: the bucket '${location.bucket}' does not exist`);
      if (statusOf(err) !== 403) throw await client.fail(err, 's3:ListBucket');
    }
  }
  return client;
}

function statusOf(err: unknown): number | undefined {
  return (err as SdkError)?.$metadata?.httpStatusCode;
}
