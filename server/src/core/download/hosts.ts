// Which provider a URL belongs to (DESIGN.md §10): civitai.com, civitai.red and the configured CivitAI
// origin are CivitAI; huggingface.co, hf.co and the configured endpoint's origin are Hugging Face. Tokens
// go only to these hosts, and every URL we store, log or show is scrubbed of `token` query parameters.

export type ProviderKind = 'civitai' | 'huggingface';

export interface ProviderEndpoints {
  /** CivitAI origin for API calls (default https://civitai.com). */
  civitaiBaseUrl: string;
  /** Hugging Face endpoint or mirror (default https://huggingface.co). */
  huggingFaceEndpoint: string;
}

export const DEFAULT_ENDPOINTS: ProviderEndpoints = { civitaiBaseUrl: 'https://civitai.com', huggingFaceEndpoint: 'https://huggingface.co' };

/** Endpoints from the environment the CLI documents (COMFY_MODELS_CIVITAI_BASE_URL, HF_ENDPOINT). */
export function endpointsFromEnv(env: Record<string, string | undefined>): ProviderEndpoints {
  return {
    civitaiBaseUrl: trimSlash(env.COMFY_MODELS_CIVITAI_BASE_URL || DEFAULT_ENDPOINTS.civitaiBaseUrl),
    huggingFaceEndpoint: trimSlash(env.HF_ENDPOINT || DEFAULT_ENDPOINTS.huggingFaceEndpoint),
  };
}

const trimSlash = (s: string) => s.replace(/\/+$/, '');

/**
 * The editor's endpoints: a setting changed from the public origin wins; left at it, HF_ENDPOINT (the
 * mirror variable every Hugging Face tool honours) and COMFY_MODELS_CIVITAI_BASE_URL still apply.
 */
export function endpointsFromSettings(settings: ProviderEndpoints, env: Record<string, string | undefined>): ProviderEndpoints {
  const fromEnv = endpointsFromEnv(env);
  const pick = (setting: string, fallback: string, envValue: string) => (trimSlash(setting) && trimSlash(setting) !== fallback ? trimSlash(setting) : envValue);
  return {
    civitaiBaseUrl: pick(settings.civitaiBaseUrl, DEFAULT_ENDPOINTS.civitaiBaseUrl, fromEnv.civitaiBaseUrl),
    huggingFaceEndpoint: pick(settings.huggingFaceEndpoint, DEFAULT_ENDPOINTS.huggingFaceEndpoint, fromEnv.huggingFaceEndpoint),
  };
}

const CIVITAI_HOSTS = new Set(['civitai.com', 'www.civitai.com', 'civitai.red', 'www.civitai.red']);
const HF_HOSTS = new Set(['huggingface.co', 'www.huggingface.co', 'hf.co']);

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The provider whose host serves `url`, or undefined for any other host. */
export function providerOf(url: URL, endpoints: ProviderEndpoints): ProviderKind | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.origin === originOf(endpoints.civitaiBaseUrl)) return 'civitai';
  if (url.origin === originOf(endpoints.huggingFaceEndpoint)) return 'huggingface';
  if (url.protocol !== 'https:') return undefined; // the public hosts only over https
  if (CIVITAI_HOSTS.has(url.hostname)) return 'civitai';
  if (HF_HOSTS.has(url.hostname)) return 'huggingface';
  return undefined;
}

/** Query parameters that carry credentials in download URLs (tokens, and the signatures of presigned CDN URLs). */
const SECRET_PARAMS = ['token', 'access_token', 'api_key', 'apikey', 'x-amz-signature', 'x-amz-credential', 'x-amz-security-token', 'x-goog-signature', 'x-goog-credential', 'signature', 'sig'];

/**
 * `url` without credentials: `token`-like query parameters, presigned-URL signatures and `user:password@`
 * are removed. Text that is
 * not a URL is returned with any `token=…` run masked, so even a malformed input never leaks.
 */
export function scrubUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.replace(/((?:^|[?&])(?:token|access_token|api_key|apikey)=)[^&#\s]*/gi, '$1***');
  }
  u.username = '';
  u.password = '';
  for (const key of [...u.searchParams.keys()]) if (SECRET_PARAMS.includes(key.toLowerCase())) u.searchParams.delete(key);
  return u.toString();
}

/** A `token=` query parameter pasted into a URL (CivitAI guides teach it); undefined when none. */
export function pastedToken(url: string): string | undefined {
  try {
    return new URL(url).searchParams.get('token') || undefined;
  } catch {
    return undefined;
  }
}

/** Where tokens come from: SecretStorage in VS Code, env CIVITAI_API_TOKEN / HF_TOKEN in the CLI. */
export interface TokenProvider {
  token(kind: ProviderKind): string | undefined | Promise<string | undefined>;
}

export const noTokens: TokenProvider = { token: () => undefined };

export function envTokens(env: Record<string, string | undefined>): TokenProvider {
  return { token: (kind) => (kind === 'civitai' ? env.CIVITAI_API_TOKEN : env.HF_TOKEN || env.HUGGING_FACE_HUB_TOKEN) || undefined };
}

/** What a user does to give a provider a token, for auth-required messages. */
export function tokenHint(kind: ProviderKind | undefined): string {
  if (kind === 'civitai') return 'set a CivitAI API token (command "Comfy Models: Set CivitAI Token", or CIVITAI_API_TOKEN for the CLI)';
  if (kind === 'huggingface') return 'set a Hugging Face token (command "Comfy Models: Set Hugging Face Token", or HF_TOKEN for the CLI) and accept the repository\'s terms on its page if it is gated';
  return 'the server requires credentials this download does not have';
}

export const providerLabel = (kind: ProviderKind | undefined) => (kind === 'civitai' ? 'CivitAI' : kind === 'huggingface' ? 'Hugging Face' : 'the server');
