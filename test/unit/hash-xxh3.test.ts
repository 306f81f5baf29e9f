import assert from 'node:assert/strict';
import { openSync, readSync, closeSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { xxhash128 } from 'hash-wasm';
import { sampleRanges } from '../../server/src/core/hash/quickHash';
import { quickHashXxh3File } from '../../server/src/core/hash/quickHashXxh3';
import { IndexStore } from '../../server/src/core/index/store';
import { sqlite } from '../../server/src/core/index/sqlite';
import { tempDir, writePatternFile, writeFile } from '../helpers/files';

/** The byte stream of reference/comfygit.md §1.1 built in one piece and hashed in one call. */
function oneShot(path: string): Buffer[] {
  const size = statSync(path).size;
  const parts: Buffer[] = [Buffer.from(String(size))];
  const fd = openSync(path, 'r');
  for (const [offset, length] of sampleRanges(size)) {
    const b = Buffer.alloc(length);
    readSync(fd, b, 0, length, offset);
    parts.push(b);
  }
  closeSync(fd);
  return parts;
}

test('XXH3-128 quick hash: the canonical (big-endian) digest, first 16 hex, over the same samples as the BLAKE3 one', async () => {
  // Pins hash-wasm's digest order to XXH3's canonical form (python-xxhash hexdigest): XXH3_128("") vector.
  assert.equal(await xxhash128(''), '99aa06d3014798d86001c324468d497f');
  const dir = tempDir('cm-xxh3-');
  for (const size of [0, 1, 1000, 5 * 1024 * 1024 + 1, 31457280, 31457281]) {
    const path = join(dir, `p${size}`);
    writePatternFile(path, size);
    const expected = (await xxhash128(Buffer.concat(oneShot(path)))).slice(0, 16);
    const got = await quickHashXxh3File(path);
    assert.deepEqual(got, { size, quickHash: expected }, `size ${size}`);
  }
  // Bytes beyond the samples do not count (as comfygit), bytes inside them do.
  writeFile(join(dir, 'a'), Buffer.alloc(6 * 1024 * 1024, 1));
  const b = Buffer.alloc(6 * 1024 * 1024, 1);
  b[6 * 1024 * 1024 - 1] = 2;
  writeFile(join(dir, 'b'), b);
  assert.equal((await quickHashXxh3File(join(dir, 'a'))).quickHash, (await quickHashXxh3File(join(dir, 'b'))).quickHash);
  b[0] = 2;
  writeFile(join(dir, 'b'), b);
  assert.notEqual((await quickHashXxh3File(join(dir, 'a'))).quickHash, (await quickHashXxh3File(join(dir, 'b'))).quickHash);
  // A FIFO where a model was: refused at once, never waiting for a writer (as the BLAKE3 quick hash).
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  await assert.rejects(quickHashXxh3File(join(dir, 'pipe')), /not a regular file/);
});

test('a cached XXH3 value survives a save and reopen of the index (forward migration)', async () => {
  const path = join(tempDir('cm-xxh3-index-'), 'index.sqlite');
  const store = await IndexStore.open(path);
  store.apply([{ op: 'model', hash: '0123456789abcdef', algorithm: 'blake3-sample-v1', size: 3, firstSeen: 1 }, { op: 'quickVariant', hash: '0123456789abcdef', algorithm: 'xxh3-128-sample-v1', value: 'fedcba9876543210' }]);
  await store.save();
  store.close();
  const again = await IndexStore.open(path);
  assert.equal(again.quickVariant('0123456789abcdef', 'xxh3-128-sample-v1'), 'fedcba9876543210');
  assert.equal(again.quickVariant('0123456789abcdef', 'other'), undefined);
  again.close();
});

test('an index of schema 1 (before the XXH3 cache) is migrated forward with its rows and sources kept', async () => {
  const path = join(tempDir('cm-xxh3-migrate-'), 'index.sqlite');
  const store = await IndexStore.open(path);
  store.apply([
    { op: 'model', hash: '0123456789abcdef', algorithm: 'blake3-sample-v1', size: 3, firstSeen: 1 },
    { op: 'source', hash: '0123456789abcdef', source: { type: 'url', url: 'https://example.org/m' }, addedAt: 1 },
  ]);
  await store.save();
  store.close();
  // Turn the file into what the previous release wrote: schema version 1, without what later
  // migrations add (the header columns of schema 2, the cache table of schema 3).
  const SQL = await sqlite();
  const db = new SQL.Database(readFileSync(path));
  db.run(`DROP TABLE quick_hash_variants;
    ALTER TABLE models DROP COLUMN base_model; ALTER TABLE models DROP COLUMN model_kind; ALTER TABLE models DROP COLUMN header_info;
    ALTER TABLE model_locations DROP COLUMN header_stamp;
    UPDATE schema_info SET version = 1;`);
  writeFileSync(path, db.export());
  db.close();
  const again = await IndexStore.open(path);
  assert.equal(again.message, undefined, 'not treated as corrupt');
  assert.deepEqual(again.sources('0123456789abcdef'), [{ type: 'url', url: 'https://example.org/m' }]);
  again.apply([{ op: 'quickVariant', hash: '0123456789abcdef', algorithm: 'xxh3-128-sample-v1', value: 'fedcba9876543210' }]);
  assert.equal(again.quickVariant('0123456789abcdef', 'xxh3-128-sample-v1'), 'fedcba9876543210');
  again.close();
});
