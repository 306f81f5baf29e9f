// Resolution statuses, every `via`, both flags, ambiguity, mapped-model-gone and fuzzy confidence,
// against a generated library served by the index's read side.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuzzyCandidates, fuzzyScore, resolveReferences, sequenceRatio, type Resolution } from '../../server/src/core/resolve';
import type { IndexQuery, ModelReference } from '../../server/src/core/types';
import { libraryIndex } from './resolve-library';

function ref(value: string, category: string | null, extra: Partial<ModelReference> = {}): ModelReference {
  return { nodeId: '1', nodeType: 'X', widgetIndex: 0, value, category, active: true, offset: 0, length: value.length, kind: 'loader', ...extra };
}

const SHA = 'ab'.repeat(32);
const index = libraryIndex([
  'checkpoints/sd_xl_base_1.0.safetensors',
  'checkpoints/SDXL/juggernaut.safetensors',
  'checkpoints/Mixed.Case.safetensors',
  'checkpoints/a/dup.safetensors',
  'checkpoints/b/dup.safetensors',
  'loras/detail.safetensors',
  'loras/only-here.safetensors',
  'clip/t5xxl_fp16.safetensors',
  'unet/flux1-dev-Q4.gguf',
  'embeddings/BadDream.pt',
  'vae_approx/taesd_encoder.pth',
  'vae_approx/taesd_decoder.pth',
  'vae_approx/taesdxl_decoder.pth',
  'at-root.safetensors',
  'custom_pack/foo.bin',
  { path: 'vae/renamed-by-user.safetensors', sha256: SHA, hash: 'feedfacefeedface' },
]);

function one(r: ModelReference, ctx: { index?: IndexQuery; mappings?: ReadonlyMap<string, { hash: string }> } = {}): Resolution {
  return resolveReferences([r], { index: ctx.index ?? index, mappings: ctx.mappings })[0].resolution;
}

function resolved(res: Resolution): Extract<Resolution, { status: 'resolved' }> {
  assert.equal(res.status, 'resolved', JSON.stringify(res));
  return res as Extract<Resolution, { status: 'resolved' }>;
}

test('exact: the value under any folder of its category, alias folders included, Windows separators normalised', () => {
  assert.equal(resolved(one(ref('sd_xl_base_1.0.safetensors', 'checkpoints'))).via, 'exact');
  assert.equal(resolved(one(ref('SDXL\\juggernaut.safetensors', 'checkpoints'))).location.relativePath, 'checkpoints/SDXL/juggernaut.safetensors');
  assert.equal(resolved(one(ref('t5xxl_fp16.safetensors', 'text_encoders'))).location.relativePath, 'clip/t5xxl_fp16.safetensors');
  const gguf = resolved(one(ref('flux1-dev-Q4.gguf', 'diffusion_models')));
  assert.deepEqual([gguf.via, gguf.flags], ['exact', []]);
});

test('case-insensitive match', () => {
  const r = resolved(one(ref('mixed.case.SAFETENSORS', 'checkpoints')));
  assert.equal(r.via, 'case-insensitive');
  assert.equal(r.location.name, 'Mixed.Case.safetensors');
});

test('same file name in another subfolder: one → wrong-folder; several → ambiguous with candidates', () => {
  const r = resolved(one(ref('juggernaut.safetensors', 'checkpoints')));
  assert.deepEqual([r.via, r.flags], ['filename', ['wrong-folder']]);
  const amb = one(ref('dup.safetensors', 'checkpoints'));
  assert.equal(amb.status, 'ambiguous');
  if (amb.status === 'ambiguous') assert.deepEqual(amb.candidates.map((c) => c.relativePath), ['checkpoints/a/dup.safetensors', 'checkpoints/b/dup.safetensors']);
});

test('embedded sha256 from models metadata matches a full hash the index knows', () => {
  const r = resolved(one(ref('original-name.safetensors', 'vae', { metadata: [{ name: 'original-name.safetensors', hash: SHA.toUpperCase(), hashType: 'SHA256' }] })));
  assert.deepEqual([r.via, r.location.filename, r.flags], ['hash', 'renamed-by-user.safetensors', ['wrong-folder']]);
  assert.equal(one(ref('original-name.safetensors', 'vae', { metadata: [{ name: 'x', hash: SHA, hashType: 'md5' }] })).status, 'missing');
});

test('found only in a folder of another category → resolved with category-mismatch', () => {
  const r = resolved(one(ref('only-here.safetensors', 'checkpoints')));
  assert.deepEqual([r.via, r.flags, r.location.category], ['exact', ['category-mismatch'], 'loras']);
  const byFile = resolved(one(ref('SD15/detail.safetensors', 'checkpoints')));
  assert.deepEqual([byFile.via, byFile.flags], ['filename', ['category-mismatch']]);
});

test('saved mapping wins; a mapping whose model is gone is missing with its hash and download URLs', () => {
  const mappings = new Map([['whatever.safetensors', { hash: 'feedfacefeedface' }], ['gone.safetensors', { hash: '0123456789abcdef' }]]);
  const r = resolved(one(ref('whatever.safetensors', 'vae'), { mappings }));
  assert.deepEqual([r.via, r.location.filename], ['mapping', 'renamed-by-user.safetensors']);
  const gone = one(ref('gone.safetensors', 'vae', { metadata: [{ name: 'gone.safetensors', url: 'https://huggingface.co/o/r/resolve/main/gone.safetensors' }] }), { mappings });
  assert.deepEqual(gone.status === 'missing' && [gone.reason, gone.hash, gone.downloadUrls], ['mapped-model-gone', '0123456789abcdef', ['https://huggingface.co/o/r/resolve/main/gone.safetensors']]);
});

test('references with no category resolve against any category folder and the roots', () => {
  assert.equal(resolved(one(ref('detail.safetensors', null, { kind: 'pattern' }))).location.relativePath, 'loras/detail.safetensors');
  assert.equal(resolved(one(ref('at-root.safetensors', null, { kind: 'pattern' }))).location.relativePath, 'at-root.safetensors');
  assert.equal(resolved(one(ref('foo.bin', null, { kind: 'pattern' }))).location.category, 'custom_pack');
});

test('embeddings: NAME, NAME.safetensors, NAME.pt, NAME.bin', () => {
  const r = resolved(one(ref('BadDream', 'embeddings', { kind: 'embedding' })));
  assert.equal(r.location.filename, 'BadDream.pt');
  assert.equal(resolved(one(ref('BadDream.pt', 'embeddings', { kind: 'embedding' }))).via, 'exact');
  assert.equal(one(ref('GoodDream', 'embeddings', { kind: 'embedding' })).status, 'missing');
});

test('VAELoader pseudo-values need both encoder and decoder in vae_approx', () => {
  assert.equal(resolved(one(ref('taesd', 'vae_approx', { kind: 'vae-approx' }))).location.filename, 'taesd_decoder.pth');
  assert.equal(one(ref('taesdxl', 'vae_approx', { kind: 'vae-approx' })).status, 'missing');
});

test('inactive references are not resolved', () => {
  assert.deepEqual(one(ref('nope.safetensors', 'checkpoints', { active: false })), { status: 'inactive' });
});

test('missing: fuzzy candidates of the same category, best first, with confidence levels', () => {
  const lib = libraryIndex([
    'loras/add_detail_xl.safetensors',
    'loras/add-detail.safetensors',
    'loras/detail_tweaker.safetensors',
    'loras/zzz.safetensors',
  ]);
  const res = one(ref('add_detail.safetensors', 'loras', { metadata: [{ name: 'add_detail.safetensors', url: 'https://civitai.com/api/download/models/1' }] }), { index: lib });
  assert.equal(res.status, 'missing');
  if (res.status !== 'missing') return;
  assert.equal(res.reason, 'not-found');
  assert.deepEqual(res.downloadUrls, ['https://civitai.com/api/download/models/1']);
  assert.deepEqual(res.candidates.map((c) => [c.relativePath, c.confidence]), [
    ['loras/add_detail_xl.safetensors', 'high'],
    ['loras/add-detail.safetensors', 'high'],
    ['loras/detail_tweaker.safetensors', 'possible'],
    // Stems are compared, not the shared `.safetensors` (which lifted `zzz` to 0.65 when whole names were).
  ]);
  assert.ok(res.candidates.every((c, i, all) => c.score > 0.3 && (i === 0 || all[i - 1].score >= c.score)));
  const lib2 = libraryIndex(['checkpoints/realistic_vision_v51.safetensors', 'checkpoints/juggernaut_reborn.ckpt', 'checkpoints/deliberate_v2.safetensors']);
  assert.deepEqual(fuzzyCandidates('realvis.ckpt', lib2.byCategory('checkpoints')).slice(0, 1).map((c) => [c.location.filename, c.confidence]), [['realistic_vision_v51.safetensors', 'possible']]);
  assert.deepEqual(fuzzyCandidates('juggernaut_xl.safetensors', lib2.byCategory('checkpoints')).map((c) => c.confidence)[0], 'good');
});

test('sequenceRatio equals Python difflib ratios; fuzzyScore compares stems and adds 0.15 for a substring', () => {
  // Vectors computed with CPython's difflib.SequenceMatcher(None, a, b).ratio().
  assert.equal(sequenceRatio('abcd', 'bcde'), 0.75);
  assert.equal(sequenceRatio('flux1-dev.safetensors', 'flux1-dev-fp8.safetensors'), 0.9130434782608695);
  assert.equal(sequenceRatio('sd_xl_base_1.0', 'sdxl_base'), 0.782608695652174);
  assert.equal(sequenceRatio('aaaab', 'abaaa'), 0.6);
  assert.equal(sequenceRatio('qwertyuiop', 'poiuytrewq'), 0.1);
  assert.equal(sequenceRatio('x', ''), 0);
  assert.equal(sequenceRatio('v1-5-pruned-emaonly.ckpt', 'v1-5-pruned.ckpt'), 0.8);
  assert.equal(fuzzyScore('flux1-dev.safetensors', 'flux1-dev-fp8.safetensors'), sequenceRatio('flux1-dev', 'flux1-dev-fp8') + 0.15);
  assert.equal(fuzzyScore('qwertyuiop.pt', 'poiuytrewq.pt'), 0.1);
  assert.equal(fuzzyScore('ae.safetensors', 'sdxl_vae.safetensors'), sequenceRatio('ae', 'sdxl_vae') + 0.15);
  assert.ok(fuzzyScore('zzz.safetensors', 'add_detail.safetensors') < 0.3);
});

test('fuzzy search over 100,000 names: exact scores, best first', () => {
  const files: string[] = [];
  for (let i = 0; i < 100_000; i++) files.push(`loras/pack${i % 97}/style_${i.toString(36)}_v${i % 7}.safetensors`);
  files.push('loras/detail_tweaker_xl.safetensors', 'loras/detail-tweaker.safetensors', 'loras/tweaker_detail.safetensors');
  const all = libraryIndex(files).byCategory('loras');
  const started = performance.now();
  const found = fuzzyCandidates('detail_tweaker.safetensors', all, 5);
  const elapsed = performance.now() - started;
  assert.equal(found.length, 5);
  assert.deepEqual(found.slice(0, 2).map((c) => c.relativePath), ['loras/detail_tweaker_xl.safetensors', 'loras/detail-tweaker.safetensors']);
  for (const c of found) assert.equal(c.score, fuzzyScore('detail_tweaker.safetensors', c.location.filename.toLowerCase()));
  assert.ok(found.every((c, i) => i === 0 || found[i - 1].score >= c.score));
  console.log(`# fuzzy over ${all.length} names: ${elapsed.toFixed(1)} ms`);
});

test('a reference of unknown category found only by file name in another folder is a candidate, never wrong-folder', () => {
  // A custom node resolves its own paths: `sub/only-here.safetensors` is not `loras/only-here.safetensors`.
  const r = one(ref('sub/only-here.safetensors', null, { kind: 'pattern' }));
  assert.equal(r.status, 'missing', JSON.stringify(r));
  assert.deepEqual(r.status === 'missing' && r.candidates.map((c) => c.location.relativePath), ['loras/only-here.safetensors']);
});
