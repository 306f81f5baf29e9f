// The demo project `npm start` and the README screenshot open: the generated workspace of
// workspace.mjs in .cache/demo-workspace, regenerated on every run so it always shows the same state.
// With `downloads` (npm start's loopback stand-ins, standIns.mjs) its download URLs and provider
// settings point at 127.0.0.1, so the demo's downloads finish offline; without, at the real hosts.
//
//   node test/e2e/demo.mjs   (writes it and prints where)
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheRoot } from './paths.mjs';
import { writeWorkspace } from './workspace.mjs';

export const demoWorkspace = join(cacheRoot, 'demo-workspace');

export function writeDemoWorkspace(root = demoWorkspace, { downloads } = {}) {
  return writeWorkspace(root, { downloads });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const fixture = await writeDemoWorkspace();
  console.log(`Demo workspace written to ${fixture.folder} (models in ${fixture.modelsDir})`);
}
