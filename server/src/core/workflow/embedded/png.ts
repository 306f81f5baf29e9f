// PNG text chunks (PNG spec §11.3.4): ComfyUI's SaveImage writes `prompt` and `workflow` (and any other
// extra_pnginfo key) with PIL's add_text → tEXt; other tools use iTXt (optionally compressed) or zTXt.
import { inflateSync } from 'node:zlib';
import { EmbeddedFormatError, MAX_STEPS, MAX_TEXT, type ByteSource, type EmbeddedTexts } from './source';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const inflate = (data: Buffer): Buffer => {
  try {
    return inflateSync(data, { maxOutputLength: MAX_TEXT });
  } catch (err) {
    throw new EmbeddedFormatError(`a compressed PNG text chunk cannot be inflated (${(err as Error).message})`);
  }
};

/** keyword → text of one text chunk, or undefined when the chunk is damaged (skipped, as viewers do). */
function textChunk(type: string, data: Buffer): [string, string] | undefined {
  const nul = data.indexOf(0);
  if (nul <= 0 || nul > 79) return undefined;
  const keyword = data.subarray(0, nul).toString('latin1');
  if (type === 'tEXt') return [keyword, data.subarray(nul + 1).toString('utf8')];
  if (type === 'zTXt') return data[nul + 1] === 0 ? [keyword, inflate(data.subarray(nul + 2)).toString('latin1')] : undefined;
  // iTXt: keyword \0 compressed-flag method language \0 translated-keyword \0 text (UTF-8)
  const compressed = data[nul + 1] === 1;
  const lang = data.indexOf(0, nul + 3);
  const translated = lang < 0 ? -1 : data.indexOf(0, lang + 1);
  if (translated < 0) return undefined;
  const body = data.subarray(translated + 1);
  return [keyword, (compressed ? inflate(body) : body).toString('utf8')];
}

/** Every text chunk before the image data ends (IEND); the first of each keyword wins. */
export async function readPngTexts(source: ByteSource): Promise<EmbeddedTexts> {
  const texts: EmbeddedTexts = new Map();
  let position = PNG_SIGNATURE.length;
  for (let step = 0; step < MAX_STEPS && position + 8 <= source.size; step++) {
    const header = await source.read(position, 8);
    if (header.length < 8) break;
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (length > 0x7fffffff) throw new EmbeddedFormatError(`PNG chunk ${JSON.stringify(type)} declares ${length} bytes`);
    if (type === 'IEND') break;
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      const data = await source.read(position + 8, length);
      if (data.length < length) break; // truncated file: keep what was read
      const entry = textChunk(type, data);
      if (entry && !texts.has(entry[0])) texts.set(entry[0], entry[1]);
    }
    position += 12 + length;
  }
  return texts;
}
