// The Hugging Face cache as a read-only model root, laid out as huggingface_hub writes it (blobs named by
// content, snapshot symlinks, refs): an LFS blob's SHA-256 is its name, so syncing reads only its samples
// and header (the bytes this process reads are counted); a small git file is hashed in full; the category
// comes from the header; the repo is recorded as the source; a copy in models/ is a duplicate for health;
// nothing in the cache is written, and it is never a download target.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { huggingFaceCacheDir, parseHfCachePath } from '../../server/src/core/hfCache';
import { IndexStore } from '../../server/src/core/index/store';
import { tempDir } from '../helpers/files';
import { loraTensors, writeSafetensors } from '../helpers/modelFiles';

const COMMIT = '3f'.repeat(20);
const BIG_DATA = 64 * 1024 * 1024;

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Bytes this process has read through read(2) and friends so far (Linux /proc accounting). */
const bytesRead = () => Number(/rchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))![1]);

/** Every file and link under `dir` with its size and mtime: what "nothing was written" compares. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).map((e) => {
    const p = join(e.parentPath, e.name);
    const st = statSync(p, { throwIfNoEntry: false });
    return `${p}:${st?.size}:${st?.mtimeMs}`;
  }).sort();
}

async function cli(dir: string, env: Record<string, string>, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--index', join(dir, 'index.sqlite'), '--models-dir', join(dir, 'models'), ...argv], {
    stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { HOME: dir, ...env }, cwd: dir,
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as unknown };
}

test('the cache folder: HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub, only when it exists; "off" skips it', () => {
  const dir = tempDir('cm-hf-');
  mkdirSync(join(dir, 'home', '.cache', 'huggingface', 'hub'), { recursive: true });
  mkdirSync(join(dir, 'hfhome', 'hub'), { recursive: true });
  assert.equal(huggingFaceCacheDir({}, join(dir, 'home')), join(dir, 'home', '.cache', 'huggingface', 'hub'));
  assert.equal(huggingFaceCacheDir({ HF_HOME: join(dir, 'hfhome') }, join(dir, 'home')), join(dir, 'hfhome', 'hub'));
  assert.equal(huggingFaceCacheDir({ HF_HUB_CACHE: join(dir, 'hfhome', 'hub'), HF_HOME: '/nowhere' }, undefined), join(dir, 'hfhome', 'hub'));
  assert.equal(huggingFaceCacheDir({ HF_HOME: join(dir, 'missing') }, undefined), undefined);
  assert.equal(huggingFaceCacheDir({}, join(dir, 'home'), 'off'), undefined);
  assert.deepEqual(parseHfCachePath(`models--Comfy-Org--flux1-dev/snapshots/${COMMIT}/split files/ae.safetensors`), { repoType: 'model', repo: 'Comfy-Org/flux1-dev', commit: COMMIT, path: 'split files/ae.safetensors' });
  assert.equal(parseHfCachePath(`models--org--m/blobs/${'a'.repeat(64)}`), null);
});

test('an HF_HOME like the real cache is indexed read-only with the right SHA-256s, without reading the LFS blob in full; its copy in models/ is a duplicate', async () => {
  const dir = tempDir('cm-hf-');
  const repoDir = join(dir, 'hf', 'hub', 'models--someone--detail-lora');
  const snap = join(repoDir, 'snapshots', COMMIT);
  mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  mkdirSync(join(snap, 'small'), { recursive: true });
  mkdirSync(join(repoDir, 'refs'), { recursive: true });
  writeFileSync(join(repoDir, 'refs', 'main'), COMMIT);
  // The LFS blob: a LoRA header then 64 MiB of (sparse) tensor data, named by its SHA-256.
  const staging = join(dir, 'staging.safetensors');
  const tensors = loraTensors('sdxl');
  tensors['lora_unet_big.weight'] = [BIG_DATA / 2];
  writeSafetensors(staging, tensors);
  const lfsSha = await sha256File(staging);
  writeFileSync(join(repoDir, 'blobs', lfsSha), readFileSync(staging));
  symlinkSync(join('..', '..', 'blobs', lfsSha), join(snap, 'detail.safetensors'));
  // A small git file: its blob is named by the git SHA-1, not its SHA-256.
  const small = randomBytes(4096);
  const gitOid = createHash('sha1').update(`blob ${small.length}\0`).update(small).digest('hex');
  writeFileSync(join(repoDir, 'blobs', gitOid), small);
  symlinkSync(join('..', '..', '..', 'blobs', gitOid), join(snap, 'small', 'tiny.safetensors'));
  // The same small file in the user's model folder.
  mkdirSync(join(dir, 'models', 'loras'), { recursive: true });
  writeFileSync(join(dir, 'models', 'loras', 'tiny.safetensors'), small);
  const before = tree(join(dir, 'hf'));
  const env = { HF_HOME: join(dir, 'hf') };

  const read0 = bytesRead();
  const sync = await cli(dir, env, 'index', 'sync', '--json');
  const read = bytesRead() - read0;
  assert.equal(sync.code, 0, sync.stderr);
  assert.ok(read < BIG_DATA / 2, `read ${read} bytes for a ${BIG_DATA}-byte LFS blob: it must not be read in full`);

  const list = await cli(dir, env, 'index', 'list', '--json');
  const rows = list.json() as { filename: string; root: string; category: string | null; relativePath: string; sources: { type: string; url: string }[]; hash: string }[];
  const lfs = rows.find((r) => r.filename === 'detail.safetensors')!;
  assert.equal(lfs.root, join(dir, 'hf', 'hub'));
  assert.equal(lfs.category, 'loras', 'the category comes from the header');
  assert.deepEqual(lfs.sources, [{ type: 'huggingface', url: 'https://huggingface.co/someone/detail-lora/resolve/main/detail.safetensors' }]);
  const hashes = JSON.parse((await cli(dir, env, 'hash', join(snap, 'detail.safetensors'), '--json')).stdout) as { quickHash: string }[];
  assert.equal(hashes[0].quickHash, lfs.hash);
  const store = await IndexStore.open(join(dir, 'index.sqlite'));
  assert.equal(store.model(lfs.hash)?.sha256, lfsSha);
  assert.equal(store.model(lfs.hash)?.hashOrigin, 'hf-cache-blob');
  const tiny = rows.find((r) => r.relativePath.endsWith('small/tiny.safetensors'))!;
  assert.equal(store.model(tiny.hash)?.sha256, createHash('sha256').update(small).digest('hex'));
  store.close();

  const health = await cli(dir, env, 'health', '--json');
  const dupes = (health.json() as { duplicates: { copies: string[] }[] }).duplicates;
  assert.deepEqual(dupes.map((d) => d.copies.sort()), [[join(dir, 'hf', 'hub', 'models--someone--detail-lora', 'snapshots', COMMIT, 'small', 'tiny.safetensors'), join(dir, 'models', 'loras', 'tiny.safetensors')].sort()]);

  const into = await cli(dir, env, 'download', 'http://127.0.0.1:9/x.safetensors', '--category', 'loras', '--root', join(dir, 'hf', 'hub'));
  assert.equal(into.code, 2);
  assert.match(into.stderr, /Hugging Face cache, which Comfy Models only reads/);
  assert.deepEqual(tree(join(dir, 'hf')), before, 'nothing in the cache was written, moved or deleted');
});
