// Bench row: the extension's activation time (activate() to return, DESIGN.md §13). It needs a real
// VS Code, so the e2e layer measures it (suite/plain, a folder without ComfyUI files) and leaves the
// figure in test/e2e/.artifacts/activation.json; this row reports the last one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchRow } from './resolve';

const FILE = join(__dirname, '..', '..', '..', 'test', 'e2e', '.artifacts', 'activation.json');

export function activationBench(): BenchRow[] {
  const what = 'extension activation (activate() to return, no ComfyUI files: no server started)';
  if (!existsSync(FILE)) return [{ what, value: 'not measured: run the e2e layer first (node test/run.mjs e2e)', target: '≤ 300 ms' }];
  const { activationMs, measured } = JSON.parse(readFileSync(FILE, 'utf8')) as { activationMs: number; measured: string };
  return [{ what: `${what}, e2e run of ${measured}`, value: `${activationMs.toFixed(1)} ms`, target: '≤ 300 ms' }];
}
