// Bench rows: the language server's work as its handlers do it (DESIGN.md §13), over a synthetic
// 500-node workflow and an IndexSnapshot of 100,000 locations. Run alone: node --expose-gc out/test/bench/lsp.js
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { IndexSnapshot, type IndexedLocation } from '../../server/src/core/index/snapshot';
import { WorkflowAnalyzer } from '../../server/src/lsp/analysis';
import { modelCompletions } from '../../server/src/lsp/completion';
import { workflowDiagnostics } from '../../server/src/lsp/diagnostics';
import { pathToUri, WorkspaceFiles } from '../../server/src/lsp/workspaceFiles';
import { normalizeSettings } from '../../server/src/settings';
import { location } from '../unit/resolve-library';
import { benchLibrary, benchWorkflow, percentiles, type BenchRow } from './resolve';

const MODELS = 100_000;
const RUNS = 30;
const QUERIES = 120;

const ms = (t: { median: number; p95: number; max: number }) => `median ${t.median.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms, max ${t.max.toFixed(1)} ms`;

const gc = (globalThis as { gc?: () => void }).gc;

/** Time of one run; a GC first (with --expose-gc), so dropped snapshots are not collected inside it. */
function time(run: () => void): number {
  gc?.();
  const started = performance.now();
  run();
  return performance.now() - started;
}

/** Diagnostics (analyze + workflowDiagnostics) cold after an index change, and warm after an edit; completion. */
export function lspBench(): BenchRow[] {
  const folder = mkdtempSync(join(tmpdir(), 'comfy-bench-')); // no pyproject.toml: manifest discovery finds nothing
  try {
    const locations = benchLibrary(MODELS).map((path) => location({ path }));
    const file = join(folder, 'workflow.json');
    const text = benchWorkflow(500);
    writeFileSync(file, text);
    const analyzer = new WorkflowAnalyzer(new WorkspaceFiles(new TextDocuments(TextDocument)));
    const settings = normalizeSettings({});
    let version = 0;
    const diagnose = (index: IndexSnapshot) => {
      const doc = TextDocument.create(pathToUri(file), 'json', ++version, text);
      return workflowDiagnostics(doc, analyzer.analyze(doc, index, settings)).length;
    };

    // Cold: every run gets a fresh snapshot (built outside the timing), as after an index change.
    const cold: number[] = [];
    let diagnostics = 0;
    for (let run = 0; run < RUNS; run++) {
      const index = new IndexSnapshot(run + 1, locations);
      cold.push(time(() => (diagnostics = diagnose(index))));
    }
    // Warm edit: same snapshot, a new document version each run.
    const index = new IndexSnapshot(RUNS + 1, locations);
    diagnose(index);
    const warm = Array.from({ length: RUNS }, () => time(() => diagnose(index)));

    // Completion at loader values, typed prefixes of 0 to 12 characters of different values.
    const doc = TextDocument.create(pathToUri(file), 'json', ++version, text);
    const analysis = analyzer.analyze(doc, index, settings);
    const loaders = analysis.resolved.map((r) => r.reference).filter((r) => r.kind === 'loader');
    const completion: number[] = [];
    let items = 0;
    for (let q = 0; q < QUERIES; q++) {
      const ref = loaders[(q * 7) % loaders.length];
      const offset = ref.offset + Math.min(ref.length, q % 13);
      completion.push(time(() => (items += modelCompletions(doc, analysis, index, offset)?.items.length ?? 0)));
    }

    const what = `${gc ? '' : '(no --expose-gc: GC may land inside runs) '}500-node workflow (${loaders.length} loader refs, ${diagnostics} diagnostics), ${MODELS.toLocaleString('en')} models`;
    return [
      { what: `diagnostics cold (fresh snapshot each run), ${what}`, value: ms(percentiles(cold)), target: '≤ 50 ms p95' },
      { what: `diagnostics warm edit (new document version), ${what}`, value: ms(percentiles(warm)), target: '≤ 50 ms p95' },
      { what: `completion at a loader value, ${QUERIES} queries (avg ${(items / QUERIES).toFixed(0)} items)`, value: ms(percentiles(completion)), target: '≤ 30 ms p95' },
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** RSS added by holding an IndexSnapshot of 100,000 locations (after a GC when --expose-gc is on). */
export function memoryBench(): BenchRow[] {
  gc?.();
  const before = process.memoryUsage();
  const held: IndexedLocation[] = benchLibrary(MODELS).map((path) => location({ path }));
  const index = new IndexSnapshot(1, held);
  gc?.();
  const after = process.memoryUsage();
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
  return [
    {
      what: `server memory: IndexSnapshot of ${index.locations.length.toLocaleString('en')} locations${gc ? '' : ' (no --expose-gc: no GC before reading)'}`,
      value: `RSS +${mb(after.rss - before.rss)} (heap +${mb(after.heapUsed - before.heapUsed)}; RSS ${mb(after.rss)} in this process)`,
      target: '≤ 250 MB RSS',
    },
  ];
}

if (require.main === module) for (const row of [...memoryBench(), ...lspBench()]) console.log(`${row.what}: ${row.value} (target ${row.target})`);
