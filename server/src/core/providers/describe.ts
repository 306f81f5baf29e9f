// What any download URL will fetch, before the transfer: the provider's metadata for CivitAI and Hugging
// Face URLs, just the URL for any other host (its name comes from Content-Disposition later).
import type { ProviderEndpoints } from '../download/hosts';
import { parseDownloadUrl } from '../download/url';
import { CivitaiProvider } from './civitai';
import { HuggingFaceProvider } from './huggingface';
import type { ApiContext } from './json';
import type { RemoteFile } from './types';

export interface Providers {
  civitai: CivitaiProvider;
  huggingFace: HuggingFaceProvider;
}

export function createProviders(ctx: ApiContext, endpoints: ProviderEndpoints): Providers {
  return { civitai: new CivitaiProvider(ctx, endpoints.civitaiBaseUrl), huggingFace: new HuggingFaceProvider(ctx, endpoints.huggingFaceEndpoint) };
}

export async function describeUrl(url: string, providers: Providers, endpoints: ProviderEndpoints, signal?: AbortSignal): Promise<RemoteFile> {
  const source = parseDownloadUrl(url, endpoints);
  if (source.kind === 'civitai') return providers.civitai.describe(source, signal);
  if (source.kind === 'huggingface') return providers.huggingFace.describe(source, signal);
  return { provider: 'url', downloadUrl: source.requestUrl, sourceUrl: source.url, metadata: {} };
}
