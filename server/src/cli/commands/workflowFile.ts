// Reading workflow files for `refs` and `check`: one parse, the JSON shape of a reference
// (DESIGN.md §12 `refs`), and a one-line human rendering of where a reference sits.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { InputError } from '../errors';
import type { ModelReference } from '../../core/types';
import { parseWorkflow, type ParsedWorkflow } from '../../core/workflow';

export interface WorkflowFile {
  path: string;
  text: string;
  parsed: ParsedWorkflow;
}

/**
 * Read and parse; throws an InputError (exit 2) only when the file cannot be read, naming the file. Opened
 * non-blocking and checked to be a regular file first: a FIFO would otherwise wait for a writer forever.
 */
export function readWorkflowFile(path: string): WorkflowFile {
  let text: string;
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    if (!fstatSync(fd).isFile()) throw new InputError(`cannot read ${path}: not a regular file`);
    text = readFileSync(fd, 'utf8');
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : err)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte order mark, as editors and ComfyUI allow
  return { path, text, parsed: parseWorkflow(text) };
}

/** 1-based line:column of an offset, for messages. */
export function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `${line}:${offset - before.lastIndexOf('\n')}`;
}

/** A reference as `refs --json` prints it (DESIGN.md §12): the reference without its internals. */
export type RefJson = Pick<ModelReference, 'nodeId' | 'nodeType' | 'widgetIndex' | 'inputName' | 'value' | 'category' | 'active' | 'offset' | 'length'>;

export function refJson(r: ModelReference): RefJson {
  return {
    nodeId: r.nodeId,
    nodeType: r.nodeType,
    ...(r.widgetIndex !== undefined ? { widgetIndex: r.widgetIndex } : {}),
    ...(r.inputName !== undefined ? { inputName: r.inputName } : {}),
    value: r.value,
    category: r.category,
    active: r.active,
    offset: r.offset,
    length: r.length,
  };
}

/** `#4 CheckpointLoaderSimple[0]` / `#4 CheckpointLoaderSimple.ckpt_name` */
export function whereText(r: ModelReference): string {
  const slot = r.widgetIndex !== undefined ? `[${r.widgetIndex}]` : r.inputName !== undefined ? `.${r.inputName}` : '';
  return `#${r.nodeId} ${r.nodeType}${slot}`;
}
