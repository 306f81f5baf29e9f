// Bench rows for sharing (issue 14): comfygit's XXH3-128 quick hash per page-cached file against our
// BLAKE3 one over the same samples, and reading the workflow out of a big PNG (chunk walk, the image data
// skipped). Run alone: node out/test/bench/share.js
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quickHashFile } from '../../server/src/core/hash/quickHash';
import { quickHashXxh3File } from '../../server/src/core/hash/quickHashXxh3';
import { readEmbeddedWorkflow } from '../../server/src/core/workflow/embedded';
import { pngWith } from '../helpers/embeddedFiles';
import { median } from './native';
import type { BenchRow } from './resolve';

const MiB = 1024 * 1024;

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // page cache and WASM warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return median(times);
}

export async function shareBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-bench-share-'));
  try {
    const model = join(dir, 'model.safetensors');
    writeFileSync(model, randomFillSync(Buffer.allocUnsafe(64 * MiB)));
    const xxh3 = await timed(8, () => quickHashXxh3File(model));
    const blake3 = await timed(8, () => quickHashFile(model));
    const png = join(dir, 'big.png');
    const workflow = JSON.stringify({ nodes: Array.from({ length: 400 }, (_, i) => ({ id: i, type: 'KSampler', widgets_values: [i, 'fixed', 20, 8] })), links: [], version: 0.4 });
    const image = pngWith([{ type: 'tEXt', keyword: 'workflow', text: workflow }]);
    // A 32 MiB image-data chunk after the text: what a large ComfyUI output looks like to the reader.
    writeFileSync(png, Buffer.concat([image.subarray(0, image.length - 12), bigIdat(32 * MiB), image.subarray(image.length - 12)]));
    const embedded = await timed(20, () => readEmbeddedWorkflow(png));
    return [
      { what: 'comfygit XXH3-128 quick hash, page-cached 64 MiB file (ms, median)', value: `${xxh3.toFixed(1)} ms; our BLAKE3 quick hash ${blake3.toFixed(1)} ms; ratio ${(xxh3 / blake3).toFixed(2)}×`, target: '≤ 10 ms' },
      { what: 'workflow out of a 32 MiB PNG (ms, median)', value: `${embedded.toFixed(2)} ms`, target: '≤ 5 ms' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An IDAT chunk of `size` bytes (CRC not checked by the reader). */
function bigIdat(size: number): Buffer {
  const chunk = Buffer.alloc(12 + size);
  chunk.writeUInt32BE(size, 0);
  chunk.write('IDAT', 4, 'latin1');
  return chunk;
}

if (require.main === module) void shareBench().then((rows) => rows.forEach((row) => console.log(`${row.what}: ${row.value} (target ${row.target})`)));
