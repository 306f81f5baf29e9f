// UI-level checks of the downloads (Playwright), after the in-host suite: the plan of "Download Missing
// Models" (a QuickPick left open by the suite, dismissed here), the task terminal with the verified hash,
// and the Downloads view listing the finished download. Screenshots go to test/e2e/.artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from '../paths.mjs';

const VISIBLE = { state: 'visible' };

async function keep(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
}

export default {
  '"Download Missing Models" shows its plan (model, size, host, target folder, total, free space), and a model\'s target folder can be changed': async (page) => {
    const widget = page.locator('.quick-input-widget');
    await widget.filter({ hasText: /Download Missing Models — Total .* free in / }).waitFor(VISIBLE);
    const clip = widget.locator('.monaco-list-row').filter({ hasText: 'clip_l_demo.safetensors' });
    await clip.filter({ hasText: /→ .*\/models\/text_encoders/ }).first().waitFor(VISIBLE);
    await keep(page, 'download-missing-plan');
    // The folder button of a model: the folders it may go to; picking the second model root sends it there.
    await clip.first().hover();
    await clip.first().locator('.action-label[aria-label="Change Target Folder"]').click();
    await widget.filter({ hasText: 'Target folder for clip_l_demo.safetensors' }).waitFor(VISIBLE);
    const second = widget.locator('.monaco-list-row').filter({ hasText: /\/models-2\/text_encoders/ }).first();
    await keep(page, 'download-missing-plan-folders');
    await second.click();
    await clip.filter({ hasText: /→ .*\/models-2\/text_encoders/ }).first().waitFor(VISIBLE);
    await widget.filter({ hasText: /Download Missing Models — Total .* free in .*models-2/ }).waitFor(VISIBLE);
    await keep(page, 'download-missing-plan-changed');
    await page.keyboard.press('Escape');
    await widget.waitFor({ state: 'hidden' });
  },

  // The terminal's text is drawn on a canvas (the in-host test reads it through the pseudoterminal):
  // here the task's terminal is found by its title and kept as a screenshot.
  'the download task has its terminal in the panel': async (page) => {
    // Earlier tasks (the share suite's) may have terminals of their own: the visible one is the newest.
    await page.locator('.xterm >> visible=true').first().waitFor(VISIBLE);
    await page.locator('.panel').getByText('Download flux_ae.safetensors').first().waitFor(VISIBLE);
    await keep(page, 'download-task-terminal');
  },

  'the Downloads view lists the finished download': async (page) => {
    const row = page.locator('.monaco-list-row').filter({ hasText: 'flux_ae.safetensors' }).filter({ hasText: /finished/ });
    await row.first().waitFor(VISIBLE);
    await keep(page, 'downloads-view');
  },

  'a finished download\'s context menu offers Reveal (and Remove)': async (page) => {
    const row = page.locator('.monaco-list-row').filter({ hasText: 'flux_ae.safetensors' }).filter({ hasText: /finished/ }).first();
    await row.click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.locator('.action-label', { hasText: 'Reveal Downloaded File' }).first().waitFor(VISIBLE);
    await menu.locator('.action-label', { hasText: 'Remove from List' }).first().waitFor(VISIBLE);
    await keep(page, 'downloads-context-menu');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
  },
};
