// A workflow argument of `refs`, `check` and `plan`: a workflow JSON file, or a ComfyUI output (PNG, WebP,
// FLAC, MP4, recognised by its magic bytes) with the workflow embedded. For an embedded workflow the
// reference offsets are relative to the embedded JSON text, which `embeddedIn` says.
import { fileContainer, readEmbeddedWorkflow, type EmbeddedContainer } from '../../core/workflow/embedded';
import { parseWorkflow } from '../../core/workflow';
import { InputError } from '../errors';
import { readWorkflowFile, type WorkflowFile } from './workflowFile';

export interface EmbeddedIn {
  container: EmbeddedContainer;
  key: 'workflow' | 'prompt';
  offsets: 'relative to the embedded JSON text';
}

export interface SourcedWorkflowFile extends WorkflowFile {
  embeddedIn?: EmbeddedIn;
}

export async function loadWorkflowFile(path: string): Promise<SourcedWorkflowFile> {
  const container = await fileContainer(path).catch(() => undefined);
  if (!container) return readWorkflowFile(path);
  let embedded;
  try {
    embedded = await readEmbeddedWorkflow(path);
  } catch (err) {
    throw new InputError(`${path}: cannot read its ${container} metadata (${err instanceof Error ? err.message : err})`);
  }
  if (!embedded) throw new InputError(`${path}: this ${container.toUpperCase()} file has no embedded workflow`);
  return {
    path,
    text: embedded.text,
    parsed: parseWorkflow(embedded.text),
    embeddedIn: { container, key: embedded.key, offsets: 'relative to the embedded JSON text' },
  };
}
