// A model library of 100,000 files and its index, generated directly (no hashing): tiny files on disk
// with a fixed modification time, and an index database written with the store API whose locations
// match them in size and mtime, so the server's sync at start finds every file unchanged.
//
//   writeBigLibrary(dir) -> { root, indexPath, total, biggest: { category, count } }
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

const require = createRequire(import.meta.url);
const { IndexStore } = require(join(repoRoot, 'out', 'server', 'src', 'core', 'index', 'store.js'));
const { QUICK_HASH_ALGORITHM } = require(join(repoRoot, 'out', 'server', 'src', 'core', 'hash', 'quickHash.js'));

/** Per category: files directly in it, and files spread over subfolders of 100. */
const LAYOUT = { loras: [50_000, 10_000], checkpoints: [20_000, 5_000], vae: [8_000, 0], embeddings: [7_000, 0] };
const MTIME_SECONDS = 1_700_000_000;

export async function writeBigLibrary(dir) {
  const root = join(dir, 'models');
  const indexPath = join(dir, 'index.sqlite');
  const ops = [];
  let n = 0;
  const add = (category, sub, i) => {
    const filename = `${category}_${String(i).padStart(6, '0')}.safetensors`;
    const name = sub ? `${sub}/${filename}` : filename;
    const relativePath = `${category}/${name}`;
    const path = join(root, relativePath);
    const content = `model ${n}`;
    writeFileSync(path, content);
    utimesSync(path, MTIME_SECONDS, MTIME_SECONDS);
    const hash = (0x1000000000000000n + BigInt(n) * 7919n).toString(16).slice(0, 16);
    ops.push({ op: 'model', hash, algorithm: QUICK_HASH_ALGORITHM, size: content.length, firstSeen: 0 });
    ops.push({
      op: 'locate',
      location: { hash, root, rootCategory: null, relativePath, name, filename, category, size: content.length, mtimeMs: MTIME_SECONDS * 1000 },
      lastSeen: 0,
    });
    n++;
  };
  for (const [category, [direct, nested]] of Object.entries(LAYOUT)) {
    mkdirSync(join(root, category), { recursive: true });
    for (let i = 0; i < direct; i++) add(category, '', i);
    for (let i = 0; i < nested; i++) {
      const sub = `set_${String(Math.floor(i / 100)).padStart(3, '0')}`;
      if (i % 100 === 0) mkdirSync(join(root, category, sub), { recursive: true });
      add(category, sub, direct + i);
    }
  }
  const store = await IndexStore.open(indexPath);
  store.apply(ops);
  await store.save();
  store.close();
  const [category, [direct, nested]] = Object.entries(LAYOUT)[0];
  return { root, indexPath, total: n, biggest: { category, count: direct + nested } };
}
