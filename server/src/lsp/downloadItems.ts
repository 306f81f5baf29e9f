// What can be downloaded for a missing reference (DESIGN.md §8): the URL the workflow's `models` metadata
// gives, else a source of the manifest entry it is mapped to; saved under the name and subfolder the
// workflow writes, in its category, so the reference resolves once the file is indexed.
import { normalizeRelativePath } from '../core/categories';
import type { ResolvedReference } from '../core/resolve';
import type { DownloadItem } from '../protocol/downloads';
import type { ManifestContext, WorkflowAnalysis } from './analysis';

export interface ReferenceDownload {
  reference: ResolvedReference;
  item: DownloadItem;
}

/** The download of a missing (or mapped-but-gone) reference whose URL is known; undefined otherwise. */
export function referenceDownload(r: ResolvedReference, manifest: ManifestContext): DownloadItem | undefined {
  const { reference: ref, resolution } = r;
  if (resolution.status !== 'missing' || ref.kind === 'embedding' || !ref.category) return undefined;
  const entry = resolution.hash ? manifest.manifest.models.find((m) => m.hash === resolution.hash && m.safe) : undefined;
  const url = resolution.downloadUrls[0] ?? entry?.sources[0]?.url;
  if (!url) return undefined;
  const path = normalizeRelativePath(ref.value);
  const slash = path.lastIndexOf('/');
  const item: DownloadItem = { url, category: ref.category, fileName: path.slice(slash + 1) };
  if (slash > 0) item.subfolder = path.slice(0, slash);
  const sha256 = ref.metadata?.find((m) => m.url === url && m.hashType?.toLowerCase() === 'sha256' && /^[0-9a-f]{64}$/i.test(m.hash ?? ''))?.hash ?? entry?.sha256;
  if (sha256) item.sha256 = sha256.toLowerCase();
  if (entry?.size) item.size = entry.size;
  if (manifest.exists) item.manifestPath = manifest.path;
  return item;
}

/** Every downloadable missing reference of a workflow (one per distinct target), and the missing ones without a URL. */
export function workflowDownloads(analysis: WorkflowAnalysis): { downloads: ReferenceDownload[]; withoutSource: string[] } {
  const downloads: ReferenceDownload[] = [];
  const withoutSource = new Set<string>();
  const seen = new Set<string>();
  for (const r of analysis.resolved) {
    if (r.resolution.status !== 'missing' || r.reference.kind === 'embedding') continue;
    const item = referenceDownload(r, analysis.manifest);
    if (!item) {
      withoutSource.add(r.reference.value);
      continue;
    }
    const key = `${item.category}\u0000${item.subfolder ?? ''}\u0000${item.fileName}`;
    if (seen.has(key)) continue;
    seen.add(key);
    downloads.push({ reference: r, item });
  }
  return { downloads, withoutSource: [...withoutSource] };
}
