// Export (DESIGN.md §7, issue 14): make the project's manifest what another machine needs — the full
// hashes (SHA-256 + BLAKE3, one read per file, only for models lacking them) and every known source of
// each model — and nothing machine-specific (no paths outside the entries, no URLs carrying tokens).
// Pure over its inputs: returns the new text and the index rows to record; the caller writes both.
import { join } from 'node:path';
import { fullHashFile } from '../hash/fullHash';
import type { IndexOp } from '../index/ops';
import { editManifest, ManifestEditError, type ManifestEdit } from '../manifest/edit';
import { fullHashSplices } from '../manifest/fullHashFields';
import { readManifest } from '../manifest/read';
import type { ManifestSource } from '../manifest/types';
import { unsafeUrl } from '../manifest/validate';
import { applySplices } from '../text';
import type { ModelInfo } from '../types';
import { urlCarriesSecret } from './secrets';

export interface ExportIndex {
  model(hash: string): ModelInfo | undefined;
}

/** Reported before each file is hashed, and once at the end with done === total (hash and filename ''). */
export interface ExportProgress {
  /** The model about to be hashed. */
  hash: string;
  filename: string;
  /** Models hashed so far / to hash. */
  done: number;
  total: number;
}

export interface ExportOptions {
  /** Read files to compute full hashes the index does not know (else only known hashes are filled). */
  computeFullHashes: boolean;
  signal?: AbortSignal;
  onProgress?(progress: ExportProgress): void;
}

export interface ExportedModel {
  hash: string;
  filename: string | null;
  /** Hash fields written by this export. */
  filled: ('blake3' | 'sha256')[];
  /** Full hashes the entry still lacks (the file is not here, or --full-hashes was not given). */
  lacking: ('blake3' | 'sha256')[];
  sourcesAdded: ManifestSource[];
  sources: number;
}

export interface ExportReport {
  text: string;
  changed: boolean;
  models: ExportedModel[];
  warnings: string[];
  /** Full hashes computed here, for the index. */
  indexOps: IndexOp[];
}

export async function exportManifest(text: string, index: ExportIndex, options: ExportOptions): Promise<ExportReport> {
  const manifest = readManifest(text);
  if (manifest.malformed) throw new ManifestEditError(`pyproject.toml cannot be parsed (${manifest.problems[0].message}); fix it first`);
  if (manifest.flavour === 'comfygit' || manifest.flavour === 'comfydock-legacy') {
    throw new ManifestEditError(`this manifest was written by ${manifest.flavour === 'comfygit' ? 'comfygit' : 'an older ComfyDock'}; it is read but not edited`);
  }
  const warnings: string[] = [];
  const indexOps: IndexOp[] = [];
  const models = manifest.models.filter((m) => {
    if (!m.safe) warnings.push(`model ${m.hash}: the entry has bad or unsafe fields; skipped`);
    return m.safe;
  });
  const infos = new Map(models.map((m) => [m.hash, index.model(m.hash)]));
  const lacksHashes = (m: (typeof models)[number]) => !(m.blake3 ?? infos.get(m.hash)?.blake3) || !(m.sha256 ?? infos.get(m.hash)?.sha256);
  const toHash = options.computeFullHashes ? models.filter((m) => lacksHashes(m) && infos.get(m.hash)?.locations.length) : [];
  const computed = new Map<string, { blake3: string; sha256: string }>();
  for (const [done, m] of toHash.entries()) {
    const location = infos.get(m.hash)!.locations[0];
    options.signal?.throwIfAborted();
    options.onProgress?.({ hash: m.hash, filename: location.filename, done, total: toHash.length });
    const full = await fullHashFile(join(location.root, location.relativePath), options.signal);
    if (full.size !== location.size) {
      warnings.push(`${location.filename} changed while being hashed; its hashes were not recorded`);
      continue;
    }
    computed.set(m.hash, full);
    indexOps.push({ op: 'fullHashes', hash: m.hash, sha256: full.sha256, blake3: full.blake3, origin: 'computed' });
  }
  if (toHash.length) options.onProgress?.({ hash: '', filename: '', done: toHash.length, total: toHash.length });

  let current = text;
  const sourceEdits: ManifestEdit[] = [];
  const report: ExportedModel[] = [];
  for (const m of models) {
    const info = infos.get(m.hash);
    const known = { blake3: info?.blake3 ?? computed.get(m.hash)?.blake3, sha256: info?.sha256 ?? computed.get(m.hash)?.sha256 };
    const fill = { ...(m.blake3 || !known.blake3 ? {} : { blake3: known.blake3 }), ...(m.sha256 || !known.sha256 ? {} : { sha256: known.sha256 }) };
    current = applySplices(current, fullHashSplices(current, m.table, m.hash, fill));
    const filled = (['blake3', 'sha256'] as const).filter((k) => fill[k]);
    const lacking = (['blake3', 'sha256'] as const).filter((k) => !m[k] && !fill[k]);
    const added: ManifestSource[] = [];
    for (const s of info?.sources ?? []) {
      if (unsafeUrl(s.url) || m.sources.some((x) => x.url === s.url) || added.some((x) => x.url === s.url)) continue;
      if (urlCarriesSecret(s.url)) {
        warnings.push(`${m.filename ?? m.hash}: a source URL carries a token or signature and is not exported (${new URL(s.url).origin})`);
        continue;
      }
      added.push({ type: s.type, url: s.url });
      sourceEdits.push({ kind: 'add-source', hash: m.hash, source: { type: s.type, url: s.url } });
    }
    const sources = m.sources.length + added.length;
    if (!sources) warnings.push(`${m.filename ?? m.hash} has no known source: another machine cannot download it (find one with the downloads' Find Sources)`);
    if (lacking.length && !info?.locations.length) warnings.push(`${m.filename ?? m.hash} is not on this machine: its full hashes cannot be computed`);
    report.push({ hash: m.hash, filename: m.filename ?? null, filled, lacking, sourcesAdded: added, sources });
  }
  if (sourceEdits.length) current = applySplices(current, editManifest(current, sourceEdits));
  return { text: current, changed: current !== text, models: report, warnings, indexOps };
}
