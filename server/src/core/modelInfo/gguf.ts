// Bounded GGUF header reader (format v2/v3): magic `GGUF`, version, tensor count, key/value count, the
// key/value metadata, then the tensor infos (name, dims). Values are kept only for short strings and
// numbers; arrays (an LLM's tokenizer vocabulary) are skipped over, never stored. Reading stops with a
// reason at any count, length or total above its bound, so a hostile file costs at most MAX_READ bytes.
import { promises as fsp } from 'node:fs';
import type { HeaderResult, TensorHeader } from './safetensors';

const MAGIC = 0x46554747; // "GGUF" little-endian
const MAX_READ = 64 * 1024 * 1024;
const MAX_KV = 100_000;
const MAX_TENSORS = 200_000;
const MAX_STRING = 16 * 1024 * 1024;
/** Strings longer than this are skipped rather than kept as metadata values. */
const KEEP_STRING = 64 * 1024;
const MAX_DIMS = 8;
const CHUNK = 256 * 1024;

class Truncated extends Error {}
class Refused extends Error {}

/** Sequential reads over a file handle through a growing window, bounded by MAX_READ and the file size. */
class Cursor {
  private buf = Buffer.alloc(0);
  private bufStart = 0;
  pos = 0;

  constructor(private readonly fh: fsp.FileHandle, private readonly size: number) {}

  private async need(n: number): Promise<void> {
    const end = this.pos + n;
    if (end > this.size) throw new Truncated('the file ended inside the GGUF header');
    if (end > MAX_READ) throw new Refused(`the GGUF header is larger than ${MAX_READ} bytes`);
    if (end <= this.bufStart + this.buf.length) return;
    const start = this.pos;
    const length = Math.min(Math.max(n, CHUNK), this.size - start, MAX_READ - start);
    const next = Buffer.alloc(length);
    const { bytesRead } = await this.fh.read(next, 0, length, start);
    if (bytesRead < n) throw new Truncated('the file ended inside the GGUF header');
    this.buf = next.subarray(0, bytesRead);
    this.bufStart = start;
  }

  private async take(n: number): Promise<Buffer> {
    await this.need(n);
    const at = this.pos - this.bufStart;
    this.pos += n;
    return this.buf.subarray(at, at + n);
  }

  async u32(): Promise<number> {
    return (await this.take(4)).readUInt32LE(0);
  }

  /** A u64 count, refused above `max`. */
  async count(max: number, what: string): Promise<number> {
    const v = (await this.take(8)).readBigUInt64LE(0);
    if (v > BigInt(max)) throw new Refused(`${what} ${v} is above the limit of ${max}`);
    return Number(v);
  }

  async skip(n: number): Promise<void> {
    if (this.pos + n > this.size) throw new Truncated('the file ended inside the GGUF header');
    if (this.pos + n > MAX_READ) throw new Refused(`the GGUF header is larger than ${MAX_READ} bytes`);
    this.pos += n;
  }

  async string(): Promise<string | undefined> {
    const n = await this.count(MAX_STRING, 'string length');
    if (n > KEEP_STRING) {
      await this.skip(n);
      return undefined;
    }
    return (await this.take(n)).toString('utf8');
  }

  async scalar(type: number): Promise<string | number | boolean | undefined> {
    const width = SCALAR_WIDTH[type];
    if (width === undefined) throw new Refused(`unknown GGUF value type ${type}`);
    const b = await this.take(width);
    switch (type) {
      case 0: return b.readUInt8(0);
      case 1: return b.readInt8(0);
      case 2: return b.readUInt16LE(0);
      case 3: return b.readInt16LE(0);
      case 4: return b.readUInt32LE(0);
      case 5: return b.readInt32LE(0);
      case 6: return b.readFloatLE(0);
      case 7: return b.readUInt8(0) !== 0;
      case 10: return Number(b.readBigUInt64LE(0));
      case 11: return Number(b.readBigInt64LE(0));
      case 12: return b.readDoubleLE(0);
    }
    return undefined;
  }
}

/** Byte width of each fixed-size GGUF value type (8 = string and 9 = array are variable). */
const SCALAR_WIDTH: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

async function value(c: Cursor, type: number): Promise<string | number | boolean | undefined> {
  if (type === 8) return c.string();
  if (type !== 9) return c.scalar(type);
  const itemType = await c.u32();
  const n = await c.count(MAX_READ, 'array length');
  if (itemType === 9) throw new Refused('nested GGUF arrays');
  if (itemType === 8) for (let i = 0; i < n; i++) await c.skip(await c.count(MAX_STRING, 'string length'));
  else {
    const width = SCALAR_WIDTH[itemType];
    if (width === undefined) throw new Refused(`unknown GGUF value type ${itemType}`);
    await c.skip(n * width);
  }
  return undefined;
}

/** Read the metadata and tensor shapes of a GGUF file. GGUF writes dims innermost first; shapes here are reversed to match safetensors. */
export async function readGgufHeader(path: string): Promise<HeaderResult<TensorHeader>> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(path, 'r');
    const c = new Cursor(fh, (await fh.stat()).size);
    if ((await c.u32()) !== MAGIC) return { ok: false, reason: 'not a GGUF file' };
    const version = await c.u32();
    if (version !== 2 && version !== 3) return { ok: false, reason: `unsupported GGUF version ${version}` };
    const tensorCount = await c.count(MAX_TENSORS, 'tensor count');
    const kvCount = await c.count(MAX_KV, 'metadata count');
    const metadata = new Map<string, string>();
    for (let i = 0; i < kvCount; i++) {
      const key = await c.string();
      const v = await value(c, await c.u32());
      if (key !== undefined && v !== undefined) metadata.set(key, String(v));
    }
    const tensors = new Map<string, number[]>();
    for (let i = 0; i < tensorCount; i++) {
      const name = await c.string();
      const dims = await c.u32();
      if (dims > MAX_DIMS) throw new Refused(`tensor with ${dims} dimensions`);
      const shape: number[] = [];
      for (let d = 0; d < dims; d++) shape.push(await c.count(Number.MAX_SAFE_INTEGER, 'dimension'));
      await c.skip(4 + 8); // ggml type, data offset
      if (name !== undefined) tensors.set(name, shape.reverse());
    }
    return { ok: true, header: { tensors, metadata } };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
