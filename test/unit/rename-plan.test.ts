// The pure parts of a model rename: which names are refused and why, the token text a reference gets,
// which files beside the model are its sidecars, and the minimal manifest edit of its path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editManifest } from '../../server/src/core/manifest/edit';
import { readManifest } from '../../server/src/core/manifest/read';
import { RenameRefused, renamedValue, renameTarget } from '../../server/src/core/refactor/newName';
import { sidecarRenames } from '../../server/src/core/refactor/sidecarMoves';
import { applySplices } from '../../server/src/core/text';
import type { ModelLocation } from '../../server/src/core/types';

const lora: ModelLocation = {
  hash: '0123456789abcdef', root: '/m', relativePath: 'loras/styles/old.safetensors', name: 'styles/old.safetensors', filename: 'old.safetensors',
  category: 'loras', size: 1, mtimeMs: 1,
};

test('renameTarget: a name under the same category folder; refusals name the reason', () => {
  assert.deepEqual(renameTarget(lora, 'styles\\new.safetensors', () => false), { name: 'styles/new.safetensors', relativePath: 'loras/styles/new.safetensors', filename: 'new.safetensors' });
  // A root holding one category directly has no category folder in its paths.
  const direct = { ...lora, relativePath: 'styles/old.safetensors' };
  assert.equal(renameTarget(direct, 'new.safetensors', () => false).relativePath, 'new.safetensors');
  const refusal = (name: string, exists = false) => {
    try {
      renameTarget(lora, name, () => exists);
    } catch (err) {
      assert.ok(err instanceof RenameRefused);
      return err.message;
    }
    return assert.fail(`'${name}' was not refused`);
  };
  assert.match(refusal(''), /empty/);
  assert.match(refusal('styles/../../x.safetensors'), /'\.\.' segment/);
  assert.match(refusal('a//b.safetensors'), /empty, '\.' or '\.\.' segment/);
  assert.match(refusal('C:/x.safetensors'), /absolute/);
  assert.match(refusal('new.ckpt'), /does not end with '\.safetensors'/);
  assert.match(refusal('styles/old.safetensors'), /already named/);
  assert.match(refusal('styles/new.safetensors', true), /already exists/);
  assert.match(refusal('sty|les.safetensors'), /characters/);
});

test('renamedValue keeps the workflow’s separator style and an embedding’s missing extension, JSON-escaped', () => {
  const target = renameTarget(lora, 'styles/new ü.safetensors', () => false);
  assert.equal(renamedValue('styles\\old.safetensors', lora.filename, target), 'styles\\\\new ü.safetensors');
  assert.equal(renamedValue('styles/old.safetensors', lora.filename, target), 'styles/new ü.safetensors');
  assert.equal(renamedValue('styles/old', lora.filename, target), 'styles/new ü');
});

test('sidecarRenames: known suffixes after the stem or the whole name, not another model’s files', () => {
  const siblings = ['old.safetensors', 'old.civitai.info', 'old.preview.PNG', 'old.safetensors.sha256', 'old.v2.png', 'older.png', 'old.ckpt', 'old.json'];
  assert.deepEqual(sidecarRenames('old.safetensors', 'new.safetensors', siblings), [
    { from: 'old.civitai.info', to: 'new.civitai.info' },
    { from: 'old.preview.PNG', to: 'new.preview.PNG' },
    { from: 'old.safetensors.sha256', to: 'new.safetensors.sha256' },
    { from: 'old.json', to: 'new.json' },
  ]);
});

test('set-model-path edits only the filename and relative_path strings the entry has', () => {
  const hash = lora.hash;
  const inline = `# top\n[tool.comfydock.models.required]\n"${hash}" = { filename = "old.safetensors", category = "loras", relative_path = "loras/styles/old.safetensors", size = 1, sources = [] } # c\n`;
  const edited = applySplices(inline, editManifest(inline, [{ kind: 'set-model-path', hash, filename: 'new.safetensors', relativePath: 'loras/styles/new.safetensors' }]));
  assert.equal(edited, inline.replace('"old.safetensors"', '"new.safetensors"').replace('loras/styles/old', 'loras/styles/new'));
  const table = `[tool.comfydock.models.required."${hash}"]\nrelative_path = 'loras/styles/old.safetensors'   # path\nsize = 1\n`;
  const edited2 = applySplices(table, editManifest(table, [{ kind: 'set-model-path', hash, filename: 'new.safetensors', relativePath: 'loras/new.safetensors' }]));
  assert.equal(edited2, table.replace("'loras/styles/old.safetensors'", '"loras/new.safetensors"'));
  assert.equal(readManifest(edited2).models[0].relativePath, 'loras/new.safetensors');
  assert.throws(() => editManifest(table, [{ kind: 'set-model-path', hash, filename: 'x', relativePath: '../x' }]), /refusing/);
});
