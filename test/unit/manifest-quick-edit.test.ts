// Adding a model to a big pyproject.toml (issue 13, scale): the quick path (quickEdit.ts) writes exactly
// what the full editor writes, leaves every other byte alone, and steps aside whenever the layout is
// one it does not check.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { editManifest, ManifestEditError, type ManifestEdit } from '../../server/src/core/manifest/edit';
import { QUICK_EDIT_FROM, quickEdit } from '../../server/src/core/manifest/quickEdit';
import { applySplices } from '../../server/src/core/text';
import { bigManifest } from '../bench/scale';

const entries = 5_000; // ~1.6 MB, above QUICK_EDIT_FROM
const model = { hash: 'feedfacefeedface', filename: 'new.safetensors', category: 'loras', relativePath: 'loras/new.safetensors', size: 5, sources: [{ type: 'civitai' as const, url: 'https://civitai.com/api/download/models/1' }] };
const add: ManifestEdit[] = [{ kind: 'add-model', table: 'required', model }];

const layouts: Record<string, string> = {
  plain: bigManifest(entries),
  'CRLF line breaks': bigManifest(entries).replace(/\n/g, '\r\n'),
  'a table and comments after the entries': `${bigManifest(entries)}# the next table\n\n[tool.comfydock.workflows."main"]\npath = "main.json"\n`,
  'no final line break': bigManifest(entries).trimEnd(),
};

for (const [name, text] of Object.entries(layouts)) {
  test(`quick add-model on a big manifest equals the full editor's result (${name})`, () => {
    assert.ok(text.length >= QUICK_EDIT_FROM);
    const quick = quickEdit(text, add);
    assert.ok(quick, 'the quick path takes it');
    assert.equal(quick.length, 1);
    assert.equal(quick[0].length, 0, 'an insertion: every existing byte stays');
    assert.equal(applySplices(text, quick), applySplices(text, editManifest(text, add)));
  });
}

test('the quick path steps aside for what it does not check; unsafe input is refused as by the full editor', () => {
  const text = bigManifest(entries);
  assert.equal(quickEdit(bigManifest(100), add), undefined, 'a small file: the full editor');
  assert.equal(quickEdit(text.replace('"0000000000000001"', `"${model.hash}"`), add), undefined, 'the hash is already mentioned');
  assert.equal(quickEdit(`${text}x = """\n[tool.comfydock.models.required]\n"""\n`, add), undefined, 'multi-line strings');
  assert.equal(quickEdit(text.replace('[tool.comfydock.models.required]', '[ tool.comfydock.models."required" ]'), add), undefined, 'the header written another way');
  assert.equal(quickEdit(`${text}[[tool.comfydock.workflows.main.models]]\nhash = "1"\n`, add), undefined, 'arrays of tables');
  assert.equal(quickEdit(`${text}x = [\n  1,\n]\n`.replace('[tool.comfydock.models.required]', '[tool.comfydock.models.optional]\n[tool.comfydock.models.required]'), add), undefined, 'the last line only continues an array');
  assert.equal(quickEdit(text, [...add, ...add]), undefined, 'more than one edit');
  assert.throws(() => quickEdit(text, [{ kind: 'add-model', table: 'required', model: { ...model, relativePath: '../../etc/passwd' } }]), ManifestEditError);
});
