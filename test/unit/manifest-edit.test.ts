import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editManifest, ManifestEditError, type ManifestEdit } from '../../server/src/core/manifest/edit';
import { parseToml, readManifest } from '../../server/src/core/manifest/read';
import type { ModelEntryInput } from '../../server/src/core/manifest/tomlText';
import { applySplices } from '../../server/src/core/text';
import { assertOnlySplicesChanged, fixture } from './manifestFixtures';

const model = (hash: string, extra: Partial<ModelEntryInput> = {}): ModelEntryInput => ({
  hash, filename: 'x.safetensors', category: 'checkpoints', relativePath: 'checkpoints/x.safetensors', size: 42, sources: [], ...extra,
});

/** Apply edits, check that only the splices changed bytes and that the result parses. */
function edit(text: string, edits: ManifestEdit[]): string {
  const splices = editManifest(text, edits);
  const result = applySplices(text, splices);
  assertOnlySplicesChanged(text, result, splices);
  assert.ok(parseToml(result).data, 'result parses');
  return result;
}

test('add a model to a project without a manifest: a new table at the end, the rest byte-identical', () => {
  const text = fixture('plain-project.toml');
  const result = edit(text, [{ kind: 'add-model', table: 'required', model: model('0123456789abcdef', { sources: [{ type: 'huggingface', url: 'https://huggingface.co/a/b/resolve/main/x.safetensors' }] }) }]);
  assert.ok(result.startsWith(text));
  assert.equal(result.slice(text.length), '\n[tool.comfydock.models.required]\n"0123456789abcdef" = { filename = "x.safetensors", category = "checkpoints", relative_path = "checkpoints/x.safetensors", size = 42, sources = [{ type = "huggingface", url = "https://huggingface.co/a/b/resolve/main/x.safetensors" }] }\n');
  const m = readManifest(result);
  assert.deepEqual(m.models.map((x) => [x.hash, x.size, x.sources.length]), [['0123456789abcdef', 42, 1]]);
});

test('add then remove gives back the original bytes (the created table goes with its last entry)', () => {
  for (const name of ['plain-project.toml', 'ours-full.toml', 'crlf.toml']) {
    const text = fixture(name);
    const added = edit(text, [
      { kind: 'add-model', table: 'optional', model: model('fedcba9876543210') },
      { kind: 'add-mapping', mapping: { workflow: 'new wf', workflowPath: 'workflows/new wf.json', reference: 'x.safetensors', hash: 'fedcba9876543210', nodes: [{ nodeId: '4', widgetIndex: 0 }] } },
    ]);
    const removed = edit(added, [{ kind: 'remove-model', hash: 'fedcba9876543210' }, { kind: 'remove-mapping', workflow: 'new wf', reference: 'x.safetensors' }]);
    // The workflow table (path) stays: only the mapping table was created empty-able.
    const withoutWorkflow = removed.replace(/\r?\n\[tool\.comfydock\.workflows\."new wf"\]\r?\npath = "workflows\/new wf\.json"\r?\n/, '');
    assert.equal(withoutWorkflow, text, name);
  }
});

test('edits in a file with comments, inline and multi-line tables keep every other byte', () => {
  const text = fixture('ours-full.toml');
  const result = edit(text, [
    { kind: 'add-model', table: 'optional', model: model('00000000000000aa', { filename: 'ünï "q".safetensors', relativePath: 'loras/ünï "q".safetensors', category: 'loras' }) },
    { kind: 'add-source', hash: '1234567890abcdef', source: { type: 'huggingface', url: 'https://huggingface.co/stabilityai/sd-vae-ft-mse/resolve/main/x.safetensors' } },
    { kind: 'add-source', hash: '0a1b2c3d4e5f6071', source: { type: 'civitai', url: 'https://civitai.com/api/download/models/7' } },
    { kind: 'remove-mapping', workflow: 'portrait', reference: 'sd15-missing.safetensors' },
    { kind: 'remove-model', hash: '9f2c51a0b7e4d3c1' },
  ]);
  assert.ok(result.includes('# the base checkpoint\n'), 'comment above a removed entry stays');
  assert.ok(!result.includes('# SDXL'), 'the comment on the removed line goes with it');
  assert.ok(result.includes('[tool.comfydock.models.optional]\n# nice to have\n"00000000000000aa"'));
  assert.ok(result.includes('    { type = "civitai", url = "https://civitai.com/api/download/models/155933" },\n, { type = "huggingface"') === false);
  const m = readManifest(result);
  assert.deepEqual(m.problems, []);
  assert.equal(m.models.find((x) => x.hash === '00000000000000aa')!.filename, 'ünï "q".safetensors');
  assert.deepEqual(m.models.find((x) => x.hash === '1234567890abcdef')!.sources.map((s) => s.type), ['url', 'civitai', 'huggingface']);
  assert.deepEqual(m.models.find((x) => x.hash === '0a1b2c3d4e5f6071')!.sources.map((s) => s.type), ['civitai']);
  assert.deepEqual([...m.workflows.get('portrait')!.mappings.keys()], ['style\\détail.safetensors']);
  assert.ok(result.includes('[tool.other]\nkeep = "me"\n'));
});

test('CRLF files get CRLF lines', () => {
  const text = fixture('crlf.toml');
  const result = edit(text, [
    { kind: 'add-model', table: 'required', model: model('0000000000000001') },
    { kind: 'add-mapping', mapping: { workflow: 'w', workflowPath: 'w.json', reference: 'x.safetensors', hash: '0000000000000001', nodes: [] } },
  ]);
  assert.doesNotMatch(result, /[^\r]\n/);
  assert.equal(readManifest(result).models.length, 2);
});

test('adding an existing model replaces it in place; adding it to the other table moves it', () => {
  const text = fixture('ours-full.toml');
  const replaced = edit(text, [{ kind: 'add-model', table: 'required', model: model('9f2c51a0b7e4d3c1', { size: 7 }) }]);
  assert.ok(replaced.includes('"9f2c51a0b7e4d3c1" = { filename = "x.safetensors", category = "checkpoints", relative_path = "checkpoints/x.safetensors", size = 7, sources = [] } # SDXL'));
  const moved = readManifest(edit(text, [{ kind: 'add-model', table: 'optional', model: model('9f2c51a0b7e4d3c1') }]));
  assert.deepEqual(moved.models.filter((x) => x.hash === '9f2c51a0b7e4d3c1').map((x) => x.table), ['optional']);
});

test('adding a source that is already there changes nothing', () => {
  const text = fixture('ours-full.toml');
  assert.deepEqual(editManifest(text, [{ kind: 'add-source', hash: '1234567890abcdef', source: { type: 'url', url: 'https://example.com/vae-ft-mse.safetensors' } }]), []);
});

test('refusals: missing entries, malformed files, other generations, unsafe input, unusual layouts', () => {
  const ours = fixture('ours-full.toml');
  const refuse = (text: string, edits: ManifestEdit[], pattern: RegExp) =>
    assert.throws(() => editManifest(text, edits), (err: unknown) => err instanceof ManifestEditError && pattern.test(err.message));
  refuse(ours, [{ kind: 'remove-model', hash: 'ffffffffffffffff' }], /not in the manifest/);
  refuse(ours, [{ kind: 'remove-mapping', workflow: 'portrait', reference: 'nope' }], /no mapping/);
  refuse(ours, [{ kind: 'add-source', hash: 'ffffffffffffffff', source: { type: 'url', url: 'https://x' } }], /not in the manifest/);
  refuse(fixture('malformed.toml'), [{ kind: 'add-model', table: 'required', model: model('0123456789abcdef') }], /cannot be parsed/);
  refuse(fixture('comfygit.toml'), [{ kind: 'add-model', table: 'required', model: model('0123456789abcdef') }], /comfygit/);
  refuse(ours, [{ kind: 'add-model', table: 'required', model: model('0123456789abcdef', { relativePath: '../escape.safetensors' }) }], /'\.\.'/);
  refuse(ours, [{ kind: 'add-model', table: 'required', model: model('0123456789abcdef', { sources: [{ type: 'url', url: 'file:///etc/passwd' }] }) }], /http/);
  refuse(ours, [{ kind: 'add-model', table: 'required', model: model('XYZ') }], /quick hash/);
  refuse(ours, [{ kind: 'add-source', hash: '1234567890abcdef', source: { type: 'url', url: 'javascript:alert(1)' } }], /http/);
  const dotted = '[tool.comfydock]\nmodels.required."0123456789abcdef" = { filename = "a", category = "c", relative_path = "c/a", size = 1 }\n';
  refuse(dotted, [{ kind: 'add-model', table: 'required', model: model('1111111111111111') }], /dotted keys/);
  refuse(dotted, [{ kind: 'remove-model', hash: '0123456789abcdef' }], /intended data/);
  const inlineParent = '[tool]\ncomfydock = { }\n';
  refuse(inlineParent, [{ kind: 'add-model', table: 'required', model: model('1111111111111111') }], /TOML|intended/);
});
