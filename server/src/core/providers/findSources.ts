// "Find sources for my local models" (DESIGN.md §11): SHA-256s looked up on CivitAI in batches of 100
// (N/100 requests for a whole library), each hit turned into a source to record.
import { scrubUrl } from '../download/hosts';
import type { ModelSource } from '../types';
import { BATCH_LIMIT, type CivitaiProvider, type CivitaiVersion } from './civitai';

export interface FoundSource {
  sha256: string;
  source: ModelSource;
}

export async function findCivitaiSources(civitai: CivitaiProvider, sha256s: readonly string[], options: { signal?: AbortSignal; onProgress?(done: number, total: number): void } = {}): Promise<FoundSource[]> {
  const wanted = [...new Set(sha256s.map((h) => h.toLowerCase()))];
  const found: FoundSource[] = [];
  for (let i = 0; i < wanted.length; i += BATCH_LIMIT) {
    options.signal?.throwIfAborted();
    const batch = wanted.slice(i, i + BATCH_LIMIT);
    const asked = new Set(batch);
    for (const version of await civitai.versionsByHashes(batch, options.signal)) {
      for (const file of version.files ?? []) {
        const sha = file.hashes?.SHA256?.toLowerCase();
        if (!sha || !asked.has(sha)) continue;
        asked.delete(sha); // one source per hash: the first version CivitAI returns
        found.push({ sha256: sha, source: civitaiSource(civitai.baseUrl, version, file.id, file.downloadUrl) });
      }
    }
    options.onProgress?.(Math.min(i + BATCH_LIMIT, wanted.length), wanted.length);
  }
  return found;
}

function civitaiSource(baseUrl: string, version: CivitaiVersion, fileId: number, downloadUrl: string | undefined): ModelSource {
  return {
    type: 'civitai',
    url: scrubUrl(downloadUrl ?? `${baseUrl}/api/download/models/${version.id}`),
    metadata: { modelId: version.modelId, versionId: version.id, fileId, modelName: version.model?.name, versionName: version.name, baseModel: version.baseModel },
  };
}
