// `npm run bench`: runs every row module and prints one table (DESIGN.md §13). A row module exports a
// function returning rows; add yours to ROWS. Benchmarks are not tests: nothing here asserts timings.
// `node --expose-gc out/test/bench/bench.js cliBench hashBench` runs only the named row modules.
import { activationBench } from './activation';
import { cliBench } from './cli';
import { downloadBench } from './download';
import { rateLimitBench } from './rateLimit';
import { hashBench } from './hash';
import { lspBench, memoryBench } from './lsp';
import { modelInfoBench } from './modelInfo';
import { resolveBench, type BenchRow } from './resolve';
import { scaleBench } from './scale';
import { syncBench } from './sync';
import { shareBench } from './share';
import { treesBench } from './trees';

/** In run order: rows that measure memory go first, before other rows grow the heap. */
const ROWS: (() => BenchRow[] | Promise<BenchRow[]>)[] = [
  memoryBench, resolveBench, lspBench, treesBench, syncBench, modelInfoBench, hashBench, cliBench, scaleBench, downloadBench, rateLimitBench, shareBench, activationBench,
];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const unknown = only.filter((name) => !ROWS.some((run) => run.name === name));
  if (unknown.length) throw new Error(`no row module ${unknown.join(', ')}; there are ${ROWS.map((run) => run.name).join(', ')}`);
  const rows: BenchRow[] = [];
  for (const run of ROWS.filter((r) => !only.length || only.includes(r.name))) {
    try {
      // Called without arguments: a module that takes a row filter (cli, scale) runs all its rows here.
      rows.push(...(await run()));
    } catch (err) {
      rows.push({ what: run.name, value: `failed: ${err instanceof Error ? err.message : err}`, target: '' });
    }
  }
  const widths = [0, 1, 2].map((i) => Math.max(...[['what', 'result', 'target'], ...rows.map((r) => [r.what, r.value, r.target])].map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  console.log([line(['what', 'result', 'target']), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line([r.what, r.value, r.target]))].join('\n'));
}

void main();
