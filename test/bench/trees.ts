// Bench rows: the Models view's requests over 100,000 indexed files (60,000 of them LoRAs directly in
// loras/, as in the e2e's generated library): the top level, the first page of the biggest category
// (built once per index snapshot: grouped and sorted) and a later page (a slice of what was built).
import { IndexSnapshot } from '../../server/src/core/index/snapshot';
import { ModelTree } from '../../server/src/requests/modelTree';
import { location } from '../unit/resolve-library';
import { percentiles, type BenchRow } from './resolve';

const RUNS = 15;
const LAYOUT: [string, number][] = [['loras', 60_000], ['checkpoints', 25_000], ['vae', 8_000], ['embeddings', 7_000]];

const ms = (t: { median: number; p95: number }) => `median ${t.median.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms`;

function library(): IndexSnapshot {
  const paths = LAYOUT.flatMap(([category, n]) => Array.from({ length: n }, (_, i) => `${category}/${category}_${String(i).padStart(6, '0')}.safetensors`));
  const locations = paths.map((path, i) => location({ path, hash: i.toString(16).padStart(16, '0') }));
  const snapshot = new IndexSnapshot(1, locations);
  snapshot.prepare(); // as the server's warm-up leaves it
  return snapshot;
}

export function treesBench(): BenchRow[] {
  const snapshot = library();
  const top: number[] = [];
  const first: number[] = [];
  const later: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const tree = new ModelTree(); // a new snapshot's first requests: nothing built yet
    let t = performance.now();
    const categories = tree.page(snapshot, {});
    top.push(performance.now() - t);
    const loras = categories.items.find((i) => i.label === 'loras')!;
    t = performance.now();
    tree.page(snapshot, { parent: loras.id, limit: 200 });
    first.push(performance.now() - t);
    t = performance.now();
    tree.page(snapshot, { parent: loras.id, offset: 30_000, limit: 200 });
    later.push(performance.now() - t);
  }
  return [
    { what: 'Models view: top level of 100,000 models', value: ms(percentiles(top)), target: '' },
    { what: 'Models view: first page of a 60,000-model category', value: ms(percentiles(first)), target: '< 1 s to show (issue 10)' },
    { what: 'Models view: a later page ("Show more…")', value: ms(percentiles(later)), target: '' },
  ];
}
