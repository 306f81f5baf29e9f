// Timing of native tools (b3sum, sha256sum) run from this process, for the ratio columns of the bench.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Milliseconds one run of `tool file` takes (process start included), or undefined when the tool is absent. */
export function timeTool(tool: string, file: string): number | undefined {
  if (!existsSync(tool)) return undefined;
  const started = performance.now();
  const r = spawnSync(tool, [file], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) return undefined;
  return performance.now() - started;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface SideBySide {
  /** Median wall milliseconds of ours (A) and of the native command (B). */
  oursMs: number;
  nativeMs: number;
  /** Median of the per-pair ratios A/B: pairs run back to back, so a drift in the machine's speed cancels. */
  ratio: number;
}

function wallMs(argv: readonly string[], env?: NodeJS.ProcessEnv): number {
  const started = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'], env: env ?? process.env });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited with ${r.status ?? r.signal}`);
  return ms;
}

/**
 * Whole processes timed A B A B …, `runs` pairs after one warm-up pair; on a shared machine only a ratio
 * taken pair by pair means anything.
 */
export function sideBySide(ours: readonly string[], native: readonly string[], runs = 9, env?: NodeJS.ProcessEnv): SideBySide {
  wallMs(ours, env);
  wallMs(native);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(wallMs(ours, env));
    b.push(wallMs(native));
  }
  return { oursMs: median(a), nativeMs: median(b), ratio: median(a.map((v, i) => v / b[i])) };
}

/** "ours 123 ms, native 100 ms: 1.23×" */
export function sideBySideText(r: SideBySide, nativeName: string): string {
  return `ours ${r.oursMs.toFixed(0)} ms, ${nativeName} ${r.nativeMs.toFixed(0)} ms: ${r.ratio.toFixed(2)}× (median of paired ratios)`;
}
