// UI-level check of the report panels (Playwright): "Comfy Models: Library Health" from the palette opens
// a read-only panel that follows the theme — its headings, the summary, Reveal buttons — in a webview
// tab, not an Untitled editor. A screenshot goes to test/e2e/.artifacts/; the panel is closed after.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from '../paths.mjs';

const VISIBLE = { state: 'visible' };

export default {
  '"Library Health" opens a read-only report panel with its sections and buttons': async (page) => {
    const input = page.locator('.quick-input-widget');
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden' });
    await page.keyboard.press('F1');
    await input.locator('input').fill('>Comfy Models: Library Health');
    await input.locator('.monaco-list-row', { hasText: 'Comfy Models: Library Health' }).first().waitFor(VISIBLE);
    await page.keyboard.press('Enter');
    const tab = page.locator('.tabs-container .tab.active', { hasText: 'Library Health' });
    await tab.waitFor(VISIBLE);
    // A webview: the page sits in an iframe inside an iframe; no dirty mark on its tab.
    const view = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await view.locator('h1', { hasText: 'Model library health' }).waitFor(VISIBLE);
    await view.locator('h2', { hasText: 'Unused models' }).waitFor(VISIBLE);
    await view.locator('button', { hasText: 'Reveal' }).first().waitFor(VISIBLE);
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
    mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: join(artifactsDir, 'library-health.png') });
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await tab.waitFor({ state: 'detached' });
  },
};
