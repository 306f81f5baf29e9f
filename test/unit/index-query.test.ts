import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IndexSnapshot, type IndexedLocation } from '../../server/src/core/index/snapshot';

function loc(relativePath: string, hash: string, extra: Partial<IndexedLocation> = {}): IndexedLocation {
  const [folder, ...rest] = relativePath.split('/');
  const name = rest.join('/');
  return { hash, root: '/models', rootCategory: null, relativePath, name, filename: relativePath.split('/').pop()!, category: folder, size: 1, mtimeMs: 1, ...extra };
}

const snap = new IndexSnapshot(1, [
  loc('checkpoints/sd_xl_base_1.0.safetensors', 'aaaa000011112222', { sha256: 'f'.repeat(64) }),
  loc('checkpoints/SDXL/juggernautXL_v9.safetensors', 'bbbb000011112222'),
  loc('loras/xl/detail_tweaker_xl.safetensors', 'cccc000011112222'),
  loc('loras/detail.safetensors', 'dddd000011112222'),
  loc('vae/sdxl_vae.safetensors', 'eeee000011112222'),
]);

test('search ranks a hash prefix, then exact file name, then prefix, substring, words and subsequence', () => {
  assert.equal(snap.search('cccc00')[0].location.filename, 'detail_tweaker_xl.safetensors');
  assert.equal(snap.search('ffffffff')[0].location.hash, 'aaaa000011112222', 'full-hash prefix of 8+');
  assert.equal(snap.search('detail.safetensors')[0].location.name, 'detail.safetensors');
  assert.deepEqual(snap.search('detail').map((h) => h.location.name), ['detail.safetensors', 'xl/detail_tweaker_xl.safetensors']);
  assert.deepEqual(snap.search('tweaker detail').map((h) => h.location.name), ['xl/detail_tweaker_xl.safetensors']);
  assert.equal(snap.search('jggrnt')[0].location.filename, 'juggernautXL_v9.safetensors', 'subsequence');
  assert.deepEqual(snap.search('zzzz'), []);
});

test('search filters by category (aliases folded) and honours the limit', () => {
  assert.deepEqual(snap.search('xl', { category: 'vae' }).map((h) => h.location.name), ['sdxl_vae.safetensors']);
  assert.equal(snap.search('', { limit: 2 }).length, 2);
  assert.equal(snap.search('', { category: 'loras' }).length, 2);
});

test('search results of equal relevance come by category, then name (not by name length)', () => {
  // Empty query: every model is equally relevant, so the palette lists them by category and name.
  assert.deepEqual(snap.search('').map((h) => h.location.relativePath), [
    'checkpoints/sd_xl_base_1.0.safetensors',
    'checkpoints/SDXL/juggernautXL_v9.safetensors',
    'loras/detail.safetensors',
    'loras/xl/detail_tweaker_xl.safetensors',
    'vae/sdxl_vae.safetensors',
  ]);
  // Three file names that start with "xl" score the same: category, then name decide (not the shortest name).
  const tied = new IndexSnapshot(2, [
    loc('vae/xl_b.safetensors', '1111000011112222'),
    loc('loras/xl_bb.safetensors', '2222000011112222'),
    loc('loras/xl_a_long_name.safetensors', '3333000011112222'),
  ]);
  assert.deepEqual(tied.search('xl').map((h) => h.location.relativePath), [
    'loras/xl_a_long_name.safetensors',
    'loras/xl_bb.safetensors',
    'vae/xl_b.safetensors',
  ]);
});

test('IndexQuery lookups: by name (case-sensitive and not), file name, hash, full hash, category', () => {
  assert.equal(snap.byName('checkpoints', 'SDXL/juggernautXL_v9.safetensors').length, 1);
  assert.equal(snap.byName('checkpoints', 'sdxl/juggernautxl_v9.safetensors').length, 0);
  assert.equal(snap.byNameIgnoreCase('checkpoints', 'sdxl/juggernautxl_v9.safetensors').length, 1);
  assert.equal(snap.byName(null, 'checkpoints/SDXL/juggernautXL_v9.safetensors').length, 1, 'no category: the root-relative path too');
  assert.equal(snap.byFilename('DETAIL.safetensors').length, 1);
  assert.equal(snap.byHash('EEEE000011112222').length, 1);
  assert.equal(snap.byFullHash('sha256', 'F'.repeat(64)).length, 1);
  assert.equal(snap.byCategory('loras').length, 2);
  assert.equal(snap.byCategory(null).length, 5);
  assert.equal(snap.modelCount, 5);
});
