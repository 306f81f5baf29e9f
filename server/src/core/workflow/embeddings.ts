// `embedding:NAME` inside prompt text (ComfyUI's CLIP tokenizer, reference/comfyui-formats.md §2.4):
// the token starts the text or follows whitespace (or the `(` of weight syntax), NAME runs to the
// next whitespace; weight syntax `(embedding:x:1.2)` and a trailing comma are not part of the name.

export interface EmbeddingMention {
  name: string;
  /** Index of NAME in the decoded string. */
  index: number;
}

const MENTION = /(^|[\s(])embedding:([^\s():,]+)/g;

export function findEmbeddings(text: string): EmbeddingMention[] {
  if (!text.includes('embedding:')) return [];
  const out: EmbeddingMention[] = [];
  for (const m of text.matchAll(MENTION)) {
    out.push({ name: m[2], index: m.index + m[1].length + 'embedding:'.length });
  }
  return out;
}
