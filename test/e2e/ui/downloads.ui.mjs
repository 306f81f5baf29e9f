// UI-level checks of the downloads (Playwright), after the in-host suite: the plan dialog of "Download
// Missing Models" (left open by the suite, dismissed here), the task terminal with the verified hash,
// and the Downloads view listing the finished download. Screenshots go to test/e2e/.artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from '../paths.mjs';

const VISIBLE = { state: 'visible', timeout: 30_000 };

async function keep(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
}

export default {
  '"Download Missing Models" shows its plan in a dialog (model, size, target, total, free space)': async (page) => {
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.filter({ hasText: /Download 1 missing model\?/ }).waitFor(VISIBLE);
    await dialog.filter({ hasText: /clip_l_demo\.safetensors/ }).filter({ hasText: /Total: / }).filter({ hasText: /Free space in / }).waitFor(VISIBLE);
    await keep(page, 'download-missing-plan');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  },

  'the task terminal shows the verified hash': async (page) => {
    await page.locator('.terminal-wrapper, .xterm').first().waitFor(VISIBLE);
    await page.locator('.xterm-rows').filter({ hasText: /\(verified\)/ }).first().waitFor(VISIBLE);
    await keep(page, 'download-task-terminal');
  },

  'the Downloads view lists the finished download': async (page) => {
    const row = page.locator('.monaco-list-row').filter({ hasText: 'flux_ae.safetensors' }).filter({ hasText: /finished/ });
    await row.first().waitFor(VISIBLE);
    await keep(page, 'downloads-view');
  },
};
