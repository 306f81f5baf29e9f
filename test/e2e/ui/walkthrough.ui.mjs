// UI-level check of the "Get Started with Comfy Models" walkthrough (Playwright), after the in-host suite
// and the other UI checks: opened from the command palette as a user would, it lists its five steps, and
// a step done while it is open gets its check (Search Models from the palette; the step's own "Add Model
// Folder…" button, whose folder dialog is cancelled: running the command is the step). A screenshot goes to test/e2e/.artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from '../paths.mjs';

const VISIBLE = { state: 'visible', timeout: 30_000 };
const TITLE = 'Get Started with Comfy Models';
const STEPS = ['Add your model folder', 'Open a workflow', 'Fix a missing model', 'Download a model', 'Search your models'];

/** Run a command from the palette. No Escape first: in the walkthrough, Escape goes back to the welcome page. */
async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget');
  // F1 while an earlier quick input is still closing would be lost.
  await input.waitFor({ state: 'hidden', timeout: 30_000 });
  await page.keyboard.press('F1');
  await input.locator('input').fill(`>${title}`);
  await input.locator('.monaco-list-row', { hasText: title }).first().waitFor(VISIBLE);
  await page.keyboard.press('Enter');
  return input;
}

export default {
  'the walkthrough opens from the command palette, lists its steps and checks the ones done while it is open': async (page) => {
    await page.keyboard.press('Escape');
    const input = await runCommand(page, 'Welcome: Open Walkthrough');
    await input.locator('.monaco-list-row', { hasText: TITLE }).first().click();
    const walkthrough = page.locator('.gettingStartedContainer');
    await walkthrough.getByText(TITLE).first().waitFor(VISIBLE);
    await walkthrough.locator('.getting-started-step h3').nth(STEPS.length - 1).waitFor({ state: 'attached', timeout: 30_000 });
    const titles = await walkthrough.locator('.getting-started-step h3').allTextContents();
    assert.deepEqual(titles.map((t) => t.trim()), STEPS);
    const checked = (step) => walkthrough.locator('.getting-started-step', { hasText: step }).locator('.codicon-getting-started-step-checked').first();

    await runCommand(page, 'Comfy Models: Search Models');
    await input.locator('.quick-input-title', { hasText: 'Search Models' }).waitFor(VISIBLE);
    await page.keyboard.press('Escape');
    await checked('Search your models').waitFor(VISIBLE);

    // The step's own button runs the command (its folder dialog cancelled: running it is the step).
    await walkthrough.locator('.getting-started-step', { hasText: 'Add your model folder' }).locator('h3').click();
    await walkthrough.getByRole('button', { name: 'Add Model Folder…', exact: true }).click();
    // The folder dialog: in the browser, a quick input whose button says what the command asked for.
    await input.locator('.monaco-button', { hasText: 'Add Model Folder' }).first().waitFor(VISIBLE);
    await page.keyboard.press('Escape');
    await checked('Add your model folder').waitFor(VISIBLE);
    mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: join(artifactsDir, 'walkthrough.png') });
  },
};
