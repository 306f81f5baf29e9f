import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalCategory, categoryFolders, hasModelExtension, normalizeRelativePath } from '../../server/src/core/categories';
import { applySplices } from '../../server/src/core/text';

test('applySplices applies edits in any order and refuses overlaps', () => {
  assert.equal(applySplices('abcdef', [{ offset: 4, length: 1, text: 'X' }, { offset: 0, length: 2, text: '' }]), 'cdXf');
  assert.throws(() => applySplices('abcdef', [{ offset: 0, length: 3, text: '' }, { offset: 2, length: 1, text: '' }]), /overlapping/);
});

test('alias folders fold to their canonical category and back', () => {
  assert.equal(canonicalCategory('clip'), 'text_encoders');
  assert.equal(canonicalCategory('UNET'), 'diffusion_models');
  assert.equal(canonicalCategory('Checkpoints'), 'checkpoints');
  assert.equal(canonicalCategory('ipadapter'), 'ipadapter');
  assert.deepEqual(categoryFolders('text_encoders'), ['text_encoders', 'clip']);
  assert.deepEqual(categoryFolders('controlnet'), ['controlnet', 't2i_adapter']);
});

test('model extensions are matched case-insensitively and paths normalised to /', () => {
  assert.ok(hasModelExtension('A.SafeTensors'));
  assert.ok(hasModelExtension('x.gguf'));
  assert.ok(!hasModelExtension('config.yaml'));
  assert.equal(normalizeRelativePath('SDXL\\\\juggernaut.safetensors'), 'SDXL/juggernaut.safetensors');
  assert.equal(normalizeRelativePath('./checkpoints//a.ckpt'), 'checkpoints/a.ckpt');
});
