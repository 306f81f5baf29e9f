// Resolve a manifest on another machine (issue 14 "import"): for each model, in order —
// quick hash (our BLAKE3 sample = the index key; for comfygit manifests also its XXH3-128 sample, computed
// on demand only for indexed files of the same size and cached in the index), full BLAKE3, SHA-256 (when
// the index knows them), a known http(s) source (→ downloadable), the same file name (→ name-match: offered
// for confirmation, never taken), else missing.
import { join } from 'node:path';
import { canonicalCategory } from '../categories';
import { quickHashXxh3File, XXH3_QUICK_HASH_ALGORITHM } from '../hash/quickHashXxh3';
import type { IndexOp } from '../index/ops';
import type { IndexedLocation, IndexSnapshot } from '../index/snapshot';
import type { Manifest, ManifestModel, ManifestSource, ModelTable } from '../manifest/types';
import { unsafeUrl } from '../manifest/validate';
import type { ModelLocation } from '../types';

export type ImportStatus = 'present' | 'downloadable' | 'name-match' | 'missing';
export type PresentVia = 'quick-hash' | 'xxh3-quick-hash' | 'blake3' | 'sha256';

export interface ImportRow {
  hash: string;
  table: ModelTable;
  filename: string | null;
  category: string | null;
  /** The manifest's relative_path (where the model goes under a models root). */
  relativePath: string | null;
  size: number | null;
  status: ImportStatus;
  via?: PresentVia;
  /** present: the local file. */
  path?: string;
  /** downloadable: the source a download would use (the first http(s) one). */
  source?: ManifestSource;
  /** name-match: files with the same name, for the user to confirm. */
  candidates?: string[];
  /** Present when the entry has bad or unsafe fields: reported, never acted on. */
  unsafe?: true;
}

export interface ImportIndex {
  snapshot(): Pick<IndexSnapshot, 'byHash' | 'byFullHash' | 'byFilename' | 'locations'>;
  quickVariant(hash: string, algorithm: string): string | undefined;
}

export interface ImportOptions {
  signal?: AbortSignal;
  /** Called before an XXH3 sample of a file is computed (progress). */
  onHashing?(path: string): void;
}

const absolute = (l: ModelLocation) => join(l.root, l.relativePath);

export async function resolveManifestModels(manifest: Manifest, index: ImportIndex, options: ImportOptions = {}): Promise<{ rows: ImportRow[]; indexOps: IndexOp[] }> {
  const snapshot = index.snapshot();
  const indexOps: IndexOp[] = [];
  const xxh3 = manifest.hashAlgorithms.includes('xxh3-128') ? new Xxh3Lookup(snapshot.locations, index, indexOps, options) : undefined;
  const rows: ImportRow[] = [];
  for (const m of manifest.models) {
    options.signal?.throwIfAborted();
    const row: ImportRow = {
      hash: m.hash, table: m.table, filename: m.filename ?? null, category: m.category ? canonicalCategory(m.category) : null,
      relativePath: m.relativePath ?? null, size: m.size ?? null, status: 'missing',
    };
    if (!m.safe) {
      rows.push({ ...row, unsafe: true });
      continue;
    }
    const found = await findPresent(m, snapshot, xxh3);
    if (found) Object.assign(row, { status: 'present', via: found.via, path: absolute(found.location) });
    else {
      const source = m.sources.find((s) => !unsafeUrl(s.url));
      const sameName = m.filename ? snapshot.byFilename(m.filename) : [];
      if (source) Object.assign(row, { status: 'downloadable', source: { type: source.type, url: source.url } });
      else if (sameName.length) Object.assign(row, { status: 'name-match', candidates: sameName.map(absolute) });
    }
    rows.push(row);
  }
  return { rows, indexOps };
}

async function findPresent(m: ManifestModel, snapshot: ReturnType<ImportIndex['snapshot']>, xxh3: Xxh3Lookup | undefined): Promise<{ via: PresentVia; location: ModelLocation } | undefined> {
  const byQuick = snapshot.byHash(m.hash)[0];
  if (byQuick) return { via: 'quick-hash', location: byQuick };
  const byXxh3 = await xxh3?.find(m.hash, m.size);
  if (byXxh3) return { via: 'xxh3-quick-hash', location: byXxh3 };
  const byBlake3 = m.blake3 ? snapshot.byFullHash('blake3', m.blake3)[0] : undefined;
  if (byBlake3) return { via: 'blake3', location: byBlake3 };
  const bySha = m.sha256 ? snapshot.byFullHash('sha256', m.sha256)[0] : undefined;
  if (bySha) return { via: 'sha256', location: bySha };
  return undefined;
}

/** comfygit ≥ 0.3 keys: XXH3 samples of indexed models of the wanted size, each computed at most once. */
class Xxh3Lookup {
  private readonly known = new Map<string, string>();

  constructor(
    private readonly locations: readonly IndexedLocation[],
    private readonly index: ImportIndex,
    private readonly ops: IndexOp[],
    private readonly options: ImportOptions,
  ) {}

  async find(key: string, size: number | undefined): Promise<IndexedLocation | undefined> {
    if (size === undefined) return undefined; // without a size every file would be a candidate
    const seen = new Set<string>();
    for (const l of this.locations) {
      if (l.size !== size || seen.has(l.hash)) continue;
      seen.add(l.hash);
      if ((await this.valueOf(l)) === key) return l;
    }
    return undefined;
  }

  private async valueOf(l: IndexedLocation): Promise<string | undefined> {
    let value = this.known.get(l.hash) ?? this.index.quickVariant(l.hash, XXH3_QUICK_HASH_ALGORITHM);
    if (value === undefined) {
      this.options.signal?.throwIfAborted();
      this.options.onHashing?.(absolute(l));
      try {
        value = (await quickHashXxh3File(absolute(l), this.options.signal)).quickHash;
      } catch (err) {
        if (this.options.signal?.aborted) throw err;
        return undefined; // the file vanished or cannot be read: not a match
      }
      this.ops.push({ op: 'quickVariant', hash: l.hash, algorithm: XXH3_QUICK_HASH_ALGORITHM, value });
    }
    this.known.set(l.hash, value);
    return value;
  }
}
