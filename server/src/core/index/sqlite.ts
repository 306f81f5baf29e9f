// sql.js loader: the wasm is read from beside the bundle (server/dist/sql-wasm.wasm), or from the
// sql.js package when running from tsc output. Initialised once per process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let engine: Promise<SqlJsStatic> | undefined;

function wasmPath(): string {
  const beside = join(__dirname, 'sql-wasm.wasm');
  // Not a literal, so esbuild leaves it alone: in a bundle the wasm is always beside it.
  const fromPackage = 'sql.js/dist/sql-wasm.wasm';
  return existsSync(beside) ? beside : require.resolve(fromPackage);
}

export function sqlite(): Promise<SqlJsStatic> {
  engine ??= initSqlJs({ locateFile: () => wasmPath() });
  return engine;
}
