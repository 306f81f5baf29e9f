// Download and provider failures carry a code the CLI prints (DESIGN.md §12) and the UI maps to an action.
// Messages never hold a token: every URL in them goes through scrubUrl first.

export type DownloadErrorCode =
  | 'auth-required'
  | 'not-found'
  | 'hash-mismatch'
  | 'size-mismatch'
  | 'html-instead-of-file'
  | 'network'
  | 'server'
  | 'disk-full'
  | 'outside-roots'
  | 'exists-different'
  | 'invalid-url'
  | 'category-required'
  | 'cancelled'
  // Team stores (S3): wrong credentials, a permission the credentials lack, no such bucket, no answer,
  // bytes that do not hash to their key, an s3:// source of a store that is not configured.
  | 'store-credentials'
  | 'store-permission'
  | 'store-bucket-missing'
  | 'store-unreachable'
  | 'corrupt-store-object'
  | 'store-not-configured';

export class DownloadError extends Error {
  constructor(
    readonly code: DownloadErrorCode,
    message: string,
    /** True when trying again later may succeed (network, 5xx, rate limit): the transfer retries these. */
    readonly retriable = false,
    /** The HTTP status that caused it, when one did (429 tells a rate limit apart from a server error). */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export const isDownloadError = (err: unknown, code?: DownloadErrorCode): err is DownloadError =>
  err instanceof DownloadError && (code === undefined || err.code === code);
