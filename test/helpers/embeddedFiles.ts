// Minimal valid ComfyUI output files written by tests: a 1×1 PNG with text chunks, a WebP with ComfyUI's
// EXIF tags, a FLAC with Vorbis comments, an MP4 with PyAV-style mdta metadata.
import { crc32, deflateSync } from 'node:zlib';

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export type PngText = { type: 'tEXt' | 'zTXt' | 'iTXt' | 'iTXt-z'; keyword: string; text: string };

/** A 1×1 grey PNG carrying the given text chunks before its image data (as PIL writes them). */
export function pngWith(texts: readonly PngText[]): Buffer {
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
  const chunks = texts.map(({ type, keyword, text }) => {
    const k = Buffer.from(keyword + '\0', 'latin1');
    if (type === 'tEXt') return pngChunk('tEXt', Buffer.concat([k, Buffer.from(text, 'utf8')]));
    if (type === 'zTXt') return pngChunk('zTXt', Buffer.concat([k, Buffer.from([0]), deflateSync(Buffer.from(text, 'latin1'))]));
    const compressed = type === 'iTXt-z';
    const body = compressed ? deflateSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
    return pngChunk('iTXt', Buffer.concat([k, Buffer.from([compressed ? 1 : 0, 0]), Buffer.from('\0\0'), body]));
  });
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    ...chunks,
    pngChunk('IDAT', deflateSync(Buffer.from([0, 128]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A WebP whose EXIF chunk holds ComfyUI's `prompt:` (0x0110) and `workflow:` (0x010F) strings, little-endian TIFF. */
export function webpWith(entries: { tag: number; value: string }[]): Buffer {
  const values = entries.map((e) => Buffer.from(e.value + '\0', 'utf8'));
  const ifdSize = 2 + entries.length * 12 + 4;
  const tiff: Buffer[] = [Buffer.from('II*\0', 'latin1'), u32le(8)];
  const ifd = Buffer.alloc(ifdSize);
  ifd.writeUInt16LE(entries.length, 0);
  let dataAt = 8 + ifdSize;
  entries.forEach((e, i) => {
    const at = 2 + i * 12;
    ifd.writeUInt16LE(e.tag, at);
    ifd.writeUInt16LE(2, at + 2);
    ifd.writeUInt32LE(values[i].length, at + 4);
    ifd.writeUInt32LE(dataAt, at + 8);
    dataAt += values[i].length;
  });
  const exif = Buffer.concat([...tiff, ifd, ...values]);
  const chunk = (type: string, data: Buffer) => Buffer.concat([Buffer.from(type, 'latin1'), u32le(data.length), data, data.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), chunk('VP8X', Buffer.alloc(10)), chunk('EXIF', exif)]);
  return Buffer.concat([Buffer.from('RIFF', 'latin1'), u32le(body.length), body]);
}

/** A FLAC stream header: STREAMINFO, then a VORBIS_COMMENT block with `KEY=value` comments (last block). */
export function flacWith(comments: string[]): Buffer {
  const block = (type: number, last: boolean, data: Buffer) => {
    const h = Buffer.alloc(4);
    h[0] = (last ? 0x80 : 0) | type;
    h.writeUIntBE(data.length, 1, 3);
    return Buffer.concat([h, data]);
  };
  const vendor = Buffer.from('Lavf', 'utf8');
  const vc = Buffer.concat([u32le(vendor.length), vendor, u32le(comments.length), ...comments.map((c) => Buffer.concat([u32le(Buffer.byteLength(c)), Buffer.from(c, 'utf8')]))]);
  return Buffer.concat([Buffer.from('fLaC', 'latin1'), block(0, false, Buffer.alloc(34)), block(4, true, vc)]);
}

function box(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([u32be(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

/** An MP4 (ftyp, mdat, moov last) with moov/udta/meta keys + ilst, as ffmpeg writes with use_metadata_tags. */
export function mp4With(metadata: Record<string, string>): Buffer {
  const keys = Object.keys(metadata);
  const keysBox = box('keys', Buffer.alloc(4), u32be(keys.length), ...keys.map((k) => box('mdta', Buffer.from(k, 'utf8'))));
  const items = keys.map((k, i) => Buffer.concat([u32be(8 + 16 + Buffer.byteLength(metadata[k])), u32be(i + 1), box('data', u32be(1), u32be(0), Buffer.from(metadata[k], 'utf8'))]));
  const meta = box('meta', Buffer.alloc(4), box('hdlr', Buffer.alloc(8), Buffer.from('mdta', 'latin1'), Buffer.alloc(13)), keysBox, box('ilst', ...items));
  return Buffer.concat([box('ftyp', Buffer.from('isom\x00\x00\x02\x00isomiso2mp41', 'latin1')), box('mdat', Buffer.alloc(1000, 7)), box('moov', box('mvhd', Buffer.alloc(100)), box('udta', meta))]);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n, 0);
  return b;
}

function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}
