// Bench rows: the language server's work as its handlers do it (DESIGN.md §13), over a synthetic
// 500-node workflow and an IndexSnapshot of 100,000 locations. Run alone: node --expose-gc out/test/bench/lsp.js
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { carryOver, IndexSnapshot, type IndexedLocation } from '../../server/src/core/index/snapshot';
import { WorkflowAnalyzer } from '../../server/src/lsp/analysis';
import { modelCompletions } from '../../server/src/lsp/completion';
import { workflowDiagnostics } from '../../server/src/lsp/diagnostics';
import { pathToUri, WorkspaceFiles } from '../../server/src/lsp/workspaceFiles';
import { FuzzyCache } from '../../server/src/core/resolve';
import { warmUpSteps } from '../../server/src/engine/warmUp';
import { normalizeSettings } from '../../server/src/settings';
import { location } from '../unit/resolve-library';
import { benchLibrary, benchWorkflow, percentiles, type BenchRow } from './resolve';

const MODELS = 100_000;
const RUNS = 30;
/** Runs that build a snapshot of fresh location objects (as the store reads them after each sync). */
const CHANGES = 10;
const QUERIES = 120;

const ms = (t: { median: number; p95: number; max: number }) => `median ${t.median.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms, max ${t.max.toFixed(1)} ms`;

const gc = (globalThis as { gc?: () => void }).gc;

/** The engine's fuzzy cache, as the index host owns it for the life of the server. */
const fuzzy = new FuzzyCache();

/** Time of one run; a GC first (with --expose-gc), so dropped snapshots are not collected inside it. */
function time(run: () => void): number {
  gc?.();
  const started = performance.now();
  run();
  return performance.now() - started;
}

/** time() of asynchronous work (the analysis yields between slices of references). */
async function timeAsync(run: () => Promise<unknown>): Promise<number> {
  gc?.();
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/**
 * The bench library plus `extra` paths as the store reads them from its database for each snapshot:
 * new objects, flat strings without cached hashes, ordered by path; the same content each time.
 */
function freshLocations(extra: string[] = []): IndexedLocation[] {
  const locations = [...benchLibrary(MODELS), ...extra].map((path, i) => location({ path, hash: i.toString(16).padStart(16, '0') }));
  locations.sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1));
  return JSON.parse(JSON.stringify(locations)) as IndexedLocation[];
}

/** The index host's warm-up run straight through: total time and the longest step (the server is busy that long). */
function warmUp(snapshot: IndexSnapshot, previous?: IndexSnapshot): { total: number; longest: number } {
  gc?.();
  const steps = warmUpSteps(snapshot, previous, fuzzy);
  const started = performance.now();
  let last = started;
  let longest = 0;
  while (!steps.next().done) {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }
  longest = Math.max(longest, performance.now() - last);
  return { total: performance.now() - started, longest };
}

/**
 * Diagnostics (analyze + workflowDiagnostics) after an index change — as the server does it (warm-up
 * in the background first, the new snapshot taking over unchanged categories) and in the worst case
 * (nothing prepared) — and warm after an edit; completion.
 */
export async function lspBench(): Promise<BenchRow[]> {
  const folder = mkdtempSync(join(tmpdir(), 'comfy-bench-')); // no pyproject.toml: manifest discovery finds nothing
  try {
    const file = join(folder, 'workflow.json');
    const text = benchWorkflow(500);
    writeFileSync(file, text);
    const analyzer = new WorkflowAnalyzer(new WorkspaceFiles(new TextDocuments(TextDocument)));
    const settings = normalizeSettings({});
    let version = 0;
    const diagnose = async (index: IndexSnapshot) => {
      const doc = TextDocument.create(pathToUri(file), 'json', ++version, text);
      return workflowDiagnostics(doc, await analyzer.analyze(doc, index, settings, fuzzy)).length;
    };

    // Index change as the server sees it: a sync added a LoRA; the store reads every location anew and
    // carries the unchanged ones over as the previous snapshot's objects; the new snapshot replaces the
    // previous one, the index host warms it up, then diagnostics are pulled.
    let index = new IndexSnapshot(0, freshLocations());
    warmUp(index);
    await diagnose(index);
    const byHash: number[] = [];
    const carries: number[] = [];
    const warmUps: number[] = [];
    const longestSteps: number[] = [];
    const afterChange: number[] = [];
    for (let run = 1; run <= CHANGES; run++) {
      const previous = index;
      const rows = freshLocations([`loras/new/added_${run}.safetensors`]);
      let locations: IndexedLocation[] = [];
      carries.push(time(() => (locations = rows.map(carryOver(previous)))));
      index = new IndexSnapshot(run, locations);
      index.follow(previous);
      byHash.push(time(() => index.modelCount)); // the status report, before the warm-up starts
      const { total, longest } = warmUp(index, previous);
      warmUps.push(total);
      longestSteps.push(longest);
      afterChange.push(await timeAsync(() => diagnose(index)));
    }
    // The same change with nothing taken over (e.g. the scope changed every category): warm-up of everything.
    const fullWarmUps: number[] = [];
    for (let run = 1; run <= CHANGES; run++) fullWarmUps.push(warmUp(new IndexSnapshot(run, freshLocations())).total);

    // Worst case: a pull on a snapshot nothing was prepared for (fresh objects, no previous, no warm-up).
    const cold: number[] = [];
    let diagnostics = 0;
    for (let run = 0; run < CHANGES; run++) {
      const fresh = new IndexSnapshot(run, freshLocations());
      cold.push(await timeAsync(async () => (diagnostics = await diagnose(fresh))));
    }

    // Warm edit: same snapshot, a new document version each run.
    await diagnose(index);
    const warm: number[] = [];
    for (let run = 0; run < RUNS; run++) warm.push(await timeAsync(() => diagnose(index)));

    // Completion at loader values, typed prefixes of 0 to 12 characters of different values.
    const doc = TextDocument.create(pathToUri(file), 'json', ++version, text);
    const analysis = await analyzer.analyze(doc, index, settings, fuzzy);
    const loaders = analysis.resolved.map((r) => r.reference).filter((r) => r.kind === 'loader');
    const completion: number[] = [];
    let items = 0;
    for (let q = 0; q < QUERIES; q++) {
      const ref = loaders[(q * 7) % loaders.length];
      const offset = ref.offset + Math.min(ref.length, q % 13);
      completion.push(time(() => (items += modelCompletions(doc, analysis, index, offset)?.items.length ?? 0)));
    }

    const what = `${gc ? '' : '(no --expose-gc: GC may land inside runs) '}500-node workflow (${loaders.length} loader refs, ${diagnostics} diagnostics), ${MODELS.toLocaleString('en')} models`;
    const longest = percentiles(longestSteps);
    return [
      { what: `index change: by-hash map (status report, synchronous), ${MODELS.toLocaleString('en')} fresh locations`, value: ms(percentiles(byHash)), target: 'with the name lookups ≤ 100 ms (idle)' },
      {
        what: `index change: store carries unchanged locations over as the previous snapshot's objects (merge walk), ${CHANGES} runs`,
        value: ms(percentiles(carries)),
        target: 'part of reading the snapshot',
      },
      {
        what: `index change (a LoRA added, ${CHANGES} runs): background warm-up (name/category lookups in one pass; changed lists: fuzzy preparation, last queries asked again)`,
        value: `${ms(percentiles(warmUps))}; longest step without yielding: median ${longest.median.toFixed(1)} ms, max ${longest.max.toFixed(1)} ms`,
        target: 'not on the request path',
      },
      { what: `index change, nothing taken over (every category prepared anew), ${CHANGES} runs`, value: ms(percentiles(fullWarmUps)), target: 'not on the request path' },
      { what: `diagnostics: first pull after an index change + warm-up, ${what}`, value: ms(percentiles(afterChange)), target: '≤ 50 ms p95' },
      { what: `diagnostics worst case: pull on an unprepared snapshot (no warm-up, nothing taken over), ${CHANGES} runs`, value: ms(percentiles(cold)), target: '(≤ 50 ms p95 applies after warm-up)' },
      { what: `diagnostics warm edit (new document version), ${what}`, value: ms(percentiles(warm)), target: '≤ 50 ms p95' },
      { what: `completion at a loader value, ${QUERIES} queries (avg ${(items / QUERIES).toFixed(0)} items)`, value: ms(percentiles(completion)), target: '≤ 30 ms p95' },
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Memory added by holding an IndexSnapshot of 100,000 locations as the server does: lookups built, fuzzy-prepared. */
export function memoryBench(): BenchRow[] {
  gc?.();
  const before = process.memoryUsage();
  const index = new IndexSnapshot(1, freshLocations());
  gc?.();
  const bare = process.memoryUsage();
  warmUp(index);
  gc?.();
  const after = process.memoryUsage();
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
  /** JS heap plus typed-array memory (fuzzy preparation keeps its codes there). */
  const held = (m: NodeJS.MemoryUsage) => m.heapUsed + m.external;
  return [
    {
      what: `server memory: IndexSnapshot of ${index.locations.length.toLocaleString('en')} locations, warmed up${gc ? '' : ' (no --expose-gc: no GC before reading)'}`,
      value: `RSS +${mb(after.rss - before.rss)} (heap + external: locations +${mb(held(bare) - held(before))}, lookups and fuzzy preparation +${mb(held(after) - held(bare))}; RSS ${mb(after.rss)} in this process)`,
      target: '≤ 250 MB RSS',
    },
  ];
}

if (require.main === module) {
  const memory = memoryBench();
  void lspBench().then((rows) => [...memory, ...rows].forEach((row) => console.log(`${row.what}: ${row.value} (target ${row.target})`)));
}
