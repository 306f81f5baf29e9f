// The words of a base-model-mismatch warning (editor and CLI): both families, both files, and what the user will see.
import { baseModelLabel } from '../modelInfo/types';
import type { BaseModelMismatch } from './compatibility';

const ADDON: Record<string, string> = { loras: 'LoRA', controlnet: 'ControlNet', ipadapter: 'IP-Adapter' };

export function baseModelMismatchMessage(m: BaseModelMismatch): string {
  const what = ADDON[m.reference.category ?? ''] ?? 'Model';
  const effect = m.reference.category === 'loras' ? 'ComfyUI will skip its weights ("lora key not loaded") and the image will be silently wrong.' : 'it will fail or be ignored.';
  return (
    `${what} '${m.location.name}' is for ${baseModelLabel(m.baseModel)}, but the model it is applied to, '${m.sourceLocation.name}' ` +
    `(${m.source.nodeType}, node ${m.source.nodeId}), is ${baseModelLabel(m.sourceBaseModel)}: ${effect}`
  );
}
