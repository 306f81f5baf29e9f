// UI-level checks of the language features: the red squiggle under a missing model name in the open
// workflow (left open by the in-host suite), and the hover that appears over it. Each check also
// keeps a screenshot of what it saw in test/e2e/.artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from '../paths.mjs';

const VISIBLE = { state: 'visible' };
const SQUIGGLE = '.monaco-editor .view-overlays .squiggly-error';

async function keep(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
}

export default {
  'a missing model name has a red squiggle in the editor': async (page) => {
    await page.locator(SQUIGGLE).first().waitFor(VISIBLE);
    await keep(page, 'missing-model-squiggle');
  },

  'hovering the squiggle shows the model information': async (page) => {
    const squiggle = page.locator(SQUIGGLE).first();
    await squiggle.waitFor(VISIBLE);
    const box = await squiggle.boundingBox();
    if (!box) throw new Error('the squiggle has no box');
    // Come from outside the editor in steps: the hover needs real mouse movement over the word.
    await page.mouse.move(5, 5);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
    await page.locator('.monaco-hover').filter({ hasText: /not found in the model index/ }).first().waitFor(VISIBLE);
    await keep(page, 'missing-model-hover');
  },

  'the quick fix "Search model index…" replaces the name with the model picked in the quick pick': async (page) => {
    const squiggle = page.locator(SQUIGGLE).first();
    const box = await squiggle.boundingBox();
    if (!box) throw new Error('the squiggle has no box');
    await page.keyboard.press('Escape');
    await page.mouse.click(box.x + 4, box.y + box.height / 2);
    await page.keyboard.press('Control+Period');
    // The quick-fix menu takes keys (a pointer block covers it): walk down from the focused first entry.
    const rows = page.locator('.action-widget .monaco-list-row.action');
    await rows.filter({ hasText: 'Search model index…' }).first().waitFor(VISIBLE);
    const titles = await rows.allInnerTexts();
    const target = titles.findIndex((t) => t.includes('Search model index…'));
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
    await rows.and(page.locator('.focused')).filter({ hasText: 'Search model index…' }).first().waitFor(VISIBLE);
    await page.keyboard.press('Enter');
    const input = page.locator('.quick-input-widget');
    await input.locator('.monaco-list-row').filter({ hasText: 'checkpoints/dreamshaper_8.safetensors' }).first().waitFor(VISIBLE);
    await keep(page, 'search-model-index');
    await page.keyboard.type('dreamshaper');
    await input.locator('.monaco-list-row').filter({ hasText: 'checkpoints/dreamshaper_8.safetensors' }).first().click();
    await input.locator('.monaco-list-row').filter({ hasText: "Replace in workflow with 'dreamshaper_8.safetensors'" }).first().click();
    await page.locator('.monaco-editor .view-line').filter({ hasText: '"dreamshaper_8.safetensors"' }).first().waitFor(VISIBLE);
    await page.locator(SQUIGGLE).first().waitFor({ state: 'detached' });
  },
};
