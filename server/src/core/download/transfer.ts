// One file from a URL into a model folder (DESIGN.md §10): bytes go to `<target>.part` while SHA-256,
// BLAKE3 and the quick hash are computed from them; a cut resumes with `Range` by itself (bounded retries,
// backoff on the injected clock), a server that ignores `Range` makes it start over; size and every
// expected hash are verified before the file appears under its name, without overwriting anything.
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { fullHashFile } from '../hash/fullHash';
import { quickHashFile } from '../hash/quickHash';
import { nullLogger, type Logger } from '../log';
import { DownloadError, isDownloadError } from './errors';
import { contentDispositionName, sanitizeFileName, urlPathName } from './fileName';
import { scrubUrl, type ProviderKind, type TokenProvider } from './hosts';
import { networkError, type HttpClient } from './http';
import { nodeDownloadFs, systemClock, type Clock, type DownloadFile, type DownloadFs } from './ports';
import { htmlError, isHtml, statusError } from './status';
import type { TokenBucket } from './rateLimit';
import { StreamHasher } from './streamHash';

export interface ExpectedFile {
  size?: number;
  sha256?: string;
  blake3?: string;
  quickHash?: string;
}

export interface TransferRequest {
  /** What to GET (may carry a token the user pasted: only scrubbed forms are ever shown). */
  url: string;
  /** The provider serving `url`: its token is sent, its name is in messages. */
  provider?: ProviderKind;
  /** Absolute folder the file goes to; must be inside one of `roots`. */
  targetDir: string;
  /** Model root folders (absolute). */
  roots: readonly string[];
  /** From provider metadata; else Content-Disposition, else the URL. Always sanitised. */
  fileName?: string;
  /** Every hash known in advance (caller's and provider's); each one is verified. */
  expected?: ExpectedFile;
  signal?: AbortSignal;
  /** Bytes in the `.part` so far (resumed bytes included) and the total when known. */
  onProgress?(bytes: number, total: number | undefined): void;
  /** The final path once the file name is settled (before any byte is written). */
  onTarget?(path: string): void;
}

export interface TransferResult {
  path: string;
  size: number;
  sha256: string;
  blake3: string;
  quickHash: string;
  /** An identical file was already there: nothing was downloaded. */
  alreadyPresent: boolean;
}

export interface TransferDeps {
  http: HttpClient;
  tokens: TokenProvider;
  fs?: DownloadFs;
  clock?: Clock;
  log?: Logger;
  /** Consecutive failed attempts (no byte received) before giving up; default 5. */
  retries?: number;
  /** The bandwidth cap shared by every transfer of this environment (rateLimit.ts); none: no cap. */
  rateLimit?: TokenBucket;
}

/** Bytes collected before one write call: fewer syscalls, still small enough to keep memory flat. */
const WRITE_BATCH = 4 * 1024 * 1024;
const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000];

export const partPath = (target: string) => `${target}.part`;

/** True when `dir` is one of `roots` or below one. */
export function insideRoots(dir: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = relative(resolve(root), resolve(dir));
    return !rel.startsWith('..') && !isAbsolute(rel);
  });
}

export async function transfer(request: TransferRequest, deps: TransferDeps): Promise<TransferResult> {
  const fs = deps.fs ?? nodeDownloadFs;
  const clock = deps.clock ?? systemClock;
  const log = deps.log ?? nullLogger;
  const maxRetries = deps.retries ?? 5;
  const shown = scrubUrl(request.url);
  const targetDir = resolve(request.targetDir);
  if (!insideRoots(targetDir, request.roots)) {
    throw new DownloadError('outside-roots', `the target folder ${targetDir} is not inside a model folder (${request.roots.join(', ') || 'none configured'})`);
  }
  const expected = normalise(request.expected);
  let target: string | undefined;
  const settleTarget = async (raw: string | undefined): Promise<TransferResult | undefined> => {
    const name = sanitizeFileName(raw);
    if (!name) throw new DownloadError('invalid-url', `cannot tell a safe file name for ${shown}`);
    target = join(targetDir, name);
    await fs.mkdir(targetDir);
    request.onTarget?.(target);
    return existingIdentical(target, expected);
  };
  if (request.fileName !== undefined) {
    const present = await settleTarget(request.fileName);
    if (present) return present;
  }
  const token = request.provider ? await deps.tokens.token(request.provider) : undefined;
  const auth = request.provider && token ? { kind: request.provider, token } : undefined;

  let hasher: StreamHasher | undefined;
  let failures = 0;
  for (;;) {
    request.signal?.throwIfAborted();
    const offset = target ? ((await fs.size(partPath(target))) ?? 0) : 0;
    try {
      const res = await deps.http({ url: request.url, auth, signal: request.signal, headers: offset > 0 ? { range: `bytes=${offset}-` } : {} });
      const body = res.body;
      let start = 0;
      let total: number | undefined;
      if (res.status === 206 && offset > 0) {
        const range = /bytes\s+(\d+)-(\d+)\/(\d+|\*)/i.exec(String(res.headers['content-range'] ?? ''));
        start = range ? Number(range[1]) : -1;
        total = range && range[3] !== '*' ? Number(range[3]) : undefined;
        if (start !== offset) {
          body.destroy();
          throw new DownloadError('server', `the server resumed at the wrong offset (${start} instead of ${offset})`, true);
        }
      } else if (res.status === 416 && offset > 0) {
        body.resume();
        const whole = /bytes\s+\*\/(\d+)/i.exec(String(res.headers['content-range'] ?? ''));
        if ((whole ? Number(whole[1]) : expected.size) !== offset) {
          log.info(`${shown}: the partial file does not fit the server's; starting over`);
          await fs.unlink(partPath(target!));
          continue;
        }
        start = offset; // the .part already holds every byte: verify it
        total = offset;
      } else if (res.status === 200) {
        if (offset > 0) log.info(`${shown}: the server ignored the resume request; starting over`);
        total = contentLength(res.headers['content-length']);
      } else {
        body.resume();
        throw statusError(res.status, res.headers, res.url, request.provider, res.authorized);
      }
      if (isHtml(res.headers) && !/\.html?$/i.test(request.fileName ?? '')) {
        body.destroy();
        throw htmlError(request.url, request.provider);
      }
      if (!target) {
        const present = await settleTarget(contentDispositionName(headerText(res.headers['content-disposition'])) ?? urlPathName(request.url) ?? urlPathName(res.url));
        if (present) {
          body.destroy();
          return present;
        }
      }
      if (expected.size !== undefined && total !== undefined && total !== expected.size) {
        body.destroy();
        throw new DownloadError('size-mismatch', `the server offers ${total} bytes for ${shown}, but ${expected.size} were expected`);
      }
      const part = partPath(target!);
      if (start === 0) hasher = undefined;
      if (!hasher || hasher.position !== start || hasher.total !== total) hasher = await hashExisting(fs, part, start, total);
      await receive(body, fs, part, start, total, hasher, request, shown, deps.rateLimit);
      if (total !== undefined && hasher.position < total) throw new DownloadError('network', `the connection closed after ${hasher.position} of ${total} bytes`, true);
      return await finish(fs, target!, hasher, expected, shown);
    } catch (err) {
      if (request.signal?.aborted) throw cancelled(target);
      const error = isDownloadError(err) ? err : networkError(request.url, err);
      if (!error.retriable) throw error;
      // A cut after progress starts the count again: only attempts that get nowhere use up retries.
      failures = (hasher?.position ?? 0) > offset ? 1 : failures + 1;
      if (failures > maxRetries) throw error;
      const delay = BACKOFF_MS[Math.min(failures - 1, BACKOFF_MS.length - 1)];
      log.warn(`${shown}: ${error.message}; retrying in ${delay / 1000} s (${failures}/${maxRetries})`);
      try {
        await clock.sleep(delay, request.signal);
      } catch {
        throw cancelled(target);
      }
    }
  }
}

function normalise(e: ExpectedFile | undefined): ExpectedFile {
  return { size: e?.size, sha256: e?.sha256?.toLowerCase(), blake3: e?.blake3?.toLowerCase(), quickHash: e?.quickHash?.toLowerCase() };
}

const headerText = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

function contentLength(v: string | undefined): number | undefined {
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

function cancelled(target: string | undefined): DownloadError {
  return new DownloadError('cancelled', target ? `the download was cancelled; ${partPath(target)} is kept and resumes next time` : 'the download was cancelled');
}

/**
 * A file already at `target`: undefined when there is none (or it cannot be compared yet), the
 * result when it is provably the expected file, an error when it provably differs.
 */
async function existingIdentical(target: string, expected: ExpectedFile): Promise<TransferResult | undefined> {
  let quick;
  try {
    quick = await quickHashFile(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const differs = () => new DownloadError('exists-different', `${target} already exists with different content; it is left alone (move it away or pick another folder)`);
  if (expected.size !== undefined && quick.size !== expected.size) throw differs();
  if (expected.quickHash && quick.quickHash !== expected.quickHash) throw differs();
  if (!expected.sha256 && !expected.blake3) {
    if (!expected.quickHash) return undefined; // compared once the download has finished
  }
  const full = await fullHashFile(target);
  if ((expected.sha256 && full.sha256 !== expected.sha256) || (expected.blake3 && full.blake3 !== expected.blake3)) throw differs();
  return { path: target, size: full.size, sha256: full.sha256, blake3: full.blake3, quickHash: quick.quickHash, alreadyPresent: true };
}

/** A hasher positioned at `upTo`: the bytes already in the `.part` are read and hashed once. */
async function hashExisting(fs: DownloadFs, part: string, upTo: number, total: number | undefined): Promise<StreamHasher> {
  const hasher = await StreamHasher.create(total);
  if (upTo === 0) return hasher;
  const file = await fs.open(part, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(upTo, WRITE_BATCH));
    while (hasher.position < upTo) {
      const n = await file.read(buffer, Math.min(buffer.length, upTo - hasher.position), hasher.position);
      if (n <= 0) throw new DownloadError('network', `${part} is shorter than it was a moment ago`, true);
      hasher.update(buffer.subarray(0, n));
    }
  } finally {
    await file.close();
  }
  return hasher;
}

/**
 * Stream the body into the `.part` from `start`, hashing each batch as it is handed to the disk; one write
 * in flight while the next batch fills. Everything received is on disk before this returns or throws.
 */
async function receive(
  body: IncomingMessage, fs: DownloadFs, part: string, start: number, total: number | undefined, hasher: StreamHasher, request: TransferRequest, shown: string,
  rateLimit: TokenBucket | undefined,
): Promise<void> {
  const file: DownloadFile = await fs.open(part, start > 0 ? 'r+' : 'w');
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let position = start;
  let writing: Promise<void> = Promise.resolve();
  let writeError: unknown;
  /** End of the bytes known to be on disk: after a failed write the .part is cut back here (no hole). */
  let durable = start;
  // Hashed when handed to the disk, chunk by chunk (concatenating a batch costs a copy of every byte).
  const flush = () => {
    if (!batchBytes) return;
    const buffers = batch;
    const at = position;
    const length = batchBytes;
    position += batchBytes;
    batch = [];
    batchBytes = 0;
    for (const b of buffers) hasher.update(b);
    writing = writing.then(async () => {
      if (writeError) return;
      try {
        await file.writev(buffers, at);
        durable = at + length;
      } catch (err) {
        writeError = err;
      }
    });
  };
  let streamError: unknown;
  try {
    if (start > 0) await file.truncate(start);
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (writeError) break;
      if (total !== undefined && position + batchBytes + chunk.length > total) {
        throw new DownloadError('size-mismatch', `${shown} sent more than the announced ${total} bytes`);
      }
      // Waiting here leaves the socket unread: TCP's own backpressure slows the sender to the cap.
      if (rateLimit) await rateLimit.take(chunk.length, request.signal);
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes >= WRITE_BATCH) {
        await writing; // at most one batch waits while another is written
        flush();
      }
      request.onProgress?.(position + batchBytes, total);
    }
  } catch (err) {
    streamError = err;
  } finally {
    flush();
    await writing;
    if (writeError) await file.truncate(durable).catch(() => {});
    await file.close().catch(() => {});
    body.destroy();
  }
  if (writeError) throw diskError(writeError, part);
  if (streamError) throw streamError;
}

function diskError(err: unknown, part: string): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DownloadError('disk-full', `the disk is full: free some space, then resume the download (the partial file ${part} is kept)`);
  }
  return err;
}

async function finish(fs: DownloadFs, target: string, hasher: StreamHasher, expected: ExpectedFile, shown: string): Promise<TransferResult> {
  const part = partPath(target);
  const digests = hasher.digests();
  const problems: string[] = [];
  if (expected.size !== undefined && digests.size !== expected.size) problems.push(`size ${digests.size} instead of ${expected.size}`);
  if (expected.sha256 && digests.sha256 !== expected.sha256) problems.push(`SHA-256 ${digests.sha256} instead of ${expected.sha256}`);
  if (expected.blake3 && digests.blake3 !== expected.blake3) problems.push(`BLAKE3 ${digests.blake3} instead of ${expected.blake3}`);
  const quickHash = digests.quickHash ?? (await quickHashFile(part)).quickHash;
  if (expected.quickHash && quickHash !== expected.quickHash) problems.push(`quick hash ${quickHash} instead of ${expected.quickHash}`);
  if (problems.length) {
    await fs.unlink(part).catch(() => {}); // wrong bytes are not worth resuming
    const code = problems.every((p) => p.startsWith('size')) ? 'size-mismatch' : 'hash-mismatch';
    throw new DownloadError(code, `the file from ${shown} is not the expected one (${problems.join('; ')}); it was discarded`);
  }
  const result: TransferResult = { path: target, size: digests.size, sha256: digests.sha256, blake3: digests.blake3, quickHash, alreadyPresent: false };
  try {
    await fs.link(part, target); // fails instead of overwriting
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return sameAsExisting(fs, target, result);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    // No hard links on this file system: check, then rename (a tiny race window is the price).
    if ((await fs.size(target)) !== undefined) return sameAsExisting(fs, target, result);
    await fs.rename(part, target);
    return result;
  }
  await fs.unlink(part);
  return result;
}

/** The target appeared meanwhile (or was there without a known hash): identical → keep it, else refuse. */
async function sameAsExisting(fs: DownloadFs, target: string, result: TransferResult): Promise<TransferResult> {
  const existing = await quickHashFile(target);
  if (existing.size === result.size && existing.quickHash === result.quickHash) {
    await fs.unlink(partPath(target));
    return { ...result, alreadyPresent: true };
  }
  throw new DownloadError('exists-different', `${target} already exists with different content; it is left alone and the verified download is kept as ${partPath(target)}`);
}
