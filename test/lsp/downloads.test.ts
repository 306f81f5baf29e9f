// The download requests over the language server, a real index and loopback stand-ins for CivitAI,
// Hugging Face and their CDN: start → finished → indexed, cancel (the .part stays), the list after a
// restart (interrupted, resumed from the .part), the plan of a workflow, and the "Download" quick fix.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { CodeActionRequest, CodeLensRequest, type CodeAction, type CodeLens, type Diagnostic, type ProtocolConnection } from 'vscode-languageserver-protocol';
import {
  CancelDownloadRequest,
  DownloadChangedNotification,
  FindSourcesRequest,
  ListRepoFilesRequest,
  SearchOnlineRequest,
  ListDownloadsRequest,
  PlanDownloadsRequest,
  ResumeDownloadRequest,
  SetTokensRequest,
  StartDownloadRequest,
  type DownloadInfo,
  type DownloadItem,
} from '../../server/src/protocol';
import { quickHashFile } from '../../server/src/core/hash/quickHash';
import { tempDir, writeFile } from '../helpers/files';
import { startSession, type Session } from '../helpers/lspSession';
import { sha256Hex, startStandIns, type StandIns } from '../helpers/standins';
import { uiNode } from '../helpers/workflows';

let s: StandIns;
beforeEach(async () => void (s = await startStandIns()));
afterEach(async () => s.close());


/** Download notifications as events: wait for the first one of a task that satisfies `pred`. */
function downloadEvents() {
  const seen: DownloadInfo[] = [];
  const waiters: { pred: (d: DownloadInfo) => boolean; resolve: (d: DownloadInfo) => void }[] = [];
  return {
    listen(c: ProtocolConnection) {
      c.onNotification(DownloadChangedNotification.type, (d) => {
        seen.push(d);
        for (const w of [...waiters]) if (w.pred(d)) waiters.splice(waiters.indexOf(w), 1) && w.resolve(d);
      });
    },
    next(pred: (d: DownloadInfo) => boolean): Promise<DownloadInfo> {
      const hit = seen.find(pred);
      return hit ? Promise.resolve(hit) : new Promise((resolve) => waiters.push({ pred, resolve }));
    },
  };
}

/** The file's text once `accept` holds for it (watched, no polling; a write seen half-way is skipped). */
function waitForFile(path: string, accept: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const check = () => {
      const text = readFileSync(path, 'utf8');
      if (!accept(text)) return false;
      watcher.close();
      resolve(text);
      return true;
    };
    const watcher = watch(path, () => void check());
    check();
  });
}

function library() {
  const dir = tempDir('cm-lsp-dl-');
  const models = join(dir, 'models');
  writeFile(join(models, 'checkpoints/present.safetensors'), 'a checkpoint');
  return { dir, models, ws: join(dir, 'ws') };
}

/** A workflow of one loader whose value the workflow's `models` metadata says where to download. */
const oneLoaderWorkflow = (type: string, value: string, metadata: { name: string; url: string; directory: string }) =>
  JSON.stringify({ nodes: [uiNode(1, type, [value])], links: [], models: [metadata], version: 0.4 });

/** Open the workflow, pull its diagnostics: its missing-model diagnostic and the code actions offered on it. */
async function missingModelActions(sess: Session, wf: string, text: string): Promise<{ missing: Diagnostic; actions: CodeAction[] }> {
  await sess.open(wf, text);
  const missing = (await sess.pull(wf)).find((d) => d.code === 'missing-model')!;
  assert.ok(missing, 'missing-model');
  const actions = (await sess.h.client.sendRequest(CodeActionRequest.type, { textDocument: { uri: sess.uri(wf) }, range: missing.range, context: { diagnostics: [missing] } })) as CodeAction[];
  return { missing, actions };
}

const settingsFor = (models: string, dir: string) => ({
  modelDirectories: [models],
  // Not the storage folder the client gives (dir): the list of unfinished downloads goes beside this file.
  indexPath: join(dir, 'index', 'index.sqlite'),
  civitai: { baseUrl: s.endpoints.civitaiBaseUrl },
  huggingface: { endpoint: s.endpoints.huggingFaceEndpoint },
});

async function session(dir: string, models: string, ws: string, events = downloadEvents(), vscodeClient = true): Promise<Session> {
  const session = await startSession(dir, settingsFor(models, dir), ws, undefined, { vscodeClient, beforeInitialize: (c) => events.listen(c) });
  await session.nextStatus((st) => st.state === 'idle' && st.locations >= 1);
  return session;
}

test('a started download runs in the server, is verified, and the file is in the index with its source', async () => {
  const { dir, models, ws } = library();
  const events = downloadEvents();
  const sess = await session(dir, models, ws, events);
  try {
    const data = randomBytes(200_000);
    const url = s.cdn.host('my_vae.safetensors', data);
    const started = await sess.h.client.sendRequest(StartDownloadRequest.type, { url, category: 'vae', sha256: sha256Hex(data) });
    assert.match(started.id, /^d\d+$/);
    const done = await events.next((d) => d.id === started.id && d.state !== 'queued' && d.state !== 'running');
    assert.equal(done.state, 'finished', JSON.stringify(done.error));
    assert.equal(done.sha256, sha256Hex(data));
    assert.equal(done.path, join(models, 'vae/my_vae.safetensors'));
    assert.equal(statSync(done.path!).size, data.length);
    const status = await sess.nextStatus((st) => st.locations === 2);
    assert.equal(status.models, 2);
    const listed = await sess.h.client.sendRequest(ListDownloadsRequest.type);
    assert.deepEqual(listed.map((d) => [d.id, d.state, d.name]), [[started.id, 'finished', 'my_vae.safetensors']]);
  } finally {
    await sess.dispose();
  }
});

test('tokens sent with setTokens go to the provider as a bearer header (and nowhere in the task)', async () => {
  const { dir, models, ws } = library();
  const events = downloadEvents();
  const sess = await session(dir, models, ws, events);
  try {
    const data = randomBytes(5000);
    s.hub.requireToken = 'hf_secret_token';
    const url = await s.hub.addFile({ repo: 'org/gated', path: 'model.safetensors', data });
    const refused = (await sess.h.client.sendRequest(StartDownloadRequest.type, { url, category: 'loras' })).id;
    const failed = await events.next((d) => d.id === refused && (d.state === 'finished' || d.state === 'failed'));
    assert.equal(failed.error?.code, 'auth-required');
    assert.match(failed.error!.message, /Hugging Face/);
    await sess.h.client.sendRequest(SetTokensRequest.type, { huggingface: 'hf_secret_token' });
    const started = await sess.h.client.sendRequest(StartDownloadRequest.type, { url, category: 'loras' });
    const done = await events.next((d) => d.id === started.id && (d.state === 'finished' || d.state === 'failed'));
    assert.equal(done.state, 'finished', JSON.stringify(done.error));
    assert.equal(done.sha256, sha256Hex(data));
    assert.ok(s.hub.requests.some((r) => r.headers.authorization === 'Bearer hf_secret_token'), 'the hub saw the token');
    assert.ok(!s.cdn.requests.some((r) => r.headers.authorization), 'never sent to the CDN');
    assert.ok(!sess.h.logs.some((l) => l.includes('hf_secret_token')), 'the token is never logged');
  } finally {
    await sess.dispose();
  }
});

test('cancel stops the transfer and keeps the .part; after a restart the list shows it interrupted, and resume finishes it', async () => {
  const { dir, models, ws } = library();
  const data = randomBytes(300_000);
  const url = s.cdn.host('slow.safetensors', data, { stallAfter: 100_000 });
  const events = downloadEvents();
  let sess = await session(dir, models, ws, events);
  let id: string;
  try {
    id = (await sess.h.client.sendRequest(StartDownloadRequest.type, { url, category: 'loras' })).id;
    const running = await events.next((d) => d.id === id && d.state === 'running' && d.bytes > 0);
    assert.ok(running.path);
    await sess.h.client.sendRequest(CancelDownloadRequest.type, { id });
    const cancelled = await events.next((d) => d.id === id && d.state === 'cancelled');
    assert.ok(existsSync(`${cancelled.path}.part`), 'the .part stays');
    assert.ok(!existsSync(cancelled.path!), 'no file under the model name');

    // A second stalled download is running when the window goes away: it is interrupted, not lost.
    const url2 = s.cdn.host('second.safetensors', data, { stallAfter: 50_000 });
    const second = (await sess.h.client.sendRequest(StartDownloadRequest.type, { url: url2, category: 'loras' })).id;
    await events.next((d) => d.id === second && d.state === 'running' && d.bytes > 0);
    await sess.dispose();
    assert.ok(existsSync(join(dir, 'index', 'downloads.json')), 'the list is kept beside the configured index');
    assert.ok(!existsSync(join(dir, 'downloads.json')), 'not in the storage folder');

    const after = downloadEvents();
    sess = await session(dir, models, ws, after);
    const listed = await sess.h.client.sendRequest(ListDownloadsRequest.type);
    const states = Object.fromEntries(listed.map((d) => [d.id, d.state]));
    assert.equal(states[id], 'cancelled');
    assert.equal(states[second], 'interrupted');
    await sess.h.client.sendRequest(ResumeDownloadRequest.type, { id: second });
    const done = await after.next((d) => d.id === second && (d.state === 'finished' || d.state === 'failed'));
    assert.equal(done.state, 'finished', JSON.stringify(done.error));
    assert.equal(done.sha256, sha256Hex(data));
    const ranged = s.cdn.requests.filter((r) => r.url.endsWith('second.safetensors') && r.headers.range);
    assert.ok(ranged.length > 0, 'the resume asked for the rest with Range');
  } finally {
    await sess.dispose();
  }
});

test('the Download quick fix (VS Code client only) names the workflow metadata URL, category and name; the plan gives size, target and free space; after the download the diagnostic is gone', async () => {
  const { dir, models, ws } = library();
  const data = randomBytes(120_000);
  const url = await s.hub.addFile({ repo: 'org/flux', path: 'vae/ae.safetensors', data });
  const wf = join(ws, 'wf.json');
  const text = oneLoaderWorkflow('VAELoader', 'flux/ae.safetensors', { name: 'ae.safetensors', url, directory: 'vae' });
  writeFile(wf, text);
  const events = downloadEvents();
  const sess = await session(dir, models, ws, events);
  try {
    const { actions } = await missingModelActions(sess, wf, text);
    const download = actions.find((a) => a.title.startsWith('Download '));
    assert.ok(download, actions.map((a) => a.title).join(', '));
    assert.equal(download.title, `Download 'ae.safetensors' from ${new URL(url).host}`);
    assert.equal(download.command?.command, 'comfyModels.startDownloads');
    const [items] = download.command!.arguments as [DownloadItem[]];
    assert.deepEqual(items, [{ url, category: 'vae', subfolder: 'flux', fileName: 'ae.safetensors' }]);

    const lenses = (await sess.h.client.sendRequest(CodeLensRequest.type, { textDocument: { uri: sess.uri(wf) } })) as CodeLens[];
    const lens = lenses.find((l) => l.command?.title === 'Download 1…');
    assert.ok(lens, lenses.map((l) => l.command?.title).join(', '));
    assert.deepEqual([lens.command!.command, lens.command!.arguments], ['comfyModels.downloadMissing', [sess.uri(wf)]]);

    const plan = await sess.h.client.sendRequest(PlanDownloadsRequest.type, { uri: sess.uri(wf) });
    assert.equal(plan.downloads.length, 1);
    assert.equal(plan.downloads[0].size, data.length, 'size from the Hub HEAD before the transfer');
    assert.equal(plan.downloads[0].targetDir, join(models, 'vae', 'flux'));
    assert.equal(plan.totalBytes, data.length);
    assert.ok(plan.freeBytes[models] > 0, 'free space of the model root');

    const refreshed = sess.nextRefresh();
    const started = await sess.h.client.sendRequest(StartDownloadRequest.type, items[0]);
    const done = await events.next((d) => d.id === started.id && (d.state === 'finished' || d.state === 'failed'));
    assert.equal(done.state, 'finished', JSON.stringify(done.error));
    assert.equal(done.sha256, sha256Hex(data), 'verified against the Hub');
    assert.equal(readFileSync(join(models, 'vae/flux/ae.safetensors')).length, data.length);
    await refreshed;
    await sess.nextStatus((st) => st.locations === 2);
    assert.deepEqual((await sess.pull(wf)).map((d) => d.code), []);
  } finally {
    await sess.dispose();
  }
});

test('the demo\'s flux_ae.safetensors: the download the workflow names comes first and is the preferred fix; sdxl_vae is never offered', async () => {
  const { dir, models, ws } = library();
  writeFile(join(models, 'vae/sdxl_vae.safetensors'), 'an SDXL VAE');
  const url = await s.hub.addFile({ repo: 'black-forest-labs/FLUX.1-dev', path: 'ae.safetensors', data: randomBytes(1000) });
  const wf = join(ws, 'flux-download.json');
  const text = JSON.stringify({
    nodes: [uiNode(1, 'UNETLoader', ['flux1-dev.safetensors', 'default']), uiNode(2, 'VAELoader', ['flux_ae.safetensors'])],
    links: [],
    models: [{ name: 'flux_ae.safetensors', url, directory: 'vae' }],
    version: 0.4,
  });
  writeFile(wf, text);
  const sess = await session(dir, models, ws);
  try {
    await sess.nextStatus((st) => st.locations >= 2);
    await sess.open(wf, text);
    const missing = (await sess.pull(wf)).find((d) => d.code === 'missing-model' && String(d.message).includes('flux_ae'))!;
    assert.ok(missing, 'flux_ae.safetensors is missing');
    assert.doesNotMatch(String(missing.message), /sdxl_vae/);
    const actions = (await sess.h.client.sendRequest(CodeActionRequest.type, { textDocument: { uri: sess.uri(wf) }, range: missing.range, context: { diagnostics: [missing] } })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    assert.equal(titles[0], `Download 'flux_ae.safetensors' from ${new URL(url).host}`, titles.join(', '));
    assert.deepEqual(actions.filter((a) => a.isPreferred).map((a) => a.title), [titles[0]]);
    assert.ok(!titles.some((t) => t.includes('sdxl_vae')), titles.join(', '));
  } finally {
    await sess.dispose();
  }
});

test('in a ComfyDock environment (pyproject.toml with its tables) the mapping is listed first and preferred for a same-family candidate', async () => {
  const { dir, models, ws } = library();
  writeFile(join(models, 'loras/add_detail_xl_v2.safetensors'), 'an SDXL LoRA');
  writeFile(join(ws, 'pyproject.toml'), '[project]\nname = "env"\n\n[tool.comfydock]\ncomfyui_version = "v0.3.0"\n');
  const wf = join(ws, 'wf.json');
  const text = JSON.stringify({ nodes: [uiNode(1, 'LoraLoader', ['add_detail_xl.safetensors', 1, 1])], links: [], version: 0.4 });
  writeFile(wf, text);
  const sess = await session(dir, models, ws, downloadEvents(), false);
  try {
    await sess.nextStatus((st) => st.locations >= 2);
    const { actions } = await missingModelActions(sess, wf, text);
    assert.deepEqual(actions.map((a) => [a.title, a.isPreferred === true]), [
      ["Map in pyproject.toml (workflow unchanged) to 'loras/add_detail_xl_v2.safetensors'", true],
      ["Replace in workflow with 'add_detail_xl_v2.safetensors'", false],
    ]);
  } finally {
    await sess.dispose();
  }
});

test('other LSP clients are not offered the Download quick fix (it runs a VS Code command)', async () => {
  const { dir, models, ws } = library();
  const wf = join(ws, 'wf.json');
  const text = oneLoaderWorkflow('VAELoader', 'ae.safetensors', { name: 'ae.safetensors', url: `${s.cdn.url}/files/ae.safetensors`, directory: 'vae' });
  writeFile(wf, text);
  const sess = await session(dir, models, ws, downloadEvents(), false);
  try {
    const { missing, actions } = await missingModelActions(sess, wf, text);
    // The download source still reaches the user in the message; only the VS Code command is withheld.
    assert.match(String(missing.message), new RegExp(new URL(s.cdn.url).host.replace(/\./g, '\\.')));
    assert.ok(!actions.some((a) => a.title.startsWith('Download ')));
  } finally {
    await sess.dispose();
  }
});

test('a download from workflow metadata writes its source into the manifest entry of the model (a splice, the rest untouched)', async () => {
  const { dir, models, ws } = library();
  const data = randomBytes(40_000);
  const probe = join(dir, 'probe.bin');
  writeFile(probe, data);
  const { quickHash } = await quickHashFile(probe);
  const url = s.cdn.host('upscaler.pth', data);
  const toml = `[project]\nname = "env"  # keep\n\n[tool.comfydock.models.required]\n"${quickHash}" = { filename = "upscaler.pth", category = "upscale_models", relative_path = "upscale_models/upscaler.pth", size = ${data.length}, sources = [] }\n`;
  const manifestPath = join(ws, 'pyproject.toml');
  writeFile(manifestPath, toml);
  const wf = join(ws, 'wf.json');
  const text = oneLoaderWorkflow('UpscaleModelLoader', 'upscaler.pth', { name: 'upscaler.pth', url, directory: 'upscale_models' });
  writeFile(wf, text);
  const events = downloadEvents();
  const sess = await session(dir, models, ws, events);
  try {
    const { actions } = await missingModelActions(sess, wf, text);
    const [items] = actions.find((a) => a.title.startsWith('Download '))!.command!.arguments as [DownloadItem[]];
    assert.equal(items[0].manifestPath, manifestPath);
    const started = await sess.h.client.sendRequest(StartDownloadRequest.type, items[0]);
    const done = await events.next((d) => d.id === started.id && (d.state === 'finished' || d.state === 'failed'));
    assert.equal(done.state, 'finished', JSON.stringify(done.error));
    await sess.nextStatus((st) => st.locations === 2);
    const written = await waitForFile(manifestPath, (t) => t.includes(url) && t.trimEnd().endsWith('}'));
    assert.ok(written.startsWith('[project]\nname = "env"  # keep\n'), 'untouched bytes stay');
    assert.match(written, new RegExp(`sources = \\[\\s*\\{ type = "url", url = "${url.replace(/[.?*+^$()[\]\\/]/g, '\\$&')}" \\}`));
  } finally {
    await sess.dispose();
  }
});

test('find sources: local models without a source are hashed (SHA-256) and looked up on CivitAI in one batch; hits are recorded', async () => {
  const { dir, models, ws } = library();
  writeFile(join(models, 'loras/unknown.safetensors'), 'nobody published this');
  await s.civitai.addVersion({ modelId: 5, versionId: 6, modelName: 'Present', type: 'Checkpoint', files: [{ id: 7, name: 'present.safetensors', data: Buffer.from('a checkpoint') }] });
  const sess = await startSession(dir, settingsFor(models, dir), ws, undefined, { vscodeClient: true });
  try {
    await sess.nextStatus((st) => st.state === 'idle' && st.locations === 2);
    const first = await sess.h.client.sendRequest(FindSourcesRequest.type);
    assert.deepEqual(first, { models: 2, hashed: 2, found: 1 });
    assert.deepEqual(s.civitai.batchSizes, [2], 'one POST by-hash for both');
    // The source is recorded: only the unknown model is left to look up, and its hash is now known.
    const again = await sess.h.client.sendRequest(FindSourcesRequest.type);
    assert.deepEqual(again, { models: 1, hashed: 0, found: 0 });
  } finally {
    await sess.dispose();
  }
});

test('online search lists CivitAI files (type, base model, size, URL) and Hugging Face repos', async () => {
  const { dir, models, ws } = library();
  await s.civitai.addVersion({ modelId: 1, versionId: 2, modelName: 'Anime Lines', type: 'LORA', baseModel: 'SDXL 1.0', files: [{ id: 3, name: 'anime_lines.safetensors', data: randomBytes(2048) }] });
  await s.hub.addFile({ repo: 'org/anime-model', path: 'model.safetensors', data: randomBytes(10) });
  const sess = await session(dir, models, ws);
  try {
    const { hits, errors } = await sess.h.client.sendRequest(SearchOnlineRequest.type, { query: 'anime' });
    assert.deepEqual(errors, []);
    const civitai = hits.find((h) => h.provider === 'civitai')!;
    assert.equal(civitai.fileName, 'anime_lines.safetensors');
    assert.equal(civitai.category, 'loras');
    assert.equal(civitai.baseModel, 'SDXL 1.0');
    assert.equal(civitai.size, 2048);
    assert.ok(civitai.downloadUrl?.startsWith(s.civitai.url));
    assert.ok(hits.some((h) => h.provider === 'huggingface' && h.title === 'org/anime-model'));
    const files = await sess.h.client.sendRequest(ListRepoFilesRequest.type, { repo: 'org/anime-model' });
    assert.deepEqual(files.map((f) => [f.path, f.size, f.downloadUrl]), [['model.safetensors', 10, `${s.hub.url}/org/anime-model/resolve/main/model.safetensors`]]);
    assert.match(files[0].sha256!, /^[0-9a-f]{64}$/);
  } finally {
    await sess.dispose();
  }
});

test('online search while both providers are unreachable: no hits, and one error per provider that names it', async () => {
  const { dir, models, ws } = library();
  // Port 9 of the loopback: nothing listens there, as when the machine is offline.
  const offline = { ...settingsFor(models, dir), civitai: { baseUrl: 'http://127.0.0.1:9' }, huggingface: { endpoint: 'http://127.0.0.1:9' } };
  const sess = await startSession(dir, offline, ws, undefined, { vscodeClient: true });
  try {
    await sess.nextStatus((st) => st.state === 'idle' && st.locations >= 1);
    const { hits, errors } = await sess.h.client.sendRequest(SearchOnlineRequest.type, { query: 'anime' });
    assert.deepEqual(hits, []);
    assert.equal(errors.length, 2);
    assert.match(errors[0], /^CivitAI: .*network error/);
    assert.match(errors[1], /^Hugging Face: .*network error/);
  } finally {
    await sess.dispose();
  }
});
