// UI-level checks of the Comfy Models sidebar and search palette, each keeping a screenshot in
// test/e2e/.artifacts/: the Models view's categories with counts, the Workflows view's statuses and
// references, the palette finding a model by part of its name and by a hash prefix, and a generated
// 100,000-model library whose biggest category is expanded (the time is logged, not asserted).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir } from '../paths.mjs';

const VISIBLE = { state: 'visible' };
/** Switching to (and from) the big library re-syncs 100,000 files on a shared machine. */
const SYNCED = { state: 'visible' };

async function keep(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
}

const pane = (page, title) => page.locator('.pane', { has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${title}$`, 'i') }) });
const row = (scope, text) => scope.locator('.monaco-list-row', { hasText: text }).first();

/** Show the Comfy Models container (clicking its activity bar item when it is not the open one). */
async function openSidebar(page) {
  const item = page.locator('.activitybar .action-item', { has: page.locator('a[aria-label^="Comfy Models"]') }).first();
  await item.waitFor(VISIBLE);
  if (!(await item.getAttribute('class')).includes('checked')) await item.click();
  await pane(page, 'Models').waitFor(VISIBLE);
}

/** Collapse every expanded pane of the open container but `title`; returns their headers (a click expands them again). */
async function collapseOtherPanes(page, title) {
  const headers = [];
  for (const header of await page.locator('.sidebar .pane-header').all()) {
    const name = (await header.locator('h3.title').textContent())?.trim() ?? '';
    if (name.toLowerCase() === title.toLowerCase() || (await header.getAttribute('aria-expanded')) !== 'true') continue;
    await header.locator('h3.title').click();
    headers.push(header.locator('h3.title'));
  }
  return headers;
}

async function expand(rowLocator) {
  if ((await rowLocator.getAttribute('aria-expanded')) !== 'true') await rowLocator.locator('.monaco-tl-twistie').click();
}

export default {
  'the Models view shows the demo library: categories with counts, then a category\'s models': async (page) => {
    await openSidebar(page);
    const models = pane(page, 'Models');
    // vae: the demo's VAE and flux_ae.safetensors, which the in-host downloads suite fetched before these checks.
    for (const [category, count] of [['checkpoints', '2'], ['loras', '3'], ['upscale_models', '1'], ['vae', '2']]) {
      await models.locator('.monaco-list-row', { hasText: category }).filter({ hasText: count }).first().waitFor(VISIBLE);
    }
    await expand(row(models, 'checkpoints'));
    await row(models, 'sd_xl_base_1.0.safetensors').waitFor(VISIBLE);
    await row(models, 'dreamshaper_8.safetensors').waitFor(VISIBLE);
    await keep(page, 'models-view');
  },

  'the Workflows view lists the workspace workflows with their status and expands one to its references': async (page) => {
    await openSidebar(page);
    const workflows = pane(page, 'Workflows');
    // export-0001.json was written by the in-host suite: a workflow found by content, with a missing LoRA.
    const exported = row(workflows, 'export-0001.json');
    await exported.filter({ hasText: '1 model · 1 missing' }).waitFor(VISIBLE);
    await row(workflows, 'sdxl-all-present.json').filter({ hasText: '3 models' }).waitFor(VISIBLE);
    const wrongFolder = row(workflows, 'pixel-art-wrong-folder.json');
    await wrongFolder.filter({ hasText: '2 models · 1 to check' }).waitFor(VISIBLE);
    await expand(exported);
    await row(workflows, 'watercolor-v2.safetensors').filter({ hasText: 'missing' }).waitFor(VISIBLE);
    // Collapsed again: the list is virtual, and the pane is short with the Downloads and report views open.
    await exported.locator('.monaco-tl-twistie').click();
    await expand(wrongFolder);
    await row(workflows, 'pixel-art-xl.safetensors').filter({ hasText: 'wrong folder' }).waitFor(VISIBLE);
    await keep(page, 'workflows-view');
  },

  'the search palette finds a model by part of its name and by a hash prefix': async (page, { fixture }) => {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget');
    await input.locator('input').waitFor(VISIBLE);
    await page.keyboard.type('Comfy Models: Search Models');
    await row(input, 'Comfy Models: Search Models').waitFor(VISIBLE);
    await page.keyboard.press('Enter');
    await input.locator('.quick-input-title', { hasText: 'Search Models' }).waitFor(VISIBLE);
    await page.keyboard.type('ultrash');
    await row(input, 'upscale_models/4x-UltraSharp.pth').waitFor(VISIBLE);
    await keep(page, 'palette-by-name');
    await page.keyboard.press('Control+A');
    await page.keyboard.type(fixture.models.sdxlVae.quickHash.slice(0, 8));
    const hit = row(input, 'vae/sdxl_vae.safetensors');
    await hit.waitFor(VISIBLE);
    await hit.filter({ hasText: fixture.models.sdxlVae.quickHash }).waitFor(VISIBLE);
    await keep(page, 'palette-by-hash');
    await page.keyboard.press('Escape');
  },

  '"List Manifest Models": picking a model shows it in the Models view, filtered by its name (no icon text)': async (page) => {
    const input = page.locator('.quick-input-widget');
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden' });
    await page.keyboard.press('F1');
    await input.locator('input').fill('>Comfy Models: List Manifest Models');
    await row(input, 'Comfy Models: List Manifest Models').waitFor(VISIBLE);
    await page.keyboard.press('Enter');
    await input.locator('.quick-input-title', { hasText: 'Models in' }).waitFor(VISIBLE);
    await row(input, 'sd_xl_base_1.0.safetensors').click();
    const models = pane(page, 'Models');
    await models.locator('.pane-header .description', { hasText: /^filter: sd_xl_base_1\.0\.safetensors$/ }).waitFor(VISIBLE);
    await row(models, 'sd_xl_base_1.0.safetensors').waitFor(VISIBLE);
    await keep(page, 'list-manifest-models-pick');
    await models.hover();
    await models.locator('.pane-header .action-label[aria-label="Clear Models Filter"]').click();
    await models.locator('.pane-header .description').filter({ hasText: 'filter:' }).waitFor({ state: 'detached' });
  },

  'a 100,000-model index: the biggest category expands to its first page, "Show more…" loads the next': async (page, { fixture }) => {
    const settingsFile = join(fixture.folder, '.vscode', 'settings.json');
    const original = readFileSync(settingsFile, 'utf8');
    const { big } = fixture;
    const statusWith = (text) => page.locator('.statusbar-item').filter({ hasText: text }).first();
    // The demo index as it stands now (the in-host suites downloaded models into it): restored at the end.
    const before = (await statusWith(/Comfy Models: \d+ models?/).textContent()).match(/\d+ models?/)[0];
    let cleanupPanes = async () => {};
    try {
      writeFileSync(settingsFile, JSON.stringify({ ...JSON.parse(original), 'comfyModels.modelDirectories': [big.root], 'comfyModels.indexPath': big.indexPath }, null, 2));
      await statusWith(`Comfy Models: ${big.total.toLocaleString('en-US')} models`).waitFor(SYNCED);
      await openSidebar(page);
      const models = pane(page, 'Models');
      // The list is virtual: only rows inside the pane are rendered. The other panes give it their room
      // (the Models pane is short with the Downloads and report views open), and rows expanded earlier
      // are collapsed so the categories are at its top.
      const others = await collapseOtherPanes(page, 'Models');
      cleanupPanes = () => Promise.all(others.map((header) => header.click()));
      await models.hover();
      await models.locator('.pane-header .action-label[aria-label="Collapse All"]').click();
      const category = models.locator('.monaco-list-row', { hasText: big.biggest.category }).filter({ hasText: big.biggest.count.toLocaleString('en-US') }).first();
      await category.waitFor(SYNCED);
      const started = Date.now();
      // A click selects the row and expands it; keyboard focus on its first child scrolls that into view.
      await category.click();
      await category.and(page.locator('[aria-expanded="true"]')).waitFor(VISIBLE);
      await page.keyboard.press('ArrowDown');
      // Subfolders come first: the first row of the first page.
      await row(models, 'set_000').waitFor(VISIBLE);
      const ms = Date.now() - started;
      console.log(`      100,000-model index: expanding ${big.biggest.category} (${big.biggest.count.toLocaleString('en-US')} models) showed its first page in ${ms} ms`);
      await keep(page, 'models-view-100k');
      // The list is virtual: go to its end, where "Show more…" is.
      await models.locator('.monaco-list').first().focus();
      await page.keyboard.press('End');
      await row(models, 'Show more…').click();
      await row(models, `${big.biggest.category}_000100.safetensors`).waitFor(VISIBLE);
      await keep(page, 'models-view-100k-more');
    } finally {
      await cleanupPanes();
      writeFileSync(settingsFile, original);
      await statusWith(`Comfy Models: ${before}`).waitFor(SYNCED);
    }
  },
};
