// `npm run package`: builds (vsce runs the `vscode:prepublish` script = `npm run build`), packages
// the .vsix, and checks what ships: the three bundles and the wasm, no sources, tests or
// node_modules, and at most 3 MB.
//
//   node test/e2e/package.mjs  ->  comfy-models-<version>.vsix in the repo root
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths.mjs';
import { sh } from './system.mjs';

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
export const vsixPath = join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
export const MAX_VSIX_BYTES = 3 * 1024 * 1024;
const REQUIRED = ['client/dist/extension.js', 'server/dist/server.js', 'server/dist/cli.js', 'server/dist/cliMain.js', 'server/dist/sql-wasm.wasm', 'package.json', 'README.md', 'LICENSE'];
const FORBIDDEN = [
  [/\.ts$/, 'TypeScript source'],
  [/(^|\/)node_modules\//, 'node_modules'],
  [/^(test|out)\//, 'tests or tsc output'],
  [/\.map$/, 'source map'],
];

// Everything is bundled, so vsce need not (and must not) collect npm dependencies.
const vsce = (args) => ['vsce', ...args, '--no-dependencies'];

export function buildVsix() {
  // Relative README links stay relative: VS Code shows them from the installed extension folder.
  sh('npx', vsce(['package', '--no-rewrite-relative-links', '--out', vsixPath]), { cwd: repoRoot });
  return vsixPath;
}

/** What `vsce ls` says the package holds. */
export function packagedFiles() {
  const r = spawnSync('npx', vsce(['ls']), { cwd: repoRoot, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vsce ls failed:\n${r.stderr}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Problems with the package contents and size; empty when it is fine. */
export function packageProblems(files, size) {
  const problems = REQUIRED.filter((f) => !files.includes(f)).map((f) => `missing ${f}`);
  for (const file of files) {
    for (const [pattern, what] of FORBIDDEN) if (pattern.test(file)) problems.push(`ships ${what}: ${file}`);
  }
  if (size > MAX_VSIX_BYTES) problems.push(`the .vsix is ${formatSize(size)}, above the ${formatSize(MAX_VSIX_BYTES)} limit`);
  return problems;
}

export function formatSize(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** Builds, packages and checks; throws listing every problem. */
export function packageAndCheck() {
  buildVsix();
  const files = packagedFiles();
  const { size } = statSync(vsixPath);
  const problems = packageProblems(files, size);
  console.log(`${vsixPath}: ${files.length} files, ${formatSize(size)}\n${files.map((f) => `  ${f}`).join('\n')}`);
  if (problems.length) throw new Error(`package check failed:\n  ${problems.join('\n  ')}`);
  return { vsixPath, files, size };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    packageAndCheck();
    console.log('package: ok');
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
