// Full hashes other tools already wrote beside a model file (reference/peers.md): reading them means a
// full-hash pass (a whole-file read) is never needed for that model. The quick hash (the index key)
// still reads its 15 MiB sample: no sidecar carries it.
import { promises as fsp } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export interface SidecarHashes {
  sha256?: string;
  blake3?: string;
  /** `sidecar:stability-matrix` | `sidecar:lora-manager` | `sidecar:civitai-info` | `sidecar:a1111`. */
  origin: string;
  /** The sidecar file the hashes came from. */
  file: string;
}

type Extract = (json: unknown, modelFilename: string) => { sha256?: unknown; blake3?: unknown } | undefined;

/** Case-insensitive property lookup (CivitAI writes `SHA256`, tools vary). */
function prop(obj: unknown, name: string): unknown {
  if (!obj || typeof obj !== 'object') return undefined;
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : (obj as Record<string, unknown>)[key];
}

/** CivitAI model-version JSON: the hashes of the file with this name, else the primary file, else the only one. */
const civitaiVersion: Extract = (json, filename) => {
  const files = prop(json, 'files');
  if (!Array.isArray(files) || files.length === 0) return undefined;
  const file =
    files.find((f) => prop(f, 'name') === filename) ?? files.find((f) => prop(f, 'primary') === true) ?? (files.length === 1 ? files[0] : undefined);
  const hashes = prop(file, 'hashes');
  return { sha256: prop(hashes, 'sha256'), blake3: prop(hashes, 'blake3') };
};

/** Sidecar kinds in the order they are trusted: suffix after the model's stem, origin, extractor. */
const KINDS: { suffix: string; origin: string; extract: Extract }[] = [
  { suffix: '.cm-info.json', origin: 'sidecar:stability-matrix', extract: (j) => ({ sha256: prop(prop(j, 'hashes'), 'sha256'), blake3: prop(prop(j, 'hashes'), 'blake3') }) },
  { suffix: '.metadata.json', origin: 'sidecar:lora-manager', extract: (j) => ({ sha256: prop(j, 'sha256') }) },
  { suffix: '.civitai.info', origin: 'sidecar:civitai-info', extract: civitaiVersion },
  { suffix: '.json', origin: 'sidecar:a1111', extract: (j) => ({ sha256: prop(j, 'sha256') }) },
];

const hex64 = (v: unknown) => (typeof v === 'string' && /^[0-9a-f]{64}$/i.test(v.trim()) ? v.trim().toLowerCase() : undefined);

/**
 * The first sidecar beside `modelPath` that carries a valid SHA-256 or BLAKE3 (64 hex), or undefined.
 * A missing sidecar is normal; an unreadable or malformed one is reported through `warn` and skipped.
 */
export async function readSidecarHashes(modelPath: string, warn: (message: string) => void = () => {}): Promise<SidecarHashes | undefined> {
  const filename = basename(modelPath);
  const stem = join(dirname(modelPath), filename.slice(0, filename.length - extname(filename).length));
  for (const kind of KINDS) {
    const file = stem + kind.suffix;
    let text: string;
    try {
      text = await fsp.readFile(file, 'utf8');
    } catch {
      continue; // no sidecar of this kind
    }
    try {
      const found = kind.extract(JSON.parse(text), filename);
      const sha256 = hex64(found?.sha256);
      const blake3 = hex64(found?.blake3);
      if (sha256 || blake3) return { ...(sha256 && { sha256 }), ...(blake3 && { blake3 }), origin: kind.origin, file };
    } catch (err) {
      warn(`ignored sidecar ${file}: ${err instanceof Error ? err.message : err}`);
    }
  }
  return undefined;
}
