// The server's manifest cache: discovery answers from what was read once, loaded asynchronously, and
// follows a manifest that appears, changes or goes away once the server drops its entry.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ManifestCache } from '../../server/src/engine/manifestCache';
import { tempDir, writeFile } from '../helpers/files';

test('the manifest cache finds the nearest pyproject.toml and keeps answering from memory until an entry is dropped', async () => {
  const ws = tempDir('cm-manifest-cache-');
  const workflow = join(ws, 'flows/sub/main.json');
  writeFile(workflow, '{}');
  const top = join(ws, 'pyproject.toml');
  const near = join(ws, 'flows/pyproject.toml');
  writeFile(top, '[project]\nname = "top"\n');
  try {
    const cache = new ManifestCache();
    await cache.load(workflow, ws);
    assert.deepEqual(cache.find(workflow, ws), { path: top, exists: true });
    assert.match(cache.diskText(top)!, /name = "top"/);

    // Changes on disk are not seen until the server drops the entry (on the watched-file event).
    writeFile(near, '[project]\nname = "near"\n');
    writeFileSync(top, '[project]\nname = "changed"\n');
    assert.equal(cache.find(workflow, ws).path, top);
    assert.match(cache.diskText(top)!, /name = "top"/);
    cache.drop(near);
    cache.drop(top);
    await cache.load(workflow, ws);
    assert.deepEqual(cache.find(workflow, ws), { path: near, exists: true });
    assert.match(cache.diskText(top)!, /name = "changed"/);

    rmSync(near);
    rmSync(top);
    cache.drop(near);
    cache.drop(top);
    assert.deepEqual(cache.find(workflow, ws), { path: top, exists: false }, 'none left: the folder\'s manifest, to be created');
    assert.equal(cache.diskText(top), undefined);
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});

test('a FIFO at pyproject.toml never blocks the manifest cache (async load or sync read); a BOM is hidden as the editor hides it', { timeout: 30_000 }, async () => {
  const ws = tempDir('cm-manifest-cache-');
  const workflow = join(ws, 'flows/main.json');
  writeFile(workflow, '{}');
  const fifo = join(ws, 'flows/pyproject.toml');
  const top = join(ws, 'pyproject.toml');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(top, '\uFEFF[project]\nname = "top"\n');
  try {
    const cache = new ManifestCache();
    await cache.load(workflow, ws); // returns: the FIFO is not read, its folder counts as having no manifest
    assert.deepEqual(cache.find(workflow, ws), { path: top, exists: true });
    assert.equal(cache.diskText(top), '[project]\nname = "top"\n');
    assert.equal(new ManifestCache().diskText(fifo), undefined, 'the synchronous read refuses the FIFO too');
  } finally {
    rmSync(ws, { recursive: true, force: true });
  }
});
