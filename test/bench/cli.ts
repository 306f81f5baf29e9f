// Bench rows measured against a native command doing the same work, whole processes side by side
// (issue 23): the CLI's quick hash of 40 page-cached 40 MiB files vs one b3sum over the same sampled
// bytes, and the CLI's start-up (`--version`, `refs` of a small workflow) vs `node -e 0`.
// Run alone: node out/test/bench/cli.js [cli-hash] [cli-start]
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeRandom, writeSampleStream } from './sampleFiles';
import { sideBySide, sideBySideText } from './native';
import type { BenchRow } from './resolve';

const MiB = 1024 * 1024;
const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'server', 'dist', 'cli.js');
const B3SUM = '/usr/bin/b3sum';

function inTempDir<T>(run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-bench-cli-'));
  try {
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The user's own cache folder stays untouched: the code cache goes to the run's temp folder.
const cliEnv = (dir: string): NodeJS.ProcessEnv => ({ ...process.env, COMFY_MODELS_CODE_CACHE: join(dir, 'code-cache'), COMFY_MODELS_INDEX: join(dir, 'index.sqlite') });

const ROWS: Record<string, () => BenchRow> = {
  'cli-hash': () => inTempDir((dir) => {
    const files = Array.from({ length: 40 }, (_, i) => join(dir, `model-${i}.safetensors`));
    const size = 40 * MiB;
    const samples = files.map((f, i) => {
      writeRandom(f, size);
      const s = join(dir, `sample-${i}.bin`);
      writeSampleStream(f, size, s);
      return s;
    });
    files.forEach((f) => readFileSync(f)); // page cache
    const what = 'CLI quick hash of 40 × 40 MiB page-cached files, whole process (`hash --json`)';
    if (!existsSync(B3SUM)) return { what, value: 'n/a: no b3sum (apt-get install b3sum)', target: '≤ 1.2 × b3sum' };
    const r = sideBySide([process.execPath, CLI, 'hash', '--json', ...files], [B3SUM, ...samples], 9, cliEnv(dir));
    return { what, value: sideBySideText(r, 'b3sum (all threads) over the same 600 MiB of samples'), target: '≤ 1.2 × b3sum' };
  }),

  'cli-start': () => inTempDir((dir) => {
    const workflow = join(dir, 'workflow.json');
    writeFileSync(workflow, JSON.stringify({ nodes: [{ id: 1, type: 'CheckpointLoaderSimple', widgets_values: ['sd15.safetensors'], inputs: [], outputs: [] }], links: [] }));
    const node = [process.execPath, '-e', '0'];
    const version = sideBySide([process.execPath, CLI, '--version'], node, 15, cliEnv(dir));
    const refs = sideBySide([process.execPath, CLI, 'refs', workflow], node, 15, cliEnv(dir));
    return {
      what: 'CLI start-up, whole process: `--version`; `refs` of a one-node workflow',
      value: `--version ${sideBySideText(version, 'node -e 0')}; refs ${sideBySideText(refs, 'node -e 0')}`,
      target: '≤ 1.3 × node -e 0',
    };
  }),
};

export function cliBench(only: readonly string[] = []): BenchRow[] {
  return Object.entries(ROWS).filter(([name]) => !only.length || only.includes(name)).map(([, row]) => row());
}

if (require.main === module) cliBench(process.argv.slice(2)).forEach((r) => console.log(`${r.what}: ${r.value} (target ${r.target})`));
