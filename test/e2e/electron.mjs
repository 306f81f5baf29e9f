// The same in-host suite in a desktop VS Code downloaded by @vscode/test-electron, for machines that
// reach the VS Code update service (this project's own CI does not; it uses code-server).
// `npm run test:electron` — builds first; prints `e2e-electron: N passed, N failed`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from './paths.mjs';
import { writeWorkspace } from './workspace.mjs';

const e2eDir = mkdtempSync(join(tmpdir(), 'comfy-e2e-electron-'));
const fixture = await writeWorkspace(join(e2eDir, 'workspace'));
writeFileSync(join(e2eDir, 'fixture.json'), JSON.stringify(fixture, null, 2));
// No UI-level checks here: tell the suite not to wait for them.
writeFileSync(join(e2eDir, 'ui-done'), '');

let code = 1;
try {
  code = await runTests({
    version: process.env.COMFY_E2E_VSCODE_VERSION || '1.100.3',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(repoRoot, 'out', 'test', 'e2e', 'suite', 'index.js'),
    extensionTestsEnv: { COMFY_E2E_DIR: e2eDir },
    launchArgs: [fixture.folder, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`Could not run VS Code (desktop): ${err instanceof Error ? err.message : err}`);
  console.error('It is downloaded from the VS Code update service; without internet use `npm run test:e2e` (code-server).');
}
let passed = 0;
let failed = 0;
try {
  for (const r of JSON.parse(readFileSync(join(e2eDir, 'results.json'), 'utf8')).results) {
    console.log(`${r.ok ? '  ✔' : '  ✖'} ${r.name}${r.ok ? '' : `\n${r.error}`}`);
    r.ok ? passed++ : failed++;
  }
} catch {
  failed = Math.max(failed, 1);
}
rmSync(e2eDir, { recursive: true, force: true });
console.log(`e2e-electron: ${passed} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
