// Adding a model to a big pyproject.toml (issue 13, scale): the quick path (quickEdit.ts) writes exactly
// what the full editor writes, leaves every other byte alone, and steps aside whenever the layout is
// one it does not check.
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { editManifest, ManifestEditError, type ManifestEdit } from '../../server/src/core/manifest/edit';
import { fileIncludes } from '../../server/src/core/manifest/file';
import { QUICK_EDIT_FROM, quickScan } from '../../server/src/core/manifest/quickEdit';
import { readManifest } from '../../server/src/core/manifest/read';
import { applySplices } from '../../server/src/core/text';
import { bigManifest } from '../bench/scale';
import { cli } from '../helpers/cli';
import { tempDir, writeFile } from '../helpers/files';

/**
 * The quick path on a file's bytes fed as editManifestFile feeds them: regions of whole lines (here
 * `linesPerRegion` at a time), then the line above the insertion read back. The offset and text it would insert.
 */
function quickEditBytes(bytes: Buffer, edits: readonly ManifestEdit[], linesPerRegion = 1000): { offset: number; text: string } | undefined {
  const scan = quickScan(bytes.length, edits);
  if (!scan) return undefined;
  let start = 0;
  for (let end = 0, lines = 0; end < bytes.length; ) {
    const lf = bytes.indexOf(0x0a, end);
    end = lf < 0 ? bytes.length : lf + 1;
    if (++lines % linesPerRegion === 0 || end === bytes.length) {
      if (!scan.feed(bytes.subarray(start, end), start)) return undefined;
      start = end;
    }
  }
  const place = scan.place();
  const text = place && scan.insertion(bytes.toString('utf8', place.previous.offset, place.offset));
  return place && text !== undefined ? { offset: place.offset, text } : undefined;
}
const quickEdit = (text: string, edits: readonly ManifestEdit[]) => quickEditBytes(Buffer.from(text), edits);

const entries = 5_000; // ~1.6 MB, above QUICK_EDIT_FROM
const model = { hash: 'feedfacefeedface', filename: 'new.safetensors', category: 'loras', relativePath: 'loras/new.safetensors', size: 5, sources: [{ type: 'civitai' as const, url: 'https://civitai.com/api/download/models/1' }] };
const add: ManifestEdit[] = [{ kind: 'add-model', table: 'required', model }];

const layouts: Record<string, string> = {
  plain: bigManifest(entries),
  'CRLF line breaks': bigManifest(entries).replace(/\n/g, '\r\n'),
  'a table and comments after the entries': `${bigManifest(entries)}# the next table\n\n[tool.comfydock.workflows."main"]\npath = "main.json"\n`,
  'no final line break': bigManifest(entries).trimEnd(),
  // Byte offsets differ from character offsets before the insertion.
  'non-ASCII text above and in the last entry': bigManifest(entries).replace('name = "big"', 'name = "détail 模型"').replace(/model_4999\./g, 'modèle_4999.'),
};

for (const [name, text] of Object.entries(layouts)) {
  test(`quick add-model on a big manifest equals the full editor's result (${name})`, () => {
    assert.ok(text.length >= QUICK_EDIT_FROM);
    const bytes = Buffer.from(text);
    const expected = applySplices(text, editManifest(text, add));
    for (const linesPerRegion of [1, 7, 1_000_000]) {
      const quick = quickEditBytes(bytes, add, linesPerRegion);
      assert.ok(quick, 'the quick path takes it');
      const written = Buffer.concat([bytes.subarray(0, quick.offset), Buffer.from(quick.text), bytes.subarray(quick.offset)]);
      assert.equal(written.toString(), expected, `regions of ${linesPerRegion} lines`);
    }
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

/** A project with one indexed LoRA and a big pyproject.toml (through a symlink when `linked`). */
function bigProject(text: string | Buffer, linked = false) {
  const dir = tempDir('cm-mq-');
  const models = join(dir, 'models');
  const project = join(dir, 'project');
  writeFile(join(models, 'loras/l0.safetensors'), 'lora 0 bytes');
  mkdirSync(project, { recursive: true });
  const manifest = join(project, 'pyproject.toml');
  const target = linked ? join(dir, 'elsewhere.toml') : manifest;
  writeFileSync(target, text);
  if (linked) symlinkSync(target, manifest);
  const run = (...argv: string[]) => cli(project, '--index', join(dir, 'index.sqlite'), '--models-dir', models, '--project', project, ...argv);
  return { manifest, target, run };
}

test('model add on a big pyproject.toml: the byte order mark, the link, the mode and every other byte are kept', async () => {
  const before = Buffer.from('\uFEFF' + bigManifest(entries).replace('name = "big"', 'name = "détail"'));
  const { manifest, target, run } = bigProject(before, true);
  chmodSync(target, 0o600);
  const r = await run('model', 'add', 'l0.safetensors', '--json');
  assert.equal(r.code, 0, r.stderr);
  const after = readFileSync(target);
  assert.ok(after.subarray(0, before.length).equals(before), 'the old bytes are a prefix of the new ones');
  assert.match(after.subarray(before.length).toString(), /^"[0-9a-f]{16}" = \{ filename = "l0\.safetensors", category = "loras", relative_path = "loras\/l0\.safetensors", size = 12, .*\}\n$/);
  const m = readManifest(after.toString().slice(1));
  assert.equal(m.models.length, entries + 1);
  assert.equal(m.models.at(-1)?.hash, r.json().hash);
  assert.ok(lstatSync(manifest).isSymbolicLink(), 'the link stays a link');
  assert.equal(statSync(target).mode & 0o777, 0o600);
});

test('model add on a big pyproject.toml that mentions the model already: its sources are kept and it moves to required', async () => {
  const probe = bigProject(bigManifest(10));
  const hash = (await probe.run('model', 'add', 'l0.safetensors', '--json')).json().hash as string;
  const source = 'https://civitai.com/api/download/models/7';
  const text = `${bigManifest(entries)}\n[tool.comfydock.models.optional]\n"${hash}" = { filename = "l0.safetensors", category = "loras", relative_path = "loras/l0.safetensors", size = 12, sources = [{ type = "civitai", url = "${source}" }] }\n`;
  const { manifest, run } = bigProject(text);
  assert.equal((await run('model', 'add', 'l0.safetensors')).code, 0);
  const m = readManifest(readFileSync(manifest, 'utf8'));
  const entry = m.models.find((x) => x.hash === hash);
  assert.equal(entry?.table, 'required');
  assert.deepEqual(entry?.sources.map((s) => s.url), [source]);
  assert.equal(m.models.length, entries + 1);
});

test('model add on a big pyproject.toml with a byte that is not UTF-8: refused, no byte changes', async () => {
  const text = Buffer.from(bigManifest(entries));
  text[text.length - 30] = 0xff;
  const { manifest, run } = bigProject(text);
  const r = await run('model', 'add', 'l0.safetensors');
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`not valid UTF-8 \\(byte ${text.length - 30}\\)`));
  assert.ok(readFileSync(manifest).equals(text));
});

test('model add on a big pyproject.toml with a line longer than the quick path reads at a time: the full editor adds it', async () => {
  const text = bigManifest(entries).replace('[project]\n', `[project]\n# ${'x'.repeat(1_200_000)}\n`);
  const { manifest, run } = bigProject(text);
  const r = await run('model', 'add', 'l0.safetensors', '--json');
  assert.equal(r.code, 0, r.stderr);
  const after = readFileSync(manifest, 'utf8');
  const model = { hash: r.json().hash, filename: 'l0.safetensors', category: 'loras', relativePath: 'loras/l0.safetensors', size: 12, sources: [] };
  assert.equal(after, applySplices(text, editManifest(text, [{ kind: 'add-model', table: 'required', model }])));
});

test('fileIncludes finds text that straddles the pieces it reads, and only text that is there', async () => {
  const path = join(tempDir('cm-mq-'), 'big.toml');
  const bytes = Buffer.alloc(3 * 1024 * 1024, 'x');
  bytes.write('feedfacefeedface', 1024 * 1024 - 7);
  writeFileSync(path, bytes);
  assert.equal(await fileIncludes(path, 'feedfacefeedface'), true);
  assert.equal(await fileIncludes(path, 'feedfacefeedfacf'), false);
  assert.equal(await fileIncludes(join(path, '..', 'absent.toml'), 'feedface'), false);
});
