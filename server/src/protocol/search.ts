// Searching the index: `comfyModels/searchModels` and the "Search Model Index…" command.
import { RequestType } from 'vscode-languageserver-protocol';
import type { BaseModel } from '../core/modelInfo/types';

export interface SearchModelsParams {
  query: string;
  /** Restrict to a canonical category. */
  category?: string | null;
  limit?: number;
  /**
   * A reference value being resolved: while `query` is empty, rank the category like the fuzzy
   * candidates of that value (the quick fix's list), then the rest of the category by name.
   */
  similarTo?: string;
  /** Models of this base model first (the workflow's, when the palette resolves one of its references). */
  preferBaseModel?: BaseModel;
}

export interface SearchModelItem {
  hash: string;
  filename: string;
  /** What a workflow writes for this file: the path under its category folder. */
  name: string;
  relativePath: string;
  category: string | null;
  root: string;
  size: number;
  score: number;
  /** Read from the model's header (sd1, sd2, sdxl, sd3, flux, other:<name>); absent when unknown. */
  baseModel?: BaseModel;
}

/** `comfyModels/searchModels`: ranked search over the index by name, path or hash prefix. */
export namespace SearchModelsRequest {
  export const method = 'comfyModels/searchModels' as const;
  export const type = new RequestType<SearchModelsParams, SearchModelItem[], void>(method);
}

export const SearchCommands = {
  /** Quick fix "Search model index…": the argument is the ReferenceTarget to resolve. */
  searchIndex: 'comfyModels.searchIndex',
} as const;
