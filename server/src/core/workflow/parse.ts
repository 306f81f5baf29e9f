// parseWorkflow: ComfyUI workflow JSON text → model references with exact spans. Pure and total:
// any input (broken JSON, foreign JSON, hostile shapes) gives a result, never an exception.
import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { runSteps, runStepsCancellable, type Steps } from '../steps';
import type { ModelReference } from '../types';
import { isApiNode, walkApi } from './api';
import { ReferenceSink } from './emit';
import { entries, prop, type Node } from './jsonTree';
import { JsonChecker, type JsonCheck } from './jsonCheck';
import { lazyTree } from './lazyTree';
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

/**
 * Deeper than this, the file is refused before parsing: the tree parser recurses per level (10,000
 * levels overflow the stack) and ComfyUI (Python's json, recursion limit 1,000) cannot read it either.
 */
const MAX_DEPTH = 1000;

/** Offset of the first `[` or `{` deeper than MAX_DEPTH, outside strings and comments; -1 when none. */
function tooDeepAt(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x2f /* / */ && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === 0x2f && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return -1;
}

function deepError(offset: number): ParsedWorkflow {
  const message = `invalid JSON: nested deeper than ${MAX_DEPTH} levels (ComfyUI cannot read it either)`;
  return { format: null, references: [], errors: [{ message, offset, length: 1 }] };
}

/** Characters of JSON checked in one step (a few milliseconds' worth). */
const CHECK_SLICE = 512 * 1024;

/**
 * The parse, in steps: it yields between slices of the JSON check and of the walk, so a caller can
 * give the event loop a turn and stop there (parseWorkflowCancellable). Strict JSON (nearly every file)
 * gets the lazy tree: the check vouches for the grammar. Anything else (comments, syntax errors) takes
 * jsonc-parser, which recovers and says where.
 */
function* parseSteps(text: string, options: ParseOptions): Steps<ParsedWorkflow> {
  // A byte order mark (editors and ComfyUI accept one) becomes a space: same length, so spans stay true.
  if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
  const checker = new JsonChecker(text, MAX_DEPTH);
  let check: JsonCheck | undefined;
  while (!(check = checker.step(CHECK_SLICE))) yield;
  if (check.status === 'too-deep') return deepError(check.offset);
  let root: Node | undefined;
  let errors: WorkflowError[] = [];
  if (check.status === 'valid') root = lazyTree(text, checker.ends);
  else {
    // Before jsonc-parser, which recurses per level: deep nesting past a syntax error is refused too.
    const deep = tooDeepAt(text);
    if (deep >= 0) return deepError(deep);
    ({ root, errors } = tolerantTree(text));
  }
  const format = detect(root);
  if (!root || !format) return { format, references: [], errors };
  const table = options.loaders ?? DEFAULT_LOADER_TABLE;
  const sink = new ReferenceSink(text);
  if (format === 'ui') yield* walkUi(root, table, sink);
  else yield* walkApi(root, table, sink);
  return { format, references: sink.finish(format === 'ui' ? readModelsMetadata(prop(root, 'models')) : []), errors };
}

export function parseWorkflow(text: string, options: ParseOptions = {}): ParsedWorkflow {
  return runSteps(parseSteps(text, options));
}

/** parseWorkflow for the language server: in steps with turns between them, stopped by `signal` (core/steps.ts). */
export function parseWorkflowCancellable(text: string, options: ParseOptions = {}, signal?: AbortSignal): Promise<ParsedWorkflow> {
  return runStepsCancellable(parseSteps(text, options), signal);
}

/** jsonc-parser's tree of text that is not strict JSON, with its syntax errors. */
function tolerantTree(text: string): { root: Node | undefined; errors: WorkflowError[] } {
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: false, disallowComments: false, allowEmptyContent: false });
  return { root, errors: parseErrors.map((e) => ({ message: describe(e), offset: e.offset, length: e.length })) };
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
