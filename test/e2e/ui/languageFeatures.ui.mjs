// UI-level checks of the language features: the red squiggle under a missing model name in the open
// workflow (left open by the in-host suite), and the hover that appears over it.
const VISIBLE = { state: 'visible', timeout: 30_000 };

export default {
  'a missing model name has a red squiggle in the editor': async (page) => {
    await page.locator('.monaco-editor .view-overlays .squiggly-error').first().waitFor(VISIBLE);
  },

  'hovering the squiggle shows the model information': async (page) => {
    const squiggle = page.locator('.monaco-editor .view-overlays .squiggly-error').first();
    await squiggle.waitFor(VISIBLE);
    const box = await squiggle.boundingBox();
    if (!box) throw new Error('the squiggle has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.locator('.monaco-hover').filter({ hasText: /not found in the model index/ }).first().waitFor(VISIBLE);
  },
};
