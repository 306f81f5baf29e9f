// `npm start`: build and package the extension, install code-server on first run, start the loopback
// CivitAI / Hugging Face stand-ins (the demo's downloads come from them: it works offline), generate the
// demo workspace, install the .vsix into a dedicated extensions folder and serve VS Code on
// http://127.0.0.1:$PORT (default 8080) until Ctrl-C.
import { join } from 'node:path';
import { workbenchUrl } from './browser.mjs';
import { codeServerDirs, installExtension, startCodeServer } from './codeServer.mjs';
import { writeDemoWorkspace } from './demo.mjs';
import { ensureCodeServer } from './installCodeServer.mjs';
import { packageAndCheck } from './package.mjs';
import { startDownloadStandIns } from './standIns.mjs';
import { cacheRoot } from './paths.mjs';

const port = Number(process.env.PORT || 8080);

try {
  ensureCodeServer();
  const { vsixPath } = packageAndCheck();
  const standIns = await startDownloadStandIns();
  const fixture = await writeDemoWorkspace(undefined, { downloads: standIns.downloads });
  const dirs = codeServerDirs(join(cacheRoot, 'demo-code-server'));
  installExtension(dirs, vsixPath);
  const server = await startCodeServer({ folder: fixture.folder, dirs, port });
  // Opens on the workflow with a missing model; the extension shows its sidebar on its first run.
  const url = workbenchUrl(server, fixture.folder, undefined, { openFile: fixture.workflows.missing });
  console.log(`\nComfy Models demo is running in VS Code (code-server):\n\n    ${url}\n\nWorkspace: ${fixture.folder}\nModels:    ${fixture.modelsDir}\nDownloads: CivitAI and Hugging Face stand-ins on ${new URL(standIns.downloads.huggingFaceEndpoint).origin} (offline)\nPress Ctrl-C to stop.`);
  const stop = async () => {
    await server.stop();
    await standIns.close();
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
