// A whole download in one call (DESIGN.md §10): provider metadata first, then the target folder from the
// category, the expected hashes merged, the transfer, and the source the index should record.
import { basename } from 'node:path';
import type { ModelRoot } from '../roots';
import type { ModelSource } from '../types';
import { createProviders, describeUrl, type Providers } from '../providers/describe';
import type { RemoteFile } from '../providers/types';
import { DownloadError } from './errors';
import { pastedToken, providerLabel, type ProviderEndpoints, type TokenProvider } from './hosts';
import { createHttpClient } from './http';
import { locateInRoots } from './record';
import { mergeExpected, targetFolder } from './target';
import { transfer, type ExpectedFile, type TransferDeps, type TransferResult } from './transfer';
import { parseDownloadUrl } from './url';

export interface DownloadRequest {
  url: string;
  /** ComfyUI category; defaults to what the provider's model type maps to. */
  category?: string;
  /** Folder under the category folder. */
  subfolder?: string;
  /** The model root to download into (one of `roots`, chosen by the user or a plan); default: targetFolder's rule. */
  root?: string;
  /** What the caller knows (workflow metadata, manifest, --sha256). */
  expected?: ExpectedFile;
  /** A file name settled by an earlier attempt (so a resumed download finds its `.part`). */
  fileName?: string;
}

export interface DownloadEnvironment extends TransferDeps {
  endpoints: ProviderEndpoints;
  providers: Providers;
}

/** The real wiring: node's HTTP client and both providers on `endpoints`; `extra` adds an fs port, clock, logger, retries. */
export function createDownloadEnvironment(endpoints: ProviderEndpoints, tokens: TokenProvider, extra: Omit<Partial<TransferDeps>, 'http' | 'tokens'> = {}): DownloadEnvironment {
  const http = createHttpClient(endpoints);
  return { ...extra, endpoints, http, tokens, providers: createProviders({ http, tokens }, endpoints) };
}

export interface DownloadHooks {
  signal?: AbortSignal;
  onRemote?(remote: RemoteFile, category: string, targetDir: string): void;
  onTarget?(path: string): void;
  onProgress?(bytes: number, total: number | undefined): void;
}

export interface DownloadOutcome extends TransferResult {
  category: string;
  /** Path under its model root, `/`-separated. */
  relativePath: string;
  /** What to record in model_sources (URL scrubbed, provider ids as metadata). */
  source: ModelSource;
}

export async function downloadModel(request: DownloadRequest, roots: readonly ModelRoot[], env: DownloadEnvironment, hooks: DownloadHooks = {}): Promise<DownloadOutcome> {
  env = withPastedToken(request.url, env);
  const remote = await describeUrl(request.url, env.providers, env.endpoints, hooks.signal);
  const category = request.category || remote.category;
  if (!category) throw new DownloadError('category-required', `which model folder should ${remote.fileName ?? 'this file'} go to? Give a category (checkpoints, loras, vae, …)`);
  const targetDir = targetFolder(roots, category, request.subfolder, request.root);
  const where = remote.provider === 'url' ? 'the server' : providerLabel(remote.provider);
  const expected = mergeExpected(request.expected, { size: remote.size, sha256: remote.sha256, blake3: remote.blake3 }, where);
  hooks.onRemote?.(remote, category, targetDir);
  const result = await transfer(
    {
      url: remote.downloadUrl,
      provider: remote.provider === 'url' ? undefined : remote.provider,
      targetDir,
      roots: roots.map((r) => r.path),
      fileName: request.fileName ?? remote.fileName,
      expected,
      signal: hooks.signal,
      onProgress: hooks.onProgress,
      onTarget: hooks.onTarget,
    },
    env,
  );
  const at = locateInRoots(result.path, roots);
  return {
    ...result,
    category,
    relativePath: at?.relativePath ?? basename(result.path),
    source: { type: remote.provider, url: remote.sourceUrl, metadata: remote.metadata },
  };
}

/**
 * A provider URL with `?token=` pasted in: that token is sent as a bearer header to the provider's own
 * hosts when no token is configured (it never stays in a URL we store or show, so it lasts this session).
 */
function withPastedToken(url: string, env: DownloadEnvironment): DownloadEnvironment {
  const pasted = pastedToken(url);
  const source = pasted && parseDownloadUrl(url, env.endpoints);
  if (!pasted || !source || source.kind === 'url') return env;
  const kind = source.kind;
  const tokens: TokenProvider = { token: async (k) => (await env.tokens.token(k)) ?? (k === kind ? pasted : undefined) };
  return { ...env, tokens, providers: createProviders({ http: env.http, tokens }, env.endpoints) };
}
