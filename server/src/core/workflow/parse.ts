// parseWorkflow: ComfyUI workflow JSON text → model references with exact spans. Pure and total:
// any input (broken JSON, foreign JSON, hostile shapes) gives a result, never an exception.
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { ModelReference } from '../types';
import { isApiNode, walkApi } from './api';
import { ReferenceSink } from './emit';
import { entries, prop, type Node } from './jsonTree';
import { DEFAULT_LOADER_TABLE, type LoaderTable } from './loaderTable';
import { readModelsMetadata } from './metadata';
import { walkUi } from './ui';

export type WorkflowFormat = 'ui' | 'api';

export interface WorkflowError {
  message: string;
  offset: number;
  length: number;
}

export interface ParsedWorkflow {
  /** null: not a workflow (valid JSON of another shape, or nothing readable). */
  format: WorkflowFormat | null;
  references: ModelReference[];
  /** JSON syntax errors with their position; non-empty means the file is broken. */
  errors: WorkflowError[];
}

export interface ParseOptions {
  /** Loader table to use (buildLoaderTable with the user's setting); the built-in one by default. */
  loaders?: LoaderTable;
}

function detect(root: Node | undefined): WorkflowFormat | null {
  if (root?.type !== 'object') return null;
  if (prop(root, 'nodes')?.type === 'array') return 'ui';
  return entries(root).some(([, node]) => isApiNode(node)) ? 'api' : null;
}

export function parseWorkflow(text: string, options: ParseOptions = {}): ParsedWorkflow {
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: false, disallowComments: false, allowEmptyContent: false });
  const errors = parseErrors.map((e) => ({ message: describe(e), offset: e.offset, length: e.length }));
  const format = detect(root);
  if (!root || !format) return { format, references: [], errors };
  const table = options.loaders ?? DEFAULT_LOADER_TABLE;
  const sink = new ReferenceSink(text);
  if (format === 'ui') walkUi(root, table, sink);
  else walkApi(root, table, sink);
  return { format, references: sink.finish(format === 'ui' ? readModelsMetadata(prop(root, 'models')) : []), errors };
}

function describe(e: ParseError): string {
  const words = printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `invalid JSON: ${words}`;
}

/**
 * Cheap sniff for "this JSON is meant to be a ComfyUI workflow", usable on broken text (a broken
 * workflow gets `invalid-workflow`; other broken JSON is none of our business).
 */
export function looksLikeWorkflow(text: string): boolean {
  const head = text.length > 65536 ? text.slice(0, 65536) : text;
  return /"nodes"\s*:\s*\[/.test(head) || /"class_type"\s*:\s*"/.test(head) || /"widgets_values"\s*:/.test(head);
}
