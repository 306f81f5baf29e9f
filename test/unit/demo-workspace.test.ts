// The workspace `npm start` opens (test/e2e/workspace.mjs with the stand-ins of test/e2e/standIns.mjs):
// offline, its provider settings and the download URLs its workflows name are loopback stand-ins that
// serve the files, and it has an image as ComfyUI saves it, with the workflow that needs the download.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { readEmbeddedWorkflow } from '../../server/src/core/workflow/embedded';

const repo = join(__dirname, '..', '..', '..');
const load = async <T>(file: string): Promise<T> => (await import(pathToFileURL(join(repo, 'test', 'e2e', file)).href)) as T;

interface StandIns {
  downloads: { civitaiBaseUrl: string; huggingFaceEndpoint: string; urls: { vae: string; clip: string }; vaeSize: number };
  close(): Promise<void>;
}

test('the demo workspace downloads from loopback stand-ins (settings and workflow URLs) and holds an image with an embedded workflow', async () => {
  const { startDownloadStandIns } = await load<{ startDownloadStandIns(): Promise<StandIns> }>('standIns.mjs');
  const { writeDemoWorkspace } = await load<{ writeDemoWorkspace(root: string, o: object): Promise<{ folder: string; workflows: Record<string, string>; embeddedImage: string }> }>('demo.mjs');
  const standIns = await startDownloadStandIns();
  const dir = mkdtempSync(join(tmpdir(), 'comfy-demo-'));
  try {
    const fixture = await writeDemoWorkspace(join(dir, 'demo'), { downloads: standIns.downloads });
    const settings = JSON.parse(readFileSync(join(fixture.folder, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.match(String(settings['comfyModels.civitai.baseUrl']), /^http:\/\/127\.0\.0\.1:\d+/);
    assert.match(String(settings['comfyModels.huggingface.endpoint']), /^http:\/\/127\.0\.0\.1:\d+/);
    const download = JSON.parse(readFileSync(fixture.workflows.download, 'utf8')) as { models: { name: string; url: string }[] };
    const vae = download.models.find((m) => m.name === 'flux_ae.safetensors');
    assert.equal(vae?.url, standIns.downloads.urls.vae);
    assert.ok(vae.url.startsWith(settings['comfyModels.huggingface.endpoint'] as string), 'the URL is the configured Hugging Face endpoint');
    const head = await fetch(vae.url, { method: 'HEAD', redirect: 'manual' });
    assert.ok(head.status < 400, `the stand-in serves the file (HTTP ${head.status})`);

    const embedded = await readEmbeddedWorkflow(fixture.embeddedImage);
    assert.equal(embedded?.key, 'workflow');
    assert.deepEqual(JSON.parse(embedded.text), download);
  } finally {
    await standIns.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
