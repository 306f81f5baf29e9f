// Bundles one file per process: the extension (client), the language server and the CLI.
// `tsc -b` type-checks; esbuild only bundles. sql.js loads its wasm from beside the server bundle.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';

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
  // Native BLAKE3 (optional): loaded at run time by core/hash/blake3.ts, never bundled.
  external: ['@napi-rs/blake-hash'],
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'client/dist/extension.js', external: ['vscode'] }),
  // Also the `comfy-models-server` bin (other editors run it with --stdio): hence the shebang.
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'server/dist/server.js', banner: { js: '#!/usr/bin/env node' } }),
  // The CLI: a tiny executable that loads the bundle through a V8 code cache (cli/codeCache.ts).
  esbuild.build({ ...common, entryPoints: ['server/src/cliLauncher.ts'], outfile: 'server/dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'server/dist/cliMain.js' }),
  // Hash worker thread, loaded by the server and the CLI from beside their bundle (core/hash/pool.ts).
  esbuild.build({ ...common, entryPoints: ['server/src/core/hash/worker.ts'], outfile: 'server/dist/hashWorker.js' }),
  // The AWS SDK for team stores, on its own: core/store/loadSdk.ts requires it on first use only.
  esbuild.build({ ...common, entryPoints: ['server/src/core/store/sdk.ts'], outfile: 'server/dist/s3sdk.js' }),
]);
mkdirSync('server/dist', { recursive: true });
copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'server/dist/sql-wasm.wasm');
// The build platform's native BLAKE3 binary beside the bundles (the package ships no node_modules), named as
// core/hash/blake3.ts looks for it; without one, hashing falls back to WASM.
const napi = 'node_modules/@napi-rs';
const nativeBlake3 = (existsSync(napi) ? readdirSync(napi) : [])
  .filter((d) => d.startsWith('blake-hash-'))
  .flatMap((d) => readdirSync(`${napi}/${d}`).filter((f) => f.endsWith('.node')).map((f) => `${napi}/${d}/${f}`));
if (nativeBlake3.length === 1) copyFileSync(nativeBlake3[0], `server/dist/blake3-${process.platform}-${process.arch}.node`);
else console.warn(`esbuild.mjs: ${nativeBlake3.length} native BLAKE3 binaries found, none copied (WASM fallback): ${nativeBlake3.join(', ')}`);
