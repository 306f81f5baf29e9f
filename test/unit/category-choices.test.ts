// The category picker of "Download Model from URL…" and "Search Online…": one entry per folder ComfyUI
// reads, never an alias beside its canonical name (`clip` beside `text_encoders`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalCategory } from '../../server/src/core/categories';
import { categoryChoices } from '../../server/src/protocol';

test('the category picker offers each category once: alias folders are named beside their canonical category, not offered on their own', () => {
  const choices = categoryChoices();
  const names = choices.map((c) => c.category);
  assert.ok(!names.includes('clip') && !names.includes('unet'), names.join(', '));
  assert.equal(new Set(names.map(canonicalCategory)).size, names.length, 'no two entries are one folder');
  assert.deepEqual(choices.find((c) => c.category === 'text_encoders')?.aliases, ['clip']);
  assert.deepEqual(choices.find((c) => c.category === 'diffusion_models')?.aliases, ['unet']);
  assert.deepEqual(choices.slice(0, 3).map((c) => c.category), ['checkpoints', 'loras', 'vae']);
});
