// UI-level check of the "Get Started with Comfy Models" walkthrough (Playwright), after the in-host suite
// and the other UI checks: by then the user has done all five steps (a model folder is configured, the
// suite opened workflows, fixed one by downloading its model, and the sidebar check searched the models).
// Opened from the command palette as a user would, the walkthrough lists its five steps and shows each
// of them checked from that state — not 0/5. A screenshot goes to test/e2e/.artifacts/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from '../paths.mjs';

const VISIBLE = { state: 'visible' };
const TITLE = 'Get Started with Comfy Models';
const STEPS = ['Add your model folder', 'Open a workflow', 'Fix a missing model', 'Download a model', 'Search your models'];

/** Run a command from the palette. No Escape first: in the walkthrough, Escape goes back to the welcome page. */
async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget');
  // F1 while an earlier quick input is still closing would be lost.
  await input.waitFor({ state: 'hidden' });
  await page.keyboard.press('F1');
  await input.locator('input').fill(`>${title}`);
  await input.locator('.monaco-list-row', { hasText: title }).first().waitFor(VISIBLE);
  await page.keyboard.press('Enter');
  return input;
}

export default {
  'the walkthrough opens from the command palette and shows the five steps done before it opened as done': async (page) => {
    await page.keyboard.press('Escape');
    const input = await runCommand(page, 'Welcome: Open Walkthrough');
    await input.locator('.monaco-list-row', { hasText: TITLE }).first().click();
    const walkthrough = page.locator('.gettingStartedContainer');
    await walkthrough.getByText(TITLE).first().waitFor(VISIBLE);
    await walkthrough.locator('.getting-started-step h3').nth(STEPS.length - 1).waitFor({ state: 'attached' });
    const titles = await walkthrough.locator('.getting-started-step h3').allTextContents();
    assert.deepEqual(titles.map((t) => t.trim()), STEPS);
    const checked = (step) => walkthrough.locator('.getting-started-step', { hasText: step }).locator('.codicon-getting-started-step-checked').first();
    for (const step of STEPS) await checked(step).waitFor(VISIBLE);
    mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: join(artifactsDir, 'walkthrough.png') });
  },
};
