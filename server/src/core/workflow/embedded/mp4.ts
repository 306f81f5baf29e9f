// MP4 / MOV metadata (ISO BMFF boxes): ComfyUI's SaveVideo writes each metadata key (`prompt`, `workflow`)
// through PyAV with `movflags=use_metadata_tags`, i.e. moov/udta/meta with an `mdta` keys table and
// `ilst` items; VideoHelperSuite writes one `comment` (iTunes `©cmt` item) holding a JSON object with
// `prompt` and `workflow`. The box walk is bounded: only `moov` is loaded, other top-level boxes skipped.
import { EmbeddedFormatError, MAX_PAYLOAD, MAX_STEPS, type ByteSource, type EmbeddedTexts } from './source';

interface Box {
  type: string;
  body: Buffer;
}

export function isMp4(head: Buffer): boolean {
  return head.length >= 12 && head.toString('latin1', 4, 8) === 'ftyp';
}

/** Child boxes of an in-memory box body. */
function children(body: Buffer): Box[] {
  const out: Box[] = [];
  for (let at = 0; at + 8 <= body.length && out.length < MAX_STEPS; ) {
    let size = body.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > body.length) break;
      size = Number(body.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = body.length - at;
    if (size < header || at + size > body.length) break;
    out.push({ type: body.toString('latin1', at + 4, at + 8), body: body.subarray(at + header, at + size) });
    at += size;
  }
  return out;
}

const child = (boxes: Box[], type: string) => boxes.find((b) => b.type === type);

/** The value of an ilst item: its `data` box after type indicator and locale. */
function itemValue(item: Box): string | undefined {
  const data = child(children(item.body), 'data');
  return data && data.body.length >= 8 ? data.body.subarray(8).toString('utf8') : undefined;
}

function metaTexts(meta: Buffer, texts: EmbeddedTexts): void {
  // ISO `meta` is a full box (4 bytes version/flags); QuickTime's is not. Tell them apart by the first child.
  const body = meta.length >= 8 && meta.toString('latin1', 4, 8) !== 'hdlr' ? meta.subarray(4) : meta;
  const boxes = children(body);
  const keys: string[] = [];
  const keyBox = child(boxes, 'keys');
  if (keyBox && keyBox.body.length >= 8) {
    for (const k of children(keyBox.body.subarray(8))) keys.push(k.body.toString('utf8'));
  }
  for (const item of children(child(boxes, 'ilst')?.body ?? Buffer.alloc(0))) {
    const raw = Buffer.from(item.type, 'latin1');
    const index = raw.readUInt32BE(0);
    const key = keys.length && index >= 1 && index <= keys.length ? keys[index - 1] : item.type === '\u00a9cmt' ? 'comment' : undefined;
    const value = key && itemValue(item);
    if (key && value !== undefined && !texts.has(key.toLowerCase())) texts.set(key.toLowerCase(), value);
  }
}

/** VideoHelperSuite's `comment`: a JSON object whose `workflow` / `prompt` members are the texts. */
function unpackComment(texts: EmbeddedTexts): void {
  const comment = texts.get('comment');
  if (!comment) return;
  try {
    const value = JSON.parse(comment) as Record<string, unknown>;
    if (!value || typeof value !== 'object') return;
    for (const key of ['workflow', 'prompt']) {
      if (!texts.has(key) && value[key] && typeof value[key] === 'object') texts.set(key, JSON.stringify(value[key]));
    }
  } catch {
    // a plain-text comment
  }
}

export async function readMp4Texts(source: ByteSource): Promise<EmbeddedTexts> {
  const texts: EmbeddedTexts = new Map();
  let position = 0;
  for (let step = 0; step < MAX_STEPS && position + 8 <= source.size; step++) {
    const header = await source.read(position, 16);
    if (header.length < 8) break;
    let size = header.readUInt32BE(0);
    let headerSize = 8;
    if (size === 1 && header.length === 16) {
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) size = source.size - position;
    if (size < headerSize) throw new EmbeddedFormatError(`MP4 box at ${position} declares ${size} bytes`);
    if (header.toString('latin1', 4, 8) === 'moov') {
      if (size > MAX_PAYLOAD) throw new EmbeddedFormatError(`MP4 movie box of ${size} bytes is larger than ${MAX_PAYLOAD}`);
      const moov = children(await source.read(position + headerSize, size - headerSize));
      for (const holder of [child(moov, 'udta'), { type: 'moov', body: Buffer.alloc(0) }]) {
        const meta = holder && child(holder.type === 'moov' ? moov : children(holder.body), 'meta');
        if (meta) metaTexts(meta.body, texts);
      }
      unpackComment(texts);
      return texts;
    }
    position += size;
  }
  return texts;
}
