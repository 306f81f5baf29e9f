// The pixel size of a preview image from its first bytes (PNG, JPEG, WebP, GIF). A hover that knows its
// image's height is laid out at its final size before the image loads: it is placed where it fits
// instead of growing past the top of the editor once the picture arrives.
import { open } from 'node:fs/promises';

export interface ImageSize {
  width: number;
  height: number;
}

/** JPEG start-of-frame markers (baseline, progressive, lossless…): the ones that carry the size. */
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpegSize(b: Buffer): ImageSize | undefined {
  let at = 2;
  while (at + 9 < b.length) {
    if (b[at] !== 0xff) return undefined;
    const marker = b[at + 1];
    if (SOF.has(marker)) return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
    at += 2 + b.readUInt16BE(at + 2);
  }
  return undefined;
}

function webpSize(b: Buffer): ImageSize | undefined {
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X' && b.length >= 30) return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (chunk === 'VP8 ' && b.length >= 30) return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L' && b.length >= 25) {
    const bits = b.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  return undefined;
}

/** The size an image header states; undefined for another format or a truncated header. */
export function imageSize(b: Buffer): ImageSize | undefined {
  let size: ImageSize | undefined;
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.toString('latin1', 12, 16) === 'IHDR') size = { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  else if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) size = jpegSize(b);
  else if (b.length >= 16 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') size = webpSize(b);
  else if (b.length >= 10 && b.toString('latin1', 0, 4) === 'GIF8') size = { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  return size && size.width > 0 && size.height > 0 ? size : undefined;
}

/** Header bytes read: enough for a JPEG whose EXIF block comes before its frame header. */
const HEAD_BYTES = 64 * 1024;

export async function imageFileSize(path: string): Promise<ImageSize | undefined> {
  const file = await open(path, 'r').catch(() => undefined);
  if (!file) return undefined;
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, HEAD_BYTES, 0);
    return imageSize(head.subarray(0, bytesRead));
  } finally {
    await file.close();
  }
}

/** The size an image is shown at `width` pixels wide, its aspect kept. */
export function displaySize(size: ImageSize, width: number): ImageSize {
  return { width, height: Math.max(1, Math.round((size.height * width) / size.width)) };
}
