// UI-level check of what a model says about itself: in the demo workflow where an SDXL checkpoint
// feeds an SD 1.5 LoRA, the LoRA's name has a warning squiggle, and hovering it shows the hover
// widget with the LoRA's base model and its preview image. Keeps a screenshot in test/e2e/.artifacts/.
// Runs after languageFeatures.ui.mjs (file name order): it opens another editor.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { artifactsDir } from '../paths.mjs';

const VISIBLE = { state: 'visible' };
const WARNING = '.monaco-editor .view-overlays .squiggly-warning';

async function keep(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
}

export default {
  'hovering the SD 1.5 LoRA in the mismatch workflow shows its base model and preview image': async (page, { fixture }) => {
    const workflow = basename(fixture.workflows.baseMismatch);
    const lora = basename(fixture.models.sd15Lora.relativePath);
    // Open the workflow with Quick Open, as a user would.
    await page.keyboard.press('Escape');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor(VISIBLE);
    await page.keyboard.type(workflow);
    // Enter opens the focused row: wait until the filtered list focuses the workflow.
    await page.locator('.quick-input-widget .monaco-list-row.focused', { hasText: workflow }).first().waitFor(VISIBLE);
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: workflow }).waitFor(VISIBLE);
    // The LoRA is below the fold: go to its line (Ctrl+G), which scrolls it into view.
    const lineNumber = readFileSync(fixture.workflows.baseMismatch, 'utf8').split('\n').findIndex((l) => l.includes(lora)) + 1;
    assert.ok(lineNumber > 0, 'the LoRA is in the workflow');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor(VISIBLE);
    await page.keyboard.type(String(lineNumber));
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: String(lineNumber) }).first().waitFor(VISIBLE);
    await page.keyboard.press('Enter');
    const line = page.locator('.monaco-editor .view-line').filter({ hasText: lora }).first();
    await line.waitFor(VISIBLE);
    // The base-model-mismatch squiggle under the LoRA's name (the workflow's only diagnostic).
    const squiggle = page.locator(WARNING).first();
    await squiggle.waitFor(VISIBLE);
    const box = await squiggle.boundingBox();
    if (!box) throw new Error('the warning squiggle has no box');
    const lineBox = await line.boundingBox();
    assert.ok(lineBox && Math.abs(box.y + box.height / 2 - (lineBox.y + lineBox.height / 2)) < lineBox.height, 'the warning is on the LoRA line');
    // Come from outside the editor in steps: the hover needs real mouse movement over the word.
    await page.mouse.move(5, 5);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
    const hover = page.locator('.monaco-hover').filter({ hasText: /Base model\s*SD 1\.x/ }).first();
    await hover.waitFor(VISIBLE);
    assert.match(await hover.innerText(), /base-model-mismatch|is for SD 1\.x/, 'the warning shows in the same hover');
    // The preview: an <img> whose picture was loaded (a broken image has no natural width).
    const img = hover.locator('img').first();
    await img.waitFor(VISIBLE);
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    assert.match(await img.getAttribute('src'), /watercolor-sd15\.preview\.png/);
    await keep(page, 'lora-base-model-hover');
  },
};
