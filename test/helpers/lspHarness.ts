// LSP protocol tests without an editor: the real server (startServer) and a protocol client joined by
// in-memory streams, or the bundled server spawned over stdio. The test answers workspace/configuration.
// By default the client declares what our VS Code client declares; `capabilities` and
// `initializationOptions` stand in for other editors.
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough } from 'node:stream';
import {
  type ClientCapabilities,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  InitializedNotification,
  InitializeRequest,
  type InitializeResult,
  type ProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  LogMessageNotification,
} from 'vscode-languageserver-protocol/node';
import { createConnection } from 'vscode-languageserver/node';
import { startServer } from '../../server/src/server';

export interface Harness {
  client: ProtocolConnection;
  initializeResult: InitializeResult;
  /** Everything the server logged (window/logMessage). */
  logs: string[];
  /** Replace the settings the server pulls and tell it they changed. */
  setSettings(settings: Record<string, unknown>): void;
  dispose(): Promise<void>;
}

export interface HarnessOptions {
  /** The `comfyModels` settings section answered to workspace/configuration. */
  settings?: Record<string, unknown>;
  /** initializationOptions.storagePath. */
  storagePath?: string;
  workspaceFolders?: { uri: string; name: string }[];
  /** Register handlers on the client before it initializes (e.g. workspace/applyEdit). */
  beforeInitialize?(client: ProtocolConnection): void;
  /** The client's capabilities; default: what VS Code declares for the features the server uses. */
  capabilities?: ClientCapabilities;
  /** Replaces the default `{ storagePath, vscodeClient: true }` (our VS Code client's options). */
  initializationOptions?: Record<string, unknown>;
  /** The in-memory server's clock (refresh requests given up on). */
  now?: () => number;
  /** Declare textDocument.codeAction.resolveSupport for 'edit' (as VS Code does). */
  resolvesCodeActions?: boolean;
}

/** The capabilities of our VS Code client, as far as the server looks at them. */
export const VSCODE_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceEdit: { documentChanges: true, resourceOperations: ['create'] },
    diagnostics: { refreshSupport: true },
    codeLens: { refreshSupport: true },
  },
  textDocument: { diagnostic: { dynamicRegistration: false }, hover: { contentFormat: ['markdown', 'plaintext'] } },
  window: { workDoneProgress: true },
};

/** VS Code's capabilities plus code actions whose edits are resolved on apply (as VS Code declares). */
const RESOLVING_CAPABILITIES: ClientCapabilities = {
  ...VSCODE_CAPABILITIES,
  textDocument: { ...VSCODE_CAPABILITIES.textDocument, codeAction: { dataSupport: true, resolveSupport: { properties: ['edit'] } } },
};

async function handshake(client: ProtocolConnection, options: HarnessOptions, onDispose: () => Promise<void>): Promise<Harness> {
  let settings = options.settings ?? {};
  const logs: string[] = [];
  client.onNotification(LogMessageNotification.type, (p) => {
    logs.push(p.message);
  });
  client.onRequest(ConfigurationRequest.type, (params) => params.items.map((i) => (i.section === 'comfyModels' ? settings : null)));
  client.onRequest('client/registerCapability', () => null);
  client.onRequest('window/workDoneProgress/create', () => null);
  client.onRequest('workspace/diagnostic/refresh', () => null);
  client.onRequest('workspace/codeLens/refresh', () => null);
  options.beforeInitialize?.(client);
  client.listen();
  const initializeResult = await client.sendRequest(InitializeRequest.type, {
    // No processId: the server would otherwise watch this test process with an interval timer.
    processId: null,
    rootUri: options.workspaceFolders?.[0]?.uri ?? null,
    workspaceFolders: options.workspaceFolders ?? null,
    capabilities: options.capabilities ?? (options.resolvesCodeActions ? RESOLVING_CAPABILITIES : VSCODE_CAPABILITIES),
    initializationOptions: options.initializationOptions ?? { ...(options.storagePath ? { storagePath: options.storagePath } : {}), vscodeClient: true },
  });
  await client.sendNotification(InitializedNotification.type, {});
  return {
    client,
    initializeResult,
    logs,
    setSettings(next) {
      settings = next;
      void client.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    },
    dispose: onDispose,
  };
}

/** The server in this process, over in-memory streams. */
export async function startInMemory(options: HarnessOptions = {}): Promise<Harness> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverConnection = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  startServer(serverConnection, { version: 'test', defaultIndexPath: options.storagePath ? `${options.storagePath}/index.sqlite` : '/nonexistent/index.sqlite', now: options.now });
  const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  return handshake(client, options, async () => {
    await client.sendRequest('shutdown').catch(() => undefined);
    client.dispose();
    serverConnection.dispose();
  });
}

/** The bundled server (server/dist/server.js) as a child process over stdio. */
export async function startStdio(serverJs: string, options: HarnessOptions = {}): Promise<Harness & { child: ChildProcess; stdoutNoise: () => string }> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const client = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const harness = await handshake(client, options, async () => {
    await client.sendRequest('shutdown').catch(() => undefined);
    await client.sendNotification('exit').catch(() => undefined);
    await exited;
    client.dispose();
  });
  return Object.assign(harness, { child, stdoutNoise: () => stderr });
}
