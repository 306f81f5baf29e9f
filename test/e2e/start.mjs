// `npm start`: build and package the extension, install code-server on first run, generate the demo
// workspace, install the .vsix into a dedicated extensions folder and serve VS Code on
// http://127.0.0.1:$PORT (default 8080) until Ctrl-C.
import { join } from 'node:path';
import { workbenchUrl } from './browser.mjs';
import { codeServerDirs, installExtension, startCodeServer } from './codeServer.mjs';
import { writeDemoWorkspace } from './demo.mjs';
import { ensureCodeServer } from './installCodeServer.mjs';
import { packageAndCheck } from './package.mjs';
import { cacheRoot } from './paths.mjs';

const port = Number(process.env.PORT || 8080);

try {
  ensureCodeServer();
  const { vsixPath } = packageAndCheck();
  const fixture = await writeDemoWorkspace();
  const dirs = codeServerDirs(join(cacheRoot, 'demo-code-server'));
  installExtension(dirs, vsixPath);
  const server = await startCodeServer({ folder: fixture.folder, dirs, port });
  // Opens on the workflow with a missing model; the extension shows its sidebar on its first run.
  const url = workbenchUrl(server, fixture.folder, undefined, { openFile: fixture.workflows.missing });
  console.log(`\nComfy Models demo is running in VS Code (code-server):\n\n    ${url}\n\nWorkspace: ${fixture.folder}\nModels:    ${fixture.modelsDir}\nPress Ctrl-C to stop.`);
  const stop = async () => {
    await server.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const code = await server.exited;
  console.error(`code-server stopped (${code}).`);
  process.exit(1);
} catch (err) {
  console.error(`\nnpm start failed: ${err.message}`);
  process.exit(1);
}
