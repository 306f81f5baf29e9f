// Sharing an environment end to end through the bundled CLI as child processes (issue 14, done-when):
// environment A (a library, a workflow, a manifest) is exported; environment B (another folder layout,
// renamed files, one model only downloadable from a loopback HTTP stand-in, one missing, one with a
// same-named file of other content) resolves to the right report; a comfygit manifest keyed by XXH3-128
// samples resolves against B too. Then `import --download` ("Download all") fetches the downloadable
// model from the stand-in, after which B's workflows check clean except for what no download settles:
// the same-named file of other content (left for the user to confirm: the shared workflow fails on
// exactly that reference) and the model no machine can provide (its workflow fails, naming it).
// A served file with wrong bytes never lands under the model's name.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { quickHashFile } from '../../server/src/core/hash/quickHash';
import { quickHashXxh3File } from '../../server/src/core/hash/quickHashXxh3';
import { IndexStore } from '../../server/src/core/index/store';
import { readManifest } from '../../server/src/core/manifest/read';
import { pngWith } from '../helpers/embeddedFiles';
import { tempDir, writeFile } from '../helpers/files';

const CLI = join(__dirname, '../../../server/dist/cli.js');
const tmp = tempDir('cm-share-');
after(() => rmSync(tmp, { recursive: true, force: true }));

function cli(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: () => any }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, COMFY_MODELS_INDEX: '' } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

/** Distinct model contents of distinct sizes. */
const bytes = (seed: string, size: number) => Buffer.alloc(size, seed);
const BASE = bytes('base checkpoint ', 40_000);
const LORA = bytes('style lora ', 30_001);
const VAE = bytes('vae weights ', 20_002);
const UPSCALER = bytes('upscaler ', 10_003);
const NEGATIVE = bytes('negative embedding ', 5_004);
const COMFYGIT_ONLY = bytes('comfygit only model ', 7_005);

const WORKFLOW = JSON.stringify({
  nodes: [
    { id: 4, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['base.safetensors'] },
    { id: 9, type: 'LoraLoader', mode: 0, widgets_values: ['style.safetensors', 1, 1] },
    { id: 10, type: 'VAELoader', mode: 0, widgets_values: ['vae.safetensors'] },
    { id: 11, type: 'UpscaleModelLoader', mode: 0, widgets_values: ['up.pth'] },
  ],
  links: [],
  version: 0.4,
});

/** B's other workflow: its checkpoint and the embedding that exists nowhere but on A. */
const NEGATIVE_WORKFLOW = JSON.stringify({
  nodes: [
    { id: 4, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['renamed/base-v1.safetensors'] },
    { id: 7, type: 'CLIPTextEncode', mode: 0, widgets_values: ['blurry, embedding:negative'] },
  ],
  links: [],
  version: 0.4,
});

/** B's own workflow, written against B's names: only models the manifest can provide (present, or downloadable). */
const PORTRAIT_WORKFLOW = JSON.stringify({
  nodes: [
    { id: 1, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['renamed/base-v1.safetensors'] },
    { id: 2, type: 'LoraLoader', mode: 0, widgets_values: ['style.safetensors', 0.8, 0.8] },
    { id: 3, type: 'VAELoader', mode: 0, widgets_values: ['my-vae.safetensors'] },
  ],
  links: [],
  version: 0.4,
});

/** The references of a `check --json` run that did not resolve, as [value, status]. */
const problems = (run: { json: () => any }) =>
  run.json().workflows[0].references.filter((r: { status: string }) => r.status !== 'resolved').map((r: { value: string; status: string }) => [r.value, r.status]);

let server: Server;
let origin = '';
const served = new Map<string, Buffer>([['/files/style.safetensors', LORA], ['/files/comfygit-only.safetensors', COMFYGIT_ONLY]]);
before(async () => {
  server = createServer((req, res) => {
    const body = served.get(req.url ?? '');
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('export on A, import on B: present / downloadable / name-match / missing, download size and free space', { timeout: 120_000 }, async () => {
  // Environment A.
  const a = join(tmp, 'A');
  const libA = join(a, 'models');
  writeFile(join(libA, 'checkpoints/base.safetensors'), BASE);
  writeFile(join(libA, 'loras/style.safetensors'), LORA);
  writeFile(join(libA, 'vae/vae.safetensors'), VAE);
  writeFile(join(libA, 'upscale_models/up.pth'), UPSCALER);
  writeFile(join(libA, 'embeddings/negative.pt'), NEGATIVE);
  writeFile(join(a, 'project/workflows/wf.json'), WORKFLOW);
  const indexA = join(a, 'index.sqlite');
  const runA = (...args: string[]) => cli(join(a, 'project'), '--index', indexA, '--models-dir', libA, '--project', join(a, 'project'), ...args);
  for (const name of ['base.safetensors', 'style.safetensors', 'vae.safetensors', 'up.pth']) {
    const added = await runA('model', 'add', name, '--workflow', 'workflows/wf.json');
    assert.equal(added.code, 0, added.stderr);
  }
  assert.equal((await runA('model', 'add', 'negative.pt')).code, 0);
  // The LoRA was downloaded once from the stand-in: the index knows that source (a token-carrying copy must not travel).
  const loraHash = (await quickHashFile(join(libA, 'loras/style.safetensors'))).quickHash;
  const store = await IndexStore.open(indexA);
  store.apply([
    { op: 'source', hash: loraHash, source: { type: 'url', url: `${origin}/files/style.safetensors` }, addedAt: 1 },
    { op: 'source', hash: loraHash, source: { type: 'url', url: `${origin}/files/style.safetensors?token=SECRET123` }, addedAt: 2 },
  ]);
  await store.save();
  store.close();

  const exported = await runA('export', '--full-hashes', '--json');
  assert.equal(exported.code, 0, exported.stderr);
  const manifestText = readFileSync(join(a, 'project/pyproject.toml'), 'utf8');
  const manifest = readManifest(manifestText);
  assert.deepEqual(manifest.problems, []);
  assert.equal(manifest.models.length, 5);
  const lora = manifest.models.find((m) => m.hash === loraHash)!;
  assert.deepEqual(lora.sources, [{ type: 'url', url: `${origin}/files/style.safetensors` }]);
  assert.equal(lora.sha256, createHash('sha256').update(LORA).digest('hex'));
  assert.ok(manifest.models.every((m) => /^[0-9a-f]{64}$/.test(m.blake3 ?? '') && /^[0-9a-f]{64}$/.test(m.sha256 ?? '')), 'every model got both full hashes');
  assert.ok(!manifestText.includes(tmp) && !manifestText.includes('SECRET123'), 'nothing machine-specific or secret');
  assert.match(exported.stderr, /token or signature/);
  assert.equal((exported.stderr.match(/has no known source/g) ?? []).length, 4);
  assert.deepEqual(exported.json().models.find((m: { hash: string }) => m.hash === loraHash).filled, ['blake3', 'sha256']);
  // Exporting again changes nothing.
  assert.equal((await runA('export', '--json')).code, 0);
  assert.equal(readFileSync(join(a, 'project/pyproject.toml'), 'utf8'), manifestText);

  // Environment B: the project as shared, another layout, renamed files.
  const b = join(tmp, 'B');
  const libB = join(b, 'library');
  writeFile(join(b, 'project/pyproject.toml'), manifestText);
  writeFile(join(b, 'project/workflows/wf.json'), WORKFLOW);
  writeFile(join(libB, 'checkpoints/renamed/base-v1.safetensors'), BASE);
  writeFile(join(libB, 'upscale_models/up.pth'), bytes('another upscaler', 10_003));
  writeFile(join(b, 'vae-folder/my-vae.safetensors'), VAE);
  const indexB = join(b, 'index.sqlite');
  const runB = (...args: string[]) => cli(join(b, 'project'), '--index', indexB, '--models-dir', libB, '--project', join(b, 'project'), ...args);
  assert.equal((await runB('dir', 'add', join(b, 'vae-folder'), '--category', 'vae')).code, 0);

  const imported = await runB('import', '--json');
  assert.equal(imported.code, 1, 'not everything is present');
  const report = imported.json();
  const byName = (f: string) => report.models.find((m: { filename: string }) => m.filename === f);
  assert.deepEqual([byName('base.safetensors').status, byName('base.safetensors').via, byName('base.safetensors').path], ['present', 'quick-hash', join(libB, 'checkpoints/renamed/base-v1.safetensors')]);
  assert.deepEqual([byName('vae.safetensors').status, byName('vae.safetensors').path], ['present', join(b, 'vae-folder/my-vae.safetensors')]);
  assert.deepEqual([byName('style.safetensors').status, byName('style.safetensors').size, byName('style.safetensors').source], ['downloadable', LORA.length, { type: 'url', url: `${origin}/files/style.safetensors` }]);
  assert.equal(byName('style.safetensors').target, join(libB, 'loras'));
  assert.deepEqual([byName('up.pth').status, byName('up.pth').candidates], ['name-match', [join(libB, 'upscale_models/up.pth')]]);
  assert.equal(byName('negative.pt').status, 'missing');
  assert.deepEqual(report.totals, { present: 2, downloadable: 1, nameMatch: 1, missing: 1, downloadBytes: LORA.length, unknownSizes: 0 });
  assert.equal(report.targets.length, 1);
  assert.equal(report.targets[0].folder, join(libB, 'loras'));
  assert.ok(report.targets[0].freeBytes > 0 && report.targets[0].fits);
  // The reported source really serves the model: its bytes hash to the manifest key.
  const fetched = Buffer.from(await (await fetch(byName('style.safetensors').source.url)).arrayBuffer());
  writeFile(join(tmp, 'fetched.bin'), fetched);
  assert.equal((await quickHashFile(join(tmp, 'fetched.bin'))).quickHash, loraHash);
  // The text report says the same in words.
  const text = await runB('import');
  assert.match(text.stdout, /2 present, 1 downloadable \(30\.0 KB\), 1 to confirm, 1 missing/);

  // A comfygit ≥ 0.3 manifest (XXH3-128 keys, URL-string sources) resolves against B's index too.
  const xBase = (await quickHashXxh3File(join(libA, 'checkpoints/base.safetensors'))).quickHash;
  writeFile(join(tmp, 'cg-only.bin'), COMFYGIT_ONLY);
  const xOnly = (await quickHashXxh3File(join(tmp, 'cg-only.bin'))).quickHash;
  const comfygit = join(b, 'comfygit-project');
  writeFile(join(comfygit, 'pyproject.toml'), [
    '[tool.comfygit.models]',
    `"${xBase}" = { filename = "sd-base.safetensors", size = ${BASE.length}, relative_path = "checkpoints/sd-base.safetensors", category = "checkpoints" }`,
    `"${xOnly}" = { filename = "only.safetensors", size = ${COMFYGIT_ONLY.length}, relative_path = "loras/only.safetensors", category = "loras", sources = ["${origin}/files/comfygit-only.safetensors"] }`,
    '',
  ].join('\n'));
  const runC = () => cli(comfygit, '--index', indexB, '--models-dir', libB, '--project', comfygit, 'import', '--json');
  const cg = await runC();
  assert.equal(cg.code, 1, cg.stderr);
  const cgRows = cg.json().models;
  assert.deepEqual(cgRows.map((m: { status: string; via?: string }) => [m.status, m.via ?? null]), [['present', 'xxh3-quick-hash'], ['downloadable', null]]);
  assert.equal(cgRows[0].path, join(libB, 'checkpoints/renamed/base-v1.safetensors'));
  assert.match(cg.stderr, /XXH3 sample of .*base-v1\.safetensors/);
  // The samples are cached in the index: a second run reads no file for them.
  const again = await runC();
  assert.deepEqual(again.json().models.map((m: { status: string }) => m.status), ['present', 'downloadable']);
  assert.doesNotMatch(again.stderr, /XXH3 sample/);

  // "Download all": the LoRA comes from the stand-in into the reported folder under its manifest name.
  // B's own workflows: portrait.json needs only base, LoRA and VAE; negative.json the embedding no machine can provide.
  writeFile(join(b, 'project/workflows/portrait.json'), PORTRAIT_WORKFLOW);
  writeFile(join(b, 'project/workflows/negative.json'), NEGATIVE_WORKFLOW);
  const before = await runB('check', 'workflows/portrait.json', '--json');
  assert.equal(before.code, 1, 'the LoRA is not there yet');
  assert.deepEqual(problems(before), [['style.safetensors', 'missing']]);
  const downloadedAll = await runB('import', '--download', '--json');
  assert.equal(downloadedAll.code, 1, 'the name match and the missing embedding remain');
  const afterDownload = downloadedAll.json();
  const loraPath = join(libB, 'loras/style.safetensors');
  assert.deepEqual(afterDownload.downloaded.map((d: { filename: string; path: string; source: { url: string } }) => [d.filename, d.path, d.source.url]), [['style.safetensors', loraPath, `${origin}/files/style.safetensors`]]);
  assert.deepEqual(afterDownload.errors, []);
  assert.deepEqual(readFileSync(loraPath), LORA);
  const loraAfter = afterDownload.models.find((m: { filename: string }) => m.filename === 'style.safetensors');
  assert.deepEqual([loraAfter.status, loraAfter.via, loraAfter.path], ['present', 'quick-hash', loraPath]);
  assert.deepEqual(afterDownload.totals, { present: 3, downloadable: 0, nameMatch: 1, missing: 1, downloadBytes: 0, unknownSizes: 0 });
  const storeB = await IndexStore.open(indexB);
  assert.deepEqual(storeB.sources(loraHash).map((s) => s.url), [`${origin}/files/style.safetensors`], 'the index remembers where it came from');
  storeB.close();
  // Every workflow of B now checks clean, except for what no download can settle: the same-named upscaler
  // of other content waits for the user's confirmation, and the embedding exists nowhere to be had.
  const portrait = await runB('check', 'workflows/portrait.json');
  assert.equal(portrait.code, 0, portrait.stdout + portrait.stderr);
  const shared = await runB('check', 'workflows/wf.json', '--json');
  assert.equal(shared.code, 1, shared.stderr);
  assert.deepEqual(problems(shared), [['up.pth', 'missing']]);
  const negative = await runB('check', 'workflows/negative.json', '--json');
  assert.equal(negative.code, 1, negative.stderr);
  assert.deepEqual(problems(negative), [['negative', 'missing']]);
});

test('import --download discards a served file with wrong bytes (hash-mismatch), then takes the right one', { timeout: 60_000 }, async () => {
  const dir = join(tmp, 'wrong');
  const lib = join(dir, 'models');
  const right = bytes('the wanted lora ', 9_006);
  writeFile(join(tmp, 'wanted.bin'), right);
  const key = (await quickHashFile(join(tmp, 'wanted.bin'))).quickHash;
  served.set('/files/wanted.safetensors', bytes('a different lora', right.length));
  writeFile(join(dir, 'pyproject.toml'), [
    '[tool.comfydock.models.required]',
    `"${key}" = { filename = "wanted.safetensors", category = "loras", relative_path = "loras/wanted.safetensors", size = ${right.length}, sources = [{ type = "url", url = "${origin}/files/wanted.safetensors" }] }`,
    '',
  ].join('\n'));
  const run = () => cli(dir, '--index', join(dir, 'index.sqlite'), '--models-dir', lib, '--project', dir, 'import', '--download', '--json');
  const wrong = await run();
  assert.equal(wrong.code, 1, wrong.stderr);
  assert.deepEqual(wrong.json().errors.map((e: { filename: string; code: string }) => [e.filename, e.code]), [['wanted.safetensors', 'hash-mismatch']]);
  assert.deepEqual(wrong.json().downloaded, []);
  assert.equal(wrong.json().models[0].status, 'downloadable');
  assert.ok(!existsSync(join(lib, 'loras/wanted.safetensors')), 'nothing under the model name');
  assert.deepEqual(existsSync(join(lib, 'loras')) ? readdirSync(join(lib, 'loras')) : [], [], 'no partial file either');

  served.set('/files/wanted.safetensors', right);
  const fixed = await run();
  assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
  assert.deepEqual(fixed.json().models.map((m: { status: string }) => m.status), ['present']);
  assert.deepEqual(readFileSync(join(lib, 'loras/wanted.safetensors')), right);
});

test('check on a PNG written here reports the same references as the workflow JSON it embeds', { timeout: 60_000 }, async () => {
  const dir = join(tmp, 'png');
  writeFile(join(dir, 'models/checkpoints/base.safetensors'), BASE);
  writeFile(join(dir, 'wf.json'), WORKFLOW);
  writeFile(join(dir, 'ComfyUI_00001_.png'), pngWith([{ type: 'tEXt', keyword: 'prompt', text: '{}' }, { type: 'tEXt', keyword: 'workflow', text: WORKFLOW }]));
  const run = (f: string) => cli(dir, '--index', join(dir, 'index.sqlite'), '--models-dir', join(dir, 'models'), 'check', f, '--json');
  const json = await run('wf.json');
  const png = await run('ComfyUI_00001_.png');
  assert.equal(png.code, 1, png.stderr);
  const refs = (r: { json: () => any }) => r.json().workflows[0].references.map(({ nodeId, value, status, offset, length }: Record<string, unknown>) => ({ nodeId, value, status, offset, length }));
  assert.deepEqual(refs(png), refs(json));
  assert.deepEqual(refs(png).map((r: { status: string }) => r.status), ['resolved', 'missing', 'missing', 'missing']);
  assert.equal(png.json().workflows[0].embeddedIn.container, 'png');
});

test('import: a model goes under the subfolder of its relative_path, into the model folder --root names (or exit 2 for one that is not)', { timeout: 60_000 }, async () => {
  const dir = join(tmp, 'root-choice');
  const first = join(dir, 'disk-a');
  const second = join(dir, 'disk-b');
  const wanted = bytes('a lora in a subfolder ', 8_007);
  writeFile(join(tmp, 'sub.bin'), wanted);
  const key = (await quickHashFile(join(tmp, 'sub.bin'))).quickHash;
  served.set('/files/sub.safetensors', wanted);
  writeFile(join(first, 'checkpoints/base.safetensors'), BASE);
  writeFile(join(second, 'vae/placeholder.txt'), 'a second disk');
  writeFile(join(dir, 'pyproject.toml'), [
    '[tool.comfydock.models.required]',
    `"${key}" = { filename = "sub.safetensors", category = "loras", relative_path = "loras/sd15/styles/sub.safetensors", size = ${wanted.length}, sources = [{ type = "url", url = "${origin}/files/sub.safetensors" }] }`,
    '',
  ].join('\n'));
  const run = (...args: string[]) => cli(dir, '--index', join(dir, 'index.sqlite'), '--models-dir', first, '--models-dir', second, '--project', dir, 'import', ...args, '--json');
  // Both folders are on one disk: the configured order decides, and the manifest's subfolder is kept.
  const planned = await run();
  assert.equal(planned.code, 1, planned.stderr);
  assert.deepEqual([planned.json().models[0].target, planned.json().models[0].subfolder], [join(first, 'loras/sd15/styles'), 'sd15/styles']);
  const elsewhere = await run('--root', join(dir, 'nowhere'));
  assert.equal(elsewhere.code, 2);
  assert.match(elsewhere.stderr, /--root .*nowhere is not one of the model folders: .*disk-a, .*disk-b/);

  const done = await run('--download', '--root', second);
  assert.equal(done.code, 0, done.stdout + done.stderr);
  const path = join(second, 'loras/sd15/styles/sub.safetensors');
  assert.deepEqual(done.json().downloaded.map((d: { path: string }) => d.path), [path]);
  assert.deepEqual(readFileSync(path), wanted);
  assert.ok(!existsSync(join(first, 'loras')), 'nothing went to the other folder');
});
