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
