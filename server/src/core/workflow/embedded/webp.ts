// WebP (RIFF) EXIF: ComfyUI's SaveAnimatedWEBP / SaveWEBM-style nodes store `prompt:<json>` in tag 0x0110
// (Model) and each extra_pnginfo key as `<key>:<json>` from tag 0x010F (Make) downwards, in IFD0.
import { EmbeddedFormatError, MAX_STEPS, type ByteSource, type EmbeddedTexts } from './source';

/** Tags ComfyUI writes, Make (0x010F) downwards for extra_pnginfo and Model (0x0110) for the prompt. */
const MIN_TAG = 0x0100;
const MAX_TAG = 0x0110;

export function isWebp(head: Buffer): boolean {
  return head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP';
}

/** `key:json` strings of IFD0 (ASCII or UNDEFINED values) in a TIFF block. */
export function readExifTexts(exif: Buffer): EmbeddedTexts {
  const texts: EmbeddedTexts = new Map();
  let tiff = exif;
  if (tiff.toString('latin1', 0, 6) === 'Exif\0\0') tiff = tiff.subarray(6);
  if (tiff.length < 8) return texts;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') throw new EmbeddedFormatError('EXIF block has no TIFF byte-order mark');
  const le = order === 'II';
  const u16 = (at: number) => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return texts;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) break;
    const tag = u16(entry);
    const type = u16(entry + 2);
    const n = u32(entry + 4);
    if (tag < MIN_TAG || tag > MAX_TAG || (type !== 2 && type !== 7)) continue;
    const at = n <= 4 ? entry + 8 : u32(entry + 8);
    if (at + n > tiff.length) continue;
    const value = tiff.subarray(at, at + n).toString('utf8').replace(/\0+$/, '');
    const colon = value.indexOf(':');
    if (colon <= 0) continue;
    const key = value.slice(0, colon).trim().toLowerCase();
    if (!texts.has(key)) texts.set(key, value.slice(colon + 1));
  }
  return texts;
}

export async function readWebpTexts(source: ByteSource): Promise<EmbeddedTexts> {
  let position = 12;
  for (let step = 0; step < MAX_STEPS && position + 8 <= source.size; step++) {
    const header = await source.read(position, 8);
    if (header.length < 8) break;
    const size = header.readUInt32LE(4);
    if (header.toString('latin1', 0, 4) === 'EXIF') {
      const exif = await source.read(position + 8, size);
      return exif.length === size ? readExifTexts(exif) : new Map();
    }
    position += 8 + size + (size & 1);
  }
  return new Map();
}
