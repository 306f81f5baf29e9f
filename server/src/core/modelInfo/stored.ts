// Header info as the index stores it (models.header_info JSON), read back defensively: the database is
// shared with other processes and versions, so a damaged value is dropped, never trusted.
import type { ModelHeaderInfo } from './types';

export function parseHeaderInfo(text: string | null | undefined): ModelHeaderInfo | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<ModelHeaderInfo>;
    if (!v || typeof v !== 'object' || (v.format !== 'safetensors' && v.format !== 'gguf')) return undefined;
    const info: ModelHeaderInfo = { format: v.format, baseModel: typeof v.baseModel === 'string' ? v.baseModel : null, kind: typeof v.kind === 'string' ? v.kind : null };
    if (Array.isArray(v.trainedWords)) info.trainedWords = v.trainedWords.filter((w): w is string => typeof w === 'string');
    if (typeof v.title === 'string') info.title = v.title;
    if (typeof v.thumbnail === 'string' && v.thumbnail.startsWith('data:image/')) info.thumbnail = v.thumbnail;
    return info;
  } catch {
    return undefined;
  }
}
