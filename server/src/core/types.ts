// Data shapes shared between the engine modules (index ↔ resolve ↔ manifest ↔ LSP/CLI adapters).
// Kept in one place so every adapter speaks about the same things.
import type { ModelHeaderInfo } from './modelInfo/types';

/** A model file present on disk, as the index knows it. */
export interface ModelLocation {
  /** Quick hash (16 hex) of the file's content: the model's identity. */
  hash: string;
  /** Absolute path of the model root this file lives under. */
  root: string;
  /**
   * Path under the root with `/` separators. For a ComfyUI-style root it includes the category folder
   * (`checkpoints/SDXL/sd15.safetensors`); for a folder that holds one category directly (an
   * `extra_model_paths.yaml` entry such as `checkpoints: models/Stable-diffusion`) it does not.
   */
  relativePath: string;
  /**
   * The name a workflow uses for this file: the path relative to its category folder, `/`-separated
   * (`SDXL/sd15.safetensors`). For files directly under a root with no category: the relative path.
   */
  name: string;
  /** Base name of the file. */
  filename: string;
  /** Canonical category (first path segment, aliases folded), or null for files at the root. */
  category: string | null;
  size: number;
  mtimeMs: number;
}

/** A model row with what is known about it (full hashes and sources may be absent). */
export interface ModelInfo {
  hash: string;
  size: number;
  blake3?: string;
  sha256?: string;
  /** Where each full hash came from: 'computed', 'download', 'sidecar:stability-matrix', … */
  hashOrigin?: string;
  locations: ModelLocation[];
  sources: ModelSource[];
  /** What the file's own header says (base model, kind, trained words, title, thumbnail), when read. */
  header?: ModelHeaderInfo;
}

export type SourceType = 'civitai' | 'huggingface' | 'url' | 's3';

export interface ModelSource {
  type: SourceType;
  url: string;
  metadata?: Record<string, unknown>;
}

/**
 * The read side of the index the resolver needs. `IndexStore` implements it; tests may fake it.
 * Names are `/`-separated and relative to the category folder, as workflows write them.
 * Must answer fast (in-memory maps): diagnostics query it for every reference on every pull.
 */
export interface IndexQuery {
  /**
   * Live locations in `category` (every folder of it, aliases included, under every root) whose
   * `name` equals `name` exactly. With `category` null: any category, plus files directly under a root.
   */
  byName(category: string | null, name: string): readonly ModelLocation[];
  /** Same as byName, ignoring case. */
  byNameIgnoreCase(category: string | null, name: string): readonly ModelLocation[];
  /** Live locations whose file name equals `filename` ignoring case. */
  byFilename(filename: string): readonly ModelLocation[];
  /** Live locations of the model with this quick hash (none when every file of it is gone). */
  byHash(quickHash: string): readonly ModelLocation[];
  /** Live locations of models whose full hash matches (only hashes the index already knows). */
  byFullHash(kind: 'sha256' | 'blake3', hex: string): readonly ModelLocation[];
  /** Live locations in a category (canonical name), or every location when `category` is null. */
  byCategory(category: string | null): readonly ModelLocation[];
}

/** A model name used by a workflow node (DESIGN.md §5). */
export interface ModelReference {
  /** Node id, or the execution path for nodes inside subgraphs (`205:76:203`). */
  nodeId: string;
  nodeType: string;
  /** UI format: position in the node's `widgets_values`. */
  widgetIndex?: number;
  /** API format: input name; UI format with object-shaped `widgets_values`: the key. */
  inputName?: string;
  /** The value as written (for embeddings: NAME without the `embedding:` prefix and weight syntax). */
  value: string;
  /** Canonical category, or null when unknown (custom node matched by extension). */
  category: string | null;
  active: boolean;
  /** Span of the value inside the JSON text (inside the quotes). */
  offset: number;
  length: number;
  kind: 'loader' | 'pattern' | 'embedding' | 'vae-approx';
  /** Download URLs and expected hashes from workflow `models` metadata selected by this value. */
  metadata?: ModelMetadata[];
}

export interface ModelMetadata {
  name: string;
  url?: string;
  directory?: string;
  hash?: string;
  hashType?: string;
}
