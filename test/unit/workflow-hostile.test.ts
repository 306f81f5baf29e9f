// Hostile workflow JSON (issue 13): duplicate keys (the last one wins, as in ComfyUI), nesting deep
// enough to overflow a recursive parser, a byte order mark.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseWorkflow } from '../../server/src/core/workflow';
import { cli } from '../helpers/cli';
import { tempDir } from '../helpers/files';

const brief = (text: string) => parseWorkflow(text).references.map((r) => [r.nodeId, r.value, r.active, text.slice(r.offset, r.offset + r.length)]);

test('duplicate keys: the last widgets_values, mode and inputs win (UI and API formats), spans point at them', () => {
  const uiText = `{"nodes": [
    {"id": 1, "type": "CheckpointLoaderSimple", "mode": 0, "widgets_values": ["first.safetensors"], "widgets_values": ["last.safetensors"]},
    {"id": 2, "type": "LoraLoader", "mode": 0, "mode": 4, "widgets_values": ["lora.safetensors", 1, 1]}
  ], "links": [], "version": 0.4}`;
  assert.deepEqual(brief(uiText), [
    ['1', 'last.safetensors', true, 'last.safetensors'],
    ['2', 'lora.safetensors', false, 'lora.safetensors'],
  ]);
  const apiText = `{"3": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "first.safetensors"}, "inputs": {"ckpt_name": "last.safetensors"}},
    "4": {"class_type": "VAELoader", "inputs": {"vae_name": "a.safetensors", "vae_name": "b.safetensors"}}}`;
  assert.deepEqual(brief(apiText).map((r) => r[1]), ['last.safetensors', 'b.safetensors']);
  // The same node id twice at the top of an API workflow: the last node is the one ComfyUI runs.
  const twice = `{"3": {"class_type": "VAELoader", "inputs": {"vae_name": "old.safetensors"}}, "3": {"class_type": "VAELoader", "inputs": {"vae_name": "new.safetensors"}}}`;
  assert.deepEqual(brief(twice).map((r) => r[1]), ['new.safetensors']);
});

function deepWorkflow(depth: number): string {
  return `{"nodes": [{"id": 1, "type": "CheckpointLoaderSimple", "mode": 0, "widgets_values": ["sd15.safetensors"]}], "links": [], "extra": {"junk": ${'['.repeat(depth)}${']'.repeat(depth)}}, "version": 0.4}`;
}

test('nesting 10,000 levels deep: no stack overflow, a clear invalid-JSON error; refs exits 2 saying why', async () => {
  for (const depth of [5_000, 10_000]) {
    const parsed = parseWorkflow(deepWorkflow(depth));
    assert.equal(parsed.errors.length, 1);
    assert.match(parsed.errors[0].message, /nested deeper than/);
  }
  const dir = tempDir('cm-wfh-');
  writeFileSync(join(dir, 'deep.json'), deepWorkflow(10_000));
  const r = await cli(dir, 'refs', 'deep.json');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /nested deeper than/);
  // Ordinary nesting is untouched.
  assert.deepEqual(parseWorkflow(deepWorkflow(100)).errors, []);
});

test('a UTF-8 byte order mark before a workflow is accepted', async () => {
  const text = `{"nodes": [{"id": 1, "type": "CheckpointLoaderSimple", "mode": 0, "widgets_values": ["sd15.safetensors"]}], "links": [], "version": 0.4}`;
  assert.deepEqual(parseWorkflow('\uFEFF' + text).errors, []);
  assert.deepEqual(brief('\uFEFF' + text).map((r) => r[3]), ['sd15.safetensors']);
  const dir = tempDir('cm-wfh-');
  writeFileSync(join(dir, 'bom.json'), '\uFEFF' + text);
  const r = await cli(dir, 'refs', 'bom.json', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json().references[0].value, 'sd15.safetensors');
});
