import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readManifest } from '../../server/src/core/manifest/read';
import { scanToml, pathKey } from '../../server/src/core/manifest/tomlScan';
import type { Span } from '../../server/src/core/text';
import { fixture } from './manifestFixtures';

const at = (text: string, span: Span) => text.slice(span.offset, span.offset + span.length);

test('our schema: models in both tables, sources, mappings with nodes, spans of keys and values', () => {
  const text = fixture('ours-full.toml');
  const m = readManifest(text);
  assert.equal(m.flavour, 'comfydock');
  assert.deepEqual(m.hashAlgorithms, ['blake3']);
  assert.deepEqual(m.problems, []);
  assert.deepEqual(m.models.map((x) => [x.hash, x.table, x.safe]), [
    ['9f2c51a0b7e4d3c1', 'required', true],
    ['0a1b2c3d4e5f6071', 'required', true],
    ['1234567890abcdef', 'required', true],
  ]);
  const lora = m.models[1];
  assert.equal(lora.filename, 'détail_lora.safetensors');
  assert.equal(lora.relativePath, 'loras/style/détail_lora.safetensors');
  assert.equal(at(text, lora.keySpan), "'0a1b2c3d4e5f6071'");
  assert.deepEqual(m.models[2].sources, [
    { type: 'url', url: 'https://example.com/vae-ft-mse.safetensors' },
    { type: 'civitai', url: 'https://civitai.com/api/download/models/155933' },
  ]);
  const wf = m.workflows.get('portrait')!;
  assert.equal(wf.path, 'workflows/portrait.json');
  assert.equal(at(text, wf.keySpan), '"portrait"');
  const mapping = wf.mappings.get('style\\détail.safetensors')!;
  assert.equal(mapping.hash, '0a1b2c3d4e5f6071');
  assert.deepEqual(mapping.nodes, [{ nodeId: '12', widgetIndex: 0 }, { nodeId: '205:76:203', widgetIndex: 0 }]);
  assert.equal(at(text, mapping.keySpan), '"style\\\\détail.safetensors"');
  assert.equal(at(text, mapping.hashSpan), '0a1b2c3d4e5f6071');
});

test('a project without a manifest reads as empty, with no problems', () => {
  const m = readManifest(fixture('plain-project.toml'));
  assert.equal(m.flavour, null);
  assert.deepEqual([m.models, [...m.workflows], m.problems, m.malformed], [[], [], [], false]);
  assert.deepEqual(readManifest('').models, []);
});

test('CRLF manifest: spans are offsets into the CRLF text', () => {
  const text = fixture('crlf.toml');
  assert.ok(text.includes('\r\n'));
  const m = readManifest(text);
  assert.deepEqual(m.problems, []);
  assert.equal(at(text, m.models[0].keySpan), '"abcdefabcdefabcd"');
});

test('comfygit manifest: global table, URL-string sources, resolved array entries map their widget values', () => {
  const text = fixture('comfygit.toml');
  const m = readManifest(text);
  assert.equal(m.flavour, 'comfygit');
  assert.deepEqual(m.hashAlgorithms, ['xxh3-128', 'blake3']);
  assert.deepEqual(m.problems, []);
  assert.deepEqual(m.models.map((x) => x.hash), ['f2d331535a62da4e', '11106e1fe305dd6b']);
  assert.deepEqual(m.models[0].sources, [{ type: 'huggingface', url: 'https://huggingface.co/x/y/resolve/main/sd15.safetensors' }]);
  const wf = m.workflows.get('txt2img')!;
  assert.deepEqual([...wf.mappings.keys()], ['SD1.5/sd15.safetensors']); // the unresolved intent maps nothing
  const mapping = wf.mappings.get('SD1.5/sd15.safetensors')!;
  assert.equal(mapping.hash, 'f2d331535a62da4e');
  assert.equal(at(text, mapping.keySpan), 'SD1.5/sd15.safetensors');
  assert.deepEqual(mapping.nodes, [{ nodeId: '4', widgetIndex: 0 }]);
});

test('legacy ComfyDock manifest: 64-hex keys shorten to the quick hash, integer node ids read as strings', () => {
  const m = readManifest(fixture('legacy-comfydock.toml'));
  assert.equal(m.flavour, 'comfydock-legacy');
  assert.deepEqual(m.problems, []);
  assert.equal(m.models[0].hash, '43b58e2f2f386e8a');
  assert.deepEqual(m.workflows.get('old')!.mappings.get('old.safetensors')!.nodes, [{ nodeId: '3', widgetIndex: 0 }]);
});

test('malformed TOML: one problem at the error position, nothing read', () => {
  const text = fixture('malformed.toml');
  const m = readManifest(text);
  assert.equal(m.malformed, true);
  assert.equal(m.problems.length, 1);
  assert.match(m.problems[0].message, /TOML syntax error/);
  const line = text.slice(0, m.problems[0].offset).split('\n').length;
  assert.equal(line, 5);
  assert.deepEqual(m.models, []);
});

test('hostile entries are problems with spans on the bad value and are marked unsafe', () => {
  const text = fixture('hostile.toml');
  const m = readManifest(text);
  const safe = new Map(m.models.map((x) => [x.hash, x.safe]));
  assert.deepEqual(
    [...safe].filter(([, s]) => s).map(([h]) => h),
    ['4444444444444444'],
  );
  const underlined = m.problems.map((p) => at(text, p));
  for (const bad of ['../../../etc/passwd', '/etc/abs.safetensors', 'C:\\\\Windows\\\\drive.safetensors', 'checkpoints\\\\..\\\\..\\\\bs.safetensors',
    'file:///etc/shadow', 'javascript:alert(1)', '"NOT-A-HASH"', 'big', 'https://example.com', '../sneaky.safetensors', '"3333333333333333"', '../outside.json', 'xyz', '-1']) {
    assert.ok(underlined.includes(bad), `no problem underlines ${bad}: ${JSON.stringify(underlined)}`);
  }
  // Only safe sources survive; unsafe ones never reach the model.
  assert.deepEqual(m.models.find((x) => x.hash === 'eeeeeeeeeeeeeeee')!.sources, []);
  const wf = m.workflows.get('w')!;
  assert.equal(wf.path, undefined);
  assert.equal(wf.mappings.get('badhash.safetensors')!.safe, false);
  assert.equal(wf.mappings.get('unknown.safetensors')!.safe, false);
  assert.equal(wf.mappings.get('good.safetensors')!.safe, true);
});

test('scanner: positions survive comments, quoting styles, multi-line arrays and strings', () => {
  const text = [
    `a = """x = 1\n[not.a.table]\n"""  # c`,
    `b = '''it's'''`,
    `[ t . "q.k" ]  # header comment`,
    `'lit' = [ 1, # one`,
    `  "two", { x = "}" },`,
    `]`,
    `d = 1979-05-27 07:32:00Z`,
    `[[arr]]`,
    `x = 1`,
    `[[arr]]`,
    `x = 2`,
    `[arr.sub]`,
    `y = "\\u00e9"`,
  ].join('\n');
  const scan = scanToml(text);
  assert.deepEqual(scan.headers.map((h) => h.path), [['t', 'q.k'], ['arr', '0'], ['arr', '1'], ['arr', '1', 'sub']]);
  const node = (path: string[]) => scan.nodes.get(pathKey(path))!;
  assert.equal(at(text, node(['t', 'q.k', 'lit', '2', 'x']).valueSpan), '"}"');
  assert.equal(at(text, node(['t', 'q.k', 'd']).valueSpan), '1979-05-27 07:32:00Z');
  assert.equal(at(text, node(['arr', '1', 'x']).valueSpan), '2');
  assert.equal(at(text, node(['b']).valueSpan), "'''it's'''");
  assert.equal(at(text, node(['t', 'q.k', 'lit']).lineSpan!), `'lit' = [ 1, # one\n  "two", { x = "}" },\n]\n`);
});

test('scanner: members of arrays and inline tables are found however deep, whichever is asked first', () => {
  // Composite values are skimmed and scanned on demand: brackets, quotes and '#' inside strings and
  // comments must not end them early, and asking for a deep member first must still find it.
  const text = [
    `[m]`,
    `e = { a = "]}#", b = [ '[{', """x\n]}\n""", # ] }`,
    `  { c.d = [1, [2, "3"]] } ], f = 'g' }`,
    `after = "z"`,
  ].join('\n');
  const scan = scanToml(text);
  const span = (path: string[]) => {
    const node = scan.nodes.get(pathKey(path));
    return node && at(text, node.valueSpan);
  };
  assert.equal(span(['m', 'e', 'b', '2', 'c', 'd', '1', '1']), '"3"');
  assert.equal(span(['m', 'e', 'f']), "'g'");
  assert.equal(span(['m', 'e', 'b', '1']), '"""x\n]}\n"""');
  assert.equal(span(['m', 'e', 'a']), '"]}#"');
  assert.equal(span(['m', 'after']), '"z"');
  assert.equal(span(['m', 'e', 'nope']), undefined);
  assert.equal(scan.nodes.has(pathKey(['m', 'e', 'b', '9'])), false);
  const e = scan.nodes.get(pathKey(['m', 'e']))!;
  assert.deepEqual(e.children?.map((c) => c.path.at(-1)), ['a', 'b', 'f']);
  assert.equal(scan.headers[0].entries.length, 2);
});
