// `npm test`: build once, then run every layer (unit, lsp, nvim, e2e) and print each layer's
// "N passed, N failed" line. `node test/run.mjs unit lsp` runs only the named layers. The nvim layer
// installs Debian's neovim first when it is missing (as the e2e layer does with Chromium).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages } from './e2e/system.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const requested = process.argv.slice(2);
const layers = requested.length ? requested : ['unit', 'lsp', 'nvim', 'e2e'];

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function testFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.test.js')) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

console.log('Building (tsc -b, esbuild)…');
if (run('npx', ['tsc', '-b']) !== 0 || run('node', ['esbuild.mjs']) !== 0) {
  console.log('build: 0 passed, 1 failed');
  process.exit(1);
}

/** Installs missing Debian packages; false (with the layer's failure line) when that is not possible. */
function ensured(layer, packages) {
  try {
    ensureDebianPackages(packages);
    return true;
  } catch (err) {
    console.log(`${err.message}\n${layer}: 0 passed, 1 failed`);
    return false;
  }
}

let failed = false;
for (const layer of layers) {
  console.log(`\n=== ${layer} ===`);
  let status;
  if (layer === 'e2e') status = run('node', ['test/e2e/run.mjs']);
  else if (layer === 'nvim' && !ensured(layer, ['neovim'])) status = 1;
  else {
    const files = testFiles(join(root, 'out', 'test', layer));
    status = run('node', ['--test', '--test-reporter=./test/reporter.mjs', '--test-concurrency=2', '--test-timeout=180000', ...files], { COMFY_TEST_LAYER: layer });
  }
  if (status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
