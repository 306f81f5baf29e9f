// The Library Health and Install Plan panels: what each row offers (Download, Delete This Copy, Reveal,
// Open Manifest Entry), write actions only in a trusted workspace, and file names shown as text, never
// as markup (a model file may be called anything).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { healthPage, installPlanPage, reportDocument } from '../../client/src/share/reportHtml';
import type { HealthResult, InstallPlanResult } from '../../server/src/protocol';

const health: HealthResult = {
  project: '/work/project',
  workflows: 2,
  duplicates: [{ hash: 'aaaa000011112222', size: 2_000_000, copies: ['/m/checkpoints/a.safetensors', '/m2/checkpoints/a.safetensors'], wastedBytes: 2_000_000 }],
  unused: [{ hash: 'bbbb000011112222', size: 1000, paths: ['/m/loras/<img src=x onerror=alert(1)>.safetensors'] }],
  withoutSource: [],
  staleParts: [],
  roots: [{ path: '/m', category: null, files: 3, usedBytes: 4_001_000, freeBytes: null }],
  totals: { models: 2, wastedBytes: 2_000_000, unusedBytes: 1000, stalePartBytes: 0 },
};

const buttons = (html: string) => [...html.matchAll(/<button data-action="([^"]+)" data-arg="([^"]*)">([^<]*)<\/button>/g)].map((m) => [m[1], m[2], m[3]]);

test('Library Health: each duplicate copy can be revealed or deleted, a model the manifest lists opens its entry, names are text', () => {
  const page = healthPage(health, { manifestHashes: new Set(['bbbb000011112222']), trusted: true });
  assert.deepEqual(buttons(page.body), [
    ['reveal', '/m/checkpoints/a.safetensors', 'Reveal'],
    ['deleteCopy', '/m/checkpoints/a.safetensors', 'Delete This Copy'],
    ['reveal', '/m2/checkpoints/a.safetensors', 'Reveal'],
    ['deleteCopy', '/m2/checkpoints/a.safetensors', 'Delete This Copy'],
    ['reveal', '/m/loras/&lt;img src=x onerror=alert(1)&gt;.safetensors', 'Reveal'],
    ['openManifestEntry', 'bbbb000011112222', 'Open Manifest Entry'],
  ]);
  assert.ok(!page.body.includes('<img'), 'a file name is never markup');
  assert.match(page.body, /<h2>Without a known source<\/h2><p class="none">None.<\/p>/);
  assert.match(page.body, /2 models · 1 duplicated \(2\.0 MB wasted\)/);
});

test('an untrusted workspace gets no Delete or Download button, only Reveal and Open Manifest Entry', () => {
  const page = healthPage(health, { manifestHashes: new Set(), trusted: false });
  assert.deepEqual([...new Set(buttons(page.body).map((b) => b[0]))], ['reveal']);
});

test('Install Plan: a missing model with a source and a category can be downloaded (by its row), one without a source cannot', () => {
  const plan: InstallPlanResult = {
    path: '/work/project/flux.json',
    models: [
      { value: 'flux_ae.safetensors', category: 'vae', nodeIds: ['3'], hash: 'cccc000011112222', size: 335_000_000, sources: [{ type: 'url', url: 'https://huggingface.co/o/r/resolve/main/ae.safetensors' }], target: '/m/vae' },
      { value: 'secret.safetensors', category: 'loras', nodeIds: ['4'], hash: null, size: null, sources: [], target: '/m/loras' },
    ],
    totals: { models: 2, downloadBytes: 335_000_000, unknownSizes: 1, withoutSource: 1, bandwidth: 50e6, estimatedSeconds: 7 },
    targets: [{ folder: '/m/vae', downloadBytes: 335_000_000, freeBytes: 10e9, fits: true }],
    nodes: { packs: [], unknownNodeTypes: [] },
  } as unknown as InstallPlanResult;
  const page = installPlanPage(plan, { manifestHashes: new Set(['cccc000011112222']), trusted: true });
  assert.equal(page.title, 'Install Plan: flux.json');
  assert.deepEqual(buttons(page.body), [['download', '0', 'Download'], ['openManifestEntry', 'cccc000011112222', 'Open Manifest Entry']]);
  assert.match(page.body, /no known source/);
  assert.match(page.body, /about 7 s at 50 MB\/s; 1 without a known source/);
});

test('the panel document allows no remote content and only its own script', () => {
  const html = reportDocument({ title: 'Library Health', body: '<p>x</p>' }, 'vscode-webview://abc', 'n0nce');
  assert.match(html, /default-src 'none'; style-src vscode-webview:\/\/abc 'unsafe-inline'; script-src 'nonce-n0nce';/);
  assert.equal([...html.matchAll(/<script/g)].length, 1);
  assert.match(html, /<script nonce="n0nce">/);
  assert.match(html, /var\(--vscode-foreground\)/, 'colours come from the theme');
});
