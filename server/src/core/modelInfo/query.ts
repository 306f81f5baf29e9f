// A search query with filter tokens: `base:sdxl lora style` → the base model filter and the text.
import { parseBaseFilter } from './baseModelName';
import type { BaseModel } from './types';

export interface ModelQuery {
  text: string;
  baseModel?: BaseModel;
}

export function parseModelQuery(query: string): ModelQuery {
  let baseModel: BaseModel | undefined;
  const words = query.split(/\s+/).filter((w) => {
    const m = /^base:(.+)$/i.exec(w);
    if (!m) return true;
    baseModel = parseBaseFilter(m[1]) ?? undefined;
    return false;
  });
  return { text: words.join(' '), ...(baseModel && { baseModel }) };
}
