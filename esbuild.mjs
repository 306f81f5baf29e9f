// Bundles one file per process: the extension (client), the language server and the CLI.
// `tsc -b` type-checks; esbuild only bundles. sql.js loads its wasm from beside the server bundle.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
  // jsonc-parser's UMD build requires its modules dynamically, which a bundle cannot follow: take its ESM build.
  mainFields: ['module', 'main'],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/dist/extension.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'server/dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'server/dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // Hash worker thread, loaded by the server and the CLI from beside their bundle (core/hash/pool.ts).
  esbuild.build({ ...common, entryPoints: ['server/src/core/hash/worker.ts'], outfile: 'server/dist/hashWorker.js' }),
]);
mkdirSync('server/dist', { recursive: true });
copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'server/dist/sql-wasm.wasm');
