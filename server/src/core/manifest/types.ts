// What a pyproject.toml model manifest holds once read (DESIGN.md §7), with spans for diagnostics.
import type { Span } from '../text';
import type { SourceType } from '../types';
import type { ManifestAlias } from './aliases';

/**
 * Which generation wrote the manifest:
 * - `comfydock`: ours — `[tool.comfydock.models.required|optional]` and workflow mapping tables;
 * - `comfydock-legacy`: ComfyDock before the comfygit rename — one `[tool.comfydock.models]` table,
 *   per-workflow `[[…models]]` arrays, URL-string sources;
 * - `comfygit`: the same shapes under `tool.comfygit`.
 */
export type ManifestFlavour = 'comfydock' | 'comfydock-legacy' | 'comfygit';

/** Algorithms that produce 16-hex quick hashes with ComfyDock's sampling (reference/comfygit.md §1.4). */
export type QuickHashAlgorithm = 'blake3' | 'xxh3-128';

export type ModelTable = 'required' | 'optional';

export interface ManifestSource {
  type: SourceType;
  url: string;
  /** For `s3` sources: the name of the team store that holds the object (a hint; bucket and prefix decide). */
  store?: string;
}

export interface ManifestModel {
  /** 16 lowercase hex (a 64-hex legacy key is shortened to its first 16, which is the same hash). */
  hash: string;
  table: ModelTable;
  filename?: string;
  category?: string;
  relativePath?: string;
  size?: number;
  blake3?: string;
  sha256?: string;
  sources: ManifestSource[];
  /** False when any field is bad or unsafe: such an entry is reported and never acted on. */
  safe: boolean;
  /** The hash key as written (quotes included). */
  keySpan: Span;
}

/** A node that uses a mapped reference: `widget_idx` in UI format, `input_name` in API format. */
export interface ManifestNodeRef {
  nodeId: string;
  widgetIndex?: number;
  inputName?: string;
}

export interface ManifestMapping {
  /** The reference value as written in the workflow. */
  reference: string;
  hash: string;
  nodes: ManifestNodeRef[];
  safe: boolean;
  /** The reference key (our tables) or the widget value / filename (comfygit arrays). */
  keySpan: Span;
  /** The hash value token. */
  hashSpan: Span;
}

export interface ManifestWorkflow {
  key: string;
  /** Workflow JSON path relative to the manifest folder, `/` separators (absent or unsafe: undefined). */
  path?: string;
  mappings: Map<string, ManifestMapping>;
  keySpan: Span;
}

export interface ManifestProblem extends Span {
  message: string;
}

export interface Manifest {
  /** Null when the file has no model manifest section (e.g. a plain Python project). */
  flavour: ManifestFlavour | null;
  /**
   * Algorithms the quick-hash keys may have been made with, most likely first. Ours and ComfyDock's are
   * BLAKE3; comfygit switched to XXH3-128 in 0.3 without marking it in the file, so its manifests list both.
   */
  hashAlgorithms: readonly QuickHashAlgorithm[];
  models: ManifestModel[];
  workflows: Map<string, ManifestWorkflow>;
  /** `[tool.comfy-models.aliases]`: name as written → model, for every workflow of the environment (aliases.ts). */
  aliases: Map<string, ManifestAlias>;
  /** Syntax errors and bad or unsafe entries (→ `manifest-invalid`). */
  problems: ManifestProblem[];
  /** True when the TOML itself cannot be parsed: the file is reported and never edited. */
  malformed: boolean;
}
