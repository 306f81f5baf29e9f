// Node entry of the language server (bundled to server/dist/server.js, the `comfy-models-server` bin).
// Picks the transport from argv (`--stdio`, `--node-ipc`, …; stdio when none is given), routes
// console output to the LSP log (never stdout), and starts.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createConnection, IPCMessageReader, IPCMessageWriter, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { lifecycleGuard } from './lsp/lifecycle';
import { startServer } from './server';
import { VERSION } from './version';

// `comfy-models-server` started from another editor's config without a transport flag speaks stdio.
if (!process.argv.slice(2).some((a) => /^--(stdio|node-ipc|socket|pipe)\b/.test(a))) process.argv.push('--stdio');

/** The connection over stdio or node IPC with the lifecycle rules enforced; other transports as the library makes them. */
function connect() {
  const [reader, writer] = process.argv.includes('--stdio')
    ? [new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout)]
    : process.argv.includes('--node-ipc')
      ? [new IPCMessageReader(process), new IPCMessageWriter(process)]
      : [];
  return reader && writer ? createConnection(ProposedFeatures.all, lifecycleGuard(reader, writer), writer) : createConnection(ProposedFeatures.all);
}

const connection = connect();
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));

startServer(connection, {
  version: VERSION,
  defaultIndexPath: join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'comfy-models', 'index.sqlite'),
});
