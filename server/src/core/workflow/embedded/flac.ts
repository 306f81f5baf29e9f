// FLAC Vorbis comments: ComfyUI's SaveAudio stores `prompt=<json>` and `workflow=<json>` (one comment per
// extra_pnginfo key) in the VORBIS_COMMENT metadata block.
import { MAX_STEPS, type ByteSource, type EmbeddedTexts } from './source';

const VORBIS_COMMENT = 4;

export function isFlac(head: Buffer): boolean {
  return head.toString('latin1', 0, 4) === 'fLaC';
}

function vorbisComments(block: Buffer): EmbeddedTexts {
  const texts: EmbeddedTexts = new Map();
  if (block.length < 8) return texts;
  let at = 4 + block.readUInt32LE(0);
  if (at + 4 > block.length) return texts;
  const count = block.readUInt32LE(at);
  at += 4;
  for (let i = 0; i < count && at + 4 <= block.length; i++) {
    const length = block.readUInt32LE(at);
    if (at + 4 + length > block.length) break; // truncated: never a partial value
    const comment = block.subarray(at + 4, Math.min(block.length, at + 4 + length)).toString('utf8');
    at += 4 + length;
    const eq = comment.indexOf('=');
    if (eq <= 0) continue;
    const key = comment.slice(0, eq).toLowerCase(); // Vorbis field names are case-insensitive
    if (!texts.has(key)) texts.set(key, comment.slice(eq + 1));
  }
  return texts;
}

export async function readFlacTexts(source: ByteSource): Promise<EmbeddedTexts> {
  let position = 4;
  for (let step = 0; step < MAX_STEPS && position + 4 <= source.size; step++) {
    const header = await source.read(position, 4);
    if (header.length < 4) break;
    const last = (header[0] & 0x80) !== 0;
    const type = header[0] & 0x7f;
    const length = header.readUIntBE(1, 3);
    if (type === VORBIS_COMMENT) {
      const block = await source.read(position + 4, length);
      return block.length === length ? vorbisComments(block) : new Map();
    }
    if (last) break;
    position += 4 + length;
  }
  return new Map();
}
