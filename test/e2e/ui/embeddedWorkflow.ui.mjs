// UI-level checks of sharing (state left by suite/share.e2e.ts): the Manifest Report tree with its
// statuses, and the red squiggle in the workflow embedded in a PNG, opened read-only in the second
// editor group. Screenshots of both are kept in test/e2e/.artifacts/. The last check closes that
// editor so the language-feature checks that follow see only their own workflow.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from '../paths.mjs';

const VISIBLE = { state: 'visible' };
const EMBEDDED_TAB = 'ComfyUI_00042_.png.workflow.json';

async function keep(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
}

export default {
  'the Manifest Report shows each model with its status': async (page) => {
    const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Manifest Report' }) });
    const row = (name, status) => pane.locator('.monaco-list-row').filter({ hasText: name }).filter({ hasText: status }).first().waitFor(VISIBLE);
    await row('sd_xl_base_1.0.safetensors', 'present');
    await row('dreamshaper_8.safetensors', 'same name — confirm');
    await row('ip-adapter.bin', 'downloadable');
    await row('gone-forever.safetensors', 'missing');
    await pane.locator('.monaco-list-row').filter({ hasText: '1 present, 1 downloadable' }).first().waitFor(VISIBLE);
    await keep(page, 'manifest-report');
  },

  'a Manifest Report row has a context menu with its action': async (page) => {
    const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: 'Manifest Report' }) });
    await pane.locator('.monaco-list-row').filter({ hasText: 'ip-adapter.bin' }).first().click({ button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.locator('.action-label', { hasText: /^Download$/ }).first().waitFor(VISIBLE);
    await keep(page, 'manifest-report-context-menu');
    await page.keyboard.press('Escape');
    await menu.waitFor({ state: 'detached' });
  },

  'the workflow embedded in a PNG has a red squiggle under its missing model': async (page) => {
    const group = page.locator('.editor-group-container').filter({ has: page.locator('.tab.active', { hasText: EMBEDDED_TAB }) });
    await group.locator('.monaco-editor .view-overlays .squiggly-error').first().waitFor(VISIBLE);
    await keep(page, 'embedded-workflow-squiggle');
    const tab = group.locator('.tab', { hasText: EMBEDDED_TAB });
    await tab.hover();
    await tab.locator('.tab-actions .action-label').first().click();
    await group.waitFor({ state: 'detached' });
  },
};
