// Bench row (DESIGN.md §13, issue 15): the sync cost of reading model headers on 20,000 files with
// real-looking safetensors headers (LoRAs of four families, half with kohya metadata; LoRAs are what
// libraries hold by the thousand, and their small files keep the quick hash from dominating the cold row).
// Cold: a first sync (hash + header); header pass: every header read again without hashing (what an
// index from before header reading costs once); warm: nothing changed, nothing read.
// Run alone: node out/test/bench/modelInfo.js
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexStore } from '../../server/src/core/index/store';
import { syncRoots } from '../../server/src/core/index/sync';
import { readModelInfo } from '../../server/src/core/modelInfo';
import { kohyaMetadata, loraTensors, writeSafetensors } from '../helpers/modelFiles';
import { median } from './native';
import type { BenchRow } from './resolve';

const FILES = 20_000;
const FAMILIES = ['sd1', 'sd2', 'sdxl', 'flux'] as const;

export async function modelInfoBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-bench-info-'));
  try {
    const models = join(dir, 'models');
    const paths: string[] = [];
    for (let i = 0; i < FILES; i++) {
      const family = FAMILIES[i % FAMILIES.length];
      const path = join(models, 'loras', `set${i % 50}`, `model_${i}.safetensors`);
      const tags = { [`tag${i}`]: i % 7, style: 3, detailed: 5 };
      writeSafetensors(path, loraTensors(family, 4 + (i % 8)), i % 2 ? kohyaMetadata(family, tags, `model ${i}`) : undefined);
      paths.push(path);
    }
    // Header reading alone, files page-cached.
    const t0 = performance.now();
    for (const p of paths) await readModelInfo(p, () => undefined);
    const readAll = (performance.now() - t0) / 1000;

    const store = await IndexStore.open(join(dir, 'index.sqlite'));
    const root = { path: models, category: null, origin: 'bench' };
    const cold = await syncRoots(store, [root]);
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await syncRoots(store, [root]);
      if (r.hashed !== 0 || r.headers !== 0) throw new Error('warm sync hashed or read headers');
      warm.push(r.seconds);
    }
    // As if an older reader had read every header: the next sync reads headers only.
    store.apply(store.snapshot().locations.map((l) => ({ op: 'header' as const, hash: l.hash, info: null, root: l.root, rootCategory: l.rootCategory, relativePath: l.relativePath, stamp: '0' })));
    const pass = await syncRoots(store, [root]);
    if (pass.hashed !== 0 || pass.headers !== FILES) throw new Error(`header pass read ${pass.headers} headers, hashed ${pass.hashed}`);
    store.close();
    return [
      {
        what: `model headers, ${FILES.toLocaleString('en')} safetensors files`,
        value: `read alone ${readAll.toFixed(2)} s (${((readAll / FILES) * 1e6).toFixed(0)} µs/file); sync: cold (hash + header) ${cold.seconds.toFixed(1)} s, header-only pass ${pass.seconds.toFixed(2)} s, warm ${median(warm).toFixed(2)} s`,
        target: 'warm ≤ 1.5 s',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void modelInfoBench().then((rows) => rows.forEach((row) => console.log(`${row.what}: ${row.value} (target ${row.target})`)));
