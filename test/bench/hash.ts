// Bench rows (DESIGN.md §13): quick hash per page-cached file with the ratio to b3sum over the same
// sampled bytes, and one-read SHA-256 + BLAKE3 throughput with ratios to sha256sum and b3sum.
// Run alone: node out/test/bench/hash.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blake3Implementation } from '../../server/src/core/hash/blake3';
import { fullHashFile } from '../../server/src/core/hash/fullHash';
import { quickHashFile } from '../../server/src/core/hash/quickHash';
import { median, timeTool } from './native';
import { writeRandom, writeSampleStream } from './sampleFiles';
import type { BenchRow } from './resolve';

const MiB = 1024 * 1024;

const ratio = (ours: number, theirs: number | undefined) => (theirs === undefined ? 'n/a' : `${(ours / theirs).toFixed(2)}×`);

export async function hashBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-bench-hash-'));
  try {
    const files = Array.from({ length: 8 }, (_, i) => join(dir, `model-${i}.safetensors`));
    const size = 64 * MiB + 12345;
    files.forEach((f) => writeRandom(f, size));
    const samples = files.map((f, i) => {
      const s = join(dir, `sample-${i}.bin`);
      writeSampleStream(f, size, s);
      return s;
    });
    const ours: number[] = [];
    const b3: number[] = [];
    // Ours and b3sum in separate loops: a process spawned between two of our hashes evicts the CPU caches.
    for (let round = 0; round < 4; round++) {
      for (const f of files) {
        const started = performance.now();
        await quickHashFile(f);
        if (round > 0) ours.push(performance.now() - started); // round 0 warms the page cache and the WASM
      }
    }
    for (let round = 0; round < 4; round++) {
      for (const s of samples) {
        const t = timeTool('/usr/bin/b3sum', s);
        if (round > 0 && t !== undefined) b3.push(t);
      }
    }
    const quickMs = median(ours);
    const b3Ms = b3.length ? median(b3) : undefined;

    const big = join(dir, 'big.safetensors');
    const bigSize = 1024 * MiB;
    writeRandom(big, bigSize);
    await fullHashFile(big); // page cache
    const fullRuns: number[] = [];
    for (let run = 0; run < 3; run++) {
      // One after another: runs in parallel would share the cores and halve each run's rate.
      const started = performance.now();
      await fullHashFile(big);
      fullRuns.push(performance.now() - started);
    }
    const fullMs = median(fullRuns);
    const gbps = (ms: number | undefined) => (ms === undefined ? undefined : bigSize / 1e9 / (ms / 1000));
    const sha = median([0, 1].map(() => timeTool('/usr/bin/sha256sum', big) ?? NaN));
    const b3full = median([0, 1].map(() => timeTool('/usr/bin/b3sum', big) ?? NaN));
    const fmt = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 'n/a' : `${v.toFixed(2)} GB/s`);
    return [
      {
        what: `quick hash, page-cached 64 MiB files (ms/file, median; ${blake3Implementation} BLAKE3)`,
        value: `${quickMs.toFixed(1)} ms; b3sum on the same 15 MiB sample ${b3Ms === undefined ? 'n/a' : `${b3Ms.toFixed(1)} ms (process start included)`}; ours/b3sum ${ratio(quickMs, b3Ms)}`,
        target: '≤ 5 ms',
      },
      {
        what: `full sha256 + blake3, one read, 1 GiB page-cached (${blake3Implementation} BLAKE3)`,
        value: `${fmt(gbps(fullMs))}; sha256sum ${fmt(gbps(sha))}, b3sum ${fmt(gbps(b3full))}; time ratio to sha256sum ${ratio(fullMs, sha)}, to b3sum ${ratio(fullMs, b3full)}`,
        target: '≥ 1 GB/s',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void hashBench().then((rows) => rows.forEach((row) => console.log(`${row.what}: ${row.value} (target ${row.target})`)));
