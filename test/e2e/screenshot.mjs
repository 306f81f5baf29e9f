// Takes the README screenshot (media/screenshot.png) from the real VS Code: the packaged extension
// installed into code-server, the demo workspace open, the Comfy Models sidebar (Models and Workflows
// views expanded) and a workflow with a missing model in the editor.
// Re-run it whenever the UI changes:  node test/e2e/screenshot.mjs
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, workbenchUrl } from './browser.mjs';
import { codeServerDirs, installExtension, startCodeServer } from './codeServer.mjs';
import { writeDemoWorkspace } from './demo.mjs';
import { ensureCodeServer } from './installCodeServer.mjs';
import { packageAndCheck } from './package.mjs';
import { repoRoot } from './paths.mjs';

const output = join(repoRoot, 'media', 'screenshot.png');
const WORKFLOW = 'dreamshaper-missing.json';
const VISIBLE = { state: 'visible', timeout: 60_000 };

ensureCodeServer();
const { vsixPath } = packageAndCheck();
const fixture = await writeDemoWorkspace(join(tmpdir(), `comfy-screenshot-${process.pid}`, 'comfy-project'));
const dirs = codeServerDirs();
let server;
let browser;
try {
  installExtension(dirs, vsixPath);
  server = await startCodeServer({ folder: fixture.folder, dirs });
  browser = await launchBrowser({ viewport: { width: 1280, height: 760 } });
  const { page } = browser;
  // The demo's URL: the workflow with a missing model open, the Comfy Models sidebar shown on first run.
  await page.goto(workbenchUrl(server, fixture.folder, undefined, { openFile: fixture.workflows.missing }));
  const status = page.locator('.statusbar-item').filter({ hasText: /Comfy Models: [\d,]+ models?/ }).first();
  await status.waitFor(VISIBLE);
  await page.locator('.monaco-editor .view-lines', { hasText: 'dreamshaper_8_pruned' }).waitFor(VISIBLE);
  await page.locator('.statusbar-item', { hasText: 'Activating Extensions' }).waitFor({ state: 'hidden', timeout: 60_000 });
  // The explorer: a category of the Models view and the workflow's references expanded.
  const pane = (title) => page.locator('.pane', { has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });
  const expand = async (view, text) => {
    const row = pane(view).locator('.monaco-list-row', { hasText: text }).first();
    await row.waitFor(VISIBLE);
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
  };
  await expand('Models', 'checkpoints');
  await pane('Models').locator('.monaco-list-row', { hasText: 'dreamshaper_8.safetensors' }).waitFor(VISIBLE);
  await expand('Workflows', WORKFLOW);
  await pane('Workflows').locator('.monaco-list-row', { hasText: 'dreamshaper_8_pruned.safetensors' }).waitFor(VISIBLE);
  // The missing checkpoint's squiggle, hovered: the diagnostic and its quick fixes show.
  const squiggle = page.locator('.monaco-editor .squiggly-error').first();
  await squiggle.waitFor({ state: 'attached', timeout: 60_000 });
  const box = await squiggle.boundingBox();
  await page.mouse.move(5, 5);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
  await page.locator('.monaco-hover', { hasText: 'dreamshaper' }).first().waitFor(VISIBLE);
  await page.screenshot({ path: output });
  console.log(`Saved ${output} (${Math.round(statSync(output).size / 1024)} KB)`);
} finally {
  await browser?.close();
  await server?.stop();
  rmSync(dirs.base, { recursive: true, force: true });
  rmSync(join(fixture.folder, '..'), { recursive: true, force: true });
}
