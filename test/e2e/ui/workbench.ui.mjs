// UI-level checks on the workbench page (Playwright). Each entry is one check: `async (page, env)`,
// where env = { fixture, consoleErrors }. They run after the in-host suite, in the same window.
import assert from 'node:assert/strict';

const VISIBLE = { state: 'visible' };

export default {
  'the activity bar shows the Comfy Models container': async (page) => {
    await page.locator('.activitybar .action-item a[aria-label^="Comfy Models"]').waitFor(VISIBLE);
  },

  'the status bar shows the index status': async (page) => {
    await page.locator('.statusbar-item').filter({ hasText: /Comfy Models: [\d,]+ models?/ }).first().waitFor(VISIBLE);
  },

  'the workbench reported no extension activation error': async (page, { consoleErrors }) => {
    const failure = /Activating extension .* failed|Comfy Models: the language server failed/i;
    const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
    assert.deepEqual(toasts.filter((t) => failure.test(t)), [], 'error notification');
    assert.deepEqual(consoleErrors.filter((t) => failure.test(t)), [], 'workbench console');
  },
};
