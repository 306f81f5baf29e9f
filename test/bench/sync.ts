// Bench row (DESIGN.md §13): warm sync of 20,000 unchanged files (walk + stat + compare, no hashing).
// Run alone: node out/test/bench/sync.js
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexStore } from '../../server/src/core/index/store';
import { syncRoots } from '../../server/src/core/index/sync';
import { median } from './native';
import type { BenchRow } from './resolve';

const FILES = 20_000;

export async function syncBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-bench-sync-'));
  try {
    const models = join(dir, 'models');
    const categories = ['checkpoints', 'loras', 'vae', 'clip', 'unet', 'controlnet', 'upscale_models', 'embeddings'];
    for (let i = 0; i < FILES; i++) {
      const folder = join(models, categories[i % categories.length], `set${i % 50}`);
      if (i < 400) mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `model_${i}.safetensors`), `model ${i}`);
    }
    const store = await IndexStore.open(join(dir, 'index.sqlite'));
    const root = { path: models, category: null, origin: 'bench' };
    const cold = await syncRoots(store, [root]);
    const warm: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await syncRoots(store, [root]);
      if (r.hashed !== 0) throw new Error('warm sync re-hashed files');
      warm.push(r.seconds);
    }
    const reopened = await IndexStore.open(join(dir, 'index.sqlite'));
    const withOpen = performance.now();
    await syncRoots(reopened, [root]);
    const openSeconds = (performance.now() - withOpen) / 1000;
    return [
      {
        what: `warm sync, nothing changed, ${FILES.toLocaleString('en')} files`,
        value: `${median(warm).toFixed(2)} s (first snapshot after reopening: ${openSeconds.toFixed(2)} s; cold sync hashing all: ${cold.seconds.toFixed(1)} s)`,
        target: '≤ 1.5 s',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void syncBench().then((rows) => rows.forEach((row) => console.log(`${row.what}: ${row.value} (target ${row.target})`)));
