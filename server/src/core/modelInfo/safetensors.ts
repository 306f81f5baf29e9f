// Bounded safetensors header reader: 8-byte little-endian length, then that many bytes of JSON
// (`{"tensor": {"dtype", "shape", "data_offsets"}, "__metadata__": {string: string}}`). Only the header
// bytes are read. A header that lies (length beyond the file or above the bound, offsets past the end,
// absurd shapes) or is not JSON is refused with a reason, never trusted and never thrown.
import { promises as fsp } from 'node:fs';

/** The safetensors format's own limit on the header (the reference implementation refuses more). */
export const MAX_SAFETENSORS_HEADER = 100 * 1024 * 1024;
/** Tensors in one file: real checkpoints have a few thousand. */
const MAX_TENSORS = 200_000;
const MAX_DIMS = 8;

export interface TensorHeader {
  /** Tensor name → shape. */
  tensors: Map<string, number[]>;
  /** `__metadata__`: string values only (the format allows nothing else). */
  metadata: Map<string, string>;
}

export type HeaderResult<T> = { ok: true; header: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** Bytes read at once from the start of the file: most headers (LoRAs) fit, so one read serves length and header. */
const FIRST_READ = 64 * 1024;

/** Read and check the header of the safetensors file at `path` (an open error is a failure too). */
export async function readSafetensorsHeader(path: string, maxHeader = MAX_SAFETENSORS_HEADER): Promise<HeaderResult<TensorHeader>> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(path, 'r');
    const size = (await fh.stat()).size;
    if (size < 8) return fail('the file is shorter than a safetensors header');
    const first = Buffer.alloc(Math.min(size, FIRST_READ));
    const got = (await fh.read(first, 0, first.length, 0)).bytesRead;
    if (got < 8) return fail('the file ended inside the header');
    const length = first.readBigUInt64LE(0);
    if (length > BigInt(maxHeader)) return fail(`header length ${length} is above the ${maxHeader}-byte limit`);
    const n = Number(length);
    if (n < 2) return fail('header length is too small');
    if (8 + n > size) return fail(`header length ${n} runs past the end of the file (${size} bytes)`);
    let bytes: Buffer;
    if (8 + n <= got) bytes = first.subarray(8, 8 + n);
    else {
      bytes = Buffer.alloc(n);
      const { bytesRead } = await fh.read(bytes, 0, n, 8);
      if (bytesRead !== n) return fail('the file ended inside the header');
    }
    return parseSafetensorsHeader(bytes, size - 8 - n);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** Check a header's JSON against the format: `dataBytes` is what follows the header in the file. */
export function parseSafetensorsHeader(bytes: Buffer, dataBytes: number): HeaderResult<TensorHeader> {
  if (bytes[0] !== 0x7b) return fail('the header is not a JSON object');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    // Also a RangeError from absurdly deep nesting.
    return fail(`the header is not valid JSON (${err instanceof Error ? err.message : err})`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return fail('the header is not a JSON object');
  const tensors = new Map<string, number[]>();
  const metadata = new Map<string, string>();
  for (const [name, value] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (typeof v !== 'string') return fail(`metadata '${k.slice(0, 60)}' is not a string`);
        metadata.set(k, v);
      }
      continue;
    }
    if (tensors.size >= MAX_TENSORS) return fail(`more than ${MAX_TENSORS} tensors`);
    const problem = tensorProblem(value, dataBytes);
    if (problem) return fail(`tensor '${name.slice(0, 80)}': ${problem}`);
    tensors.set(name, (value as { shape: number[] }).shape);
  }
  return { ok: true, header: { tensors, metadata } };
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function tensorProblem(value: unknown, dataBytes: number): string | undefined {
  if (!value || typeof value !== 'object') return 'not an object';
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string') return 'no dtype';
  if (!Array.isArray(shape) || shape.length > MAX_DIMS || !shape.every(isCount)) return 'absurd shape';
  let elements = 1;
  for (const d of shape as number[]) elements *= d;
  if (!Number.isSafeInteger(elements)) return 'absurd shape';
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) return 'bad data_offsets';
  const [start, end] = offsets as number[];
  if (start > end || end > dataBytes) return `data_offsets [${start}, ${end}] run past the end of the file`;
  return undefined;
}
