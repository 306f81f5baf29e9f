// Entry the workbench loads as `extensionTestsPath`: loads every `*.e2e.js` beside this file (each
// registers its tests), runs them, then waits until the outer harness finished its UI checks on the
// same window before settling — VS Code stops the extension host as soon as run() settles.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { e2eDir, UI_DONE_FILE } from './context';
import { runRegistered, test } from './harness';

function waitForFile(dir: string, name: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = fs.watch(dir, () => {
      if (fs.existsSync(path.join(dir, name))) {
        watcher.close();
        resolve();
      }
    });
    if (fs.existsSync(path.join(dir, name))) {
      watcher.close();
      resolve();
    }
  });
}

export async function run(): Promise<void> {
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.e2e.js')).sort()) {
    try {
      require(path.join(__dirname, file));
    } catch (err) {
      // A file that does not load is a failed test, not a silent gap.
      test(`load ${file}`, () => {
        throw err;
      });
    }
  }
  const failed = await runRegistered();
  await waitForFile(e2eDir(), UI_DONE_FILE);
  if (failed) throw new Error(`${failed} in-host test(s) failed`);
}
