// Node entry of the language server (bundled to server/dist/server.js). Picks the transport from
// argv (`--stdio`, `--node-ipc`, …), routes console output to the LSP log (never stdout), and starts.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';
import { VERSION } from './version';

const connection = createConnection(ProposedFeatures.all);
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));

startServer(connection, {
  version: VERSION,
  defaultIndexPath: join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'comfy-models', 'index.sqlite'),
});
