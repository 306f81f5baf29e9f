// UI-level checks of the language features: the red squiggle under a missing model name in the open
// workflow (left open by the in-host suite), and the hover that appears over it. Each check also
// keeps a screenshot of what it saw in test/e2e/.artifacts/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from '../paths.mjs';

const VISIBLE = { state: 'visible', timeout: 30_000 };
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
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('.monaco-hover').filter({ hasText: /not found in the model index/ }).first().waitFor(VISIBLE);
    await keep(page, 'missing-model-hover');
  },
};
