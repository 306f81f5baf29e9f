// Files the hash rows measure: random bytes of a size, and the exact byte stream the quick hash feeds
// BLAKE3 (decimal size, then the samples), written out so b3sum can hash the same bytes.
import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { sampleRanges } from '../../server/src/core/hash/quickHash';

const CHUNK = 8 * 1024 * 1024;

export function writeRandom(path: string, size: number): void {
  const chunk = Buffer.allocUnsafe(CHUNK);
  const fd = openSync(path, 'w');
  for (let pos = 0; pos < size; pos += chunk.length) {
    randomFillSync(chunk);
    writeSync(fd, chunk, 0, Math.min(chunk.length, size - pos), pos);
  }
  closeSync(fd);
}

/** Reads only the sampled ranges of `model`, so a big file costs what the quick hash itself reads. */
export function writeSampleStream(model: string, size: number, out: string): void {
  const fd = openSync(model, 'r');
  const parts = [Buffer.from(String(size))];
  for (const [offset, length] of sampleRanges(size)) {
    const b = Buffer.allocUnsafe(length);
    readSync(fd, b, 0, length, offset);
    parts.push(b);
  }
  closeSync(fd);
  writeFileSync(out, Buffer.concat(parts));
}
