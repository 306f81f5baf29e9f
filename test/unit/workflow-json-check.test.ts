// The JSON check (jsonCheck.ts) replaces JSON.parse as the gate to the lazy tree: it must accept exactly
// what JSON.parse accepts, whatever slices it is run in, and name the first bracket nested too deep.
// The parse it gates yields between slices: a cancelled parse of a big workflow stops there.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { IndexSnapshot } from '../../server/src/core/index/snapshot';
import { parseWorkflow, parseWorkflowCancellable } from '../../server/src/core/workflow';
import { JsonChecker, type JsonCheck } from '../../server/src/core/workflow/jsonCheck';
import { WorkflowAnalyzer } from '../../server/src/lsp/analysis';
import { WorkspaceFiles } from '../../server/src/lsp/workspaceFiles';
import { normalizeSettings } from '../../server/src/settings';
import { benchWorkflow } from '../bench/resolve';

const CORPUS = join(__dirname, '../../../../shared/corpus/workflows');

function check(text: string, slice: number, maxDepth = 1000): JsonCheck {
  const checker = new JsonChecker(text, maxDepth);
  for (;;) {
    const verdict = checker.step(slice);
    if (verdict) return verdict;
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A deterministic pseudo-random source (the test fails the same way every run). */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

const SEEDS = [
  '{"a":[1,-0.5,2e10,-3E-2,0,true,false,null],"b":{"c":"d\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9"},"e":[],"f":{}}',
  ' [ {"k" : "v" } , [ [ ] ] , "x" ] \r\n\t',
  '"a string"',
  '-12.5e+3',
  '{"nodes":[{"id":1,"type":"LoraLoader","widgets_values":["a.safetensors",1,0.5]}],"links":[[1,2,0,3,1,"MODEL"]]}',
];
/** Characters mutations insert: every one changes the verdict somewhere. */
const PIECES = ['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '1', '-', '.', 'e', '+', ' ', '\n', '\t', '\u0001', 't', 'true', 'null', 'x', '\\u12', '\\u00ff'];

test('the check accepts exactly what JSON.parse accepts, in slices of any size', () => {
  const next = random(7);
  let valid = 0;
  let invalid = 0;
  for (const seed of SEEDS) {
    for (let round = 0; round < 600; round++) {
      let text = seed;
      for (let m = Math.floor(next() * 3); m >= 0; m--) {
        const at = Math.floor(next() * (text.length + 1));
        const cut = Math.floor(next() * 3);
        text = text.slice(0, at) + (next() < 0.7 ? PIECES[Math.floor(next() * PIECES.length)] : '') + text.slice(at + cut);
      }
      const expected = parses(text);
      for (const slice of [1, 5, 1 << 20]) assert.equal(check(text, slice).status, expected ? 'valid' : 'invalid', `${JSON.stringify(text)} in slices of ${slice}`);
      if (expected) valid++;
      else invalid++;
    }
  }
  assert.ok(valid > 100 && invalid > 100, `${valid} valid, ${invalid} invalid`);
  for (const text of ['', ' ', '{', '}', '[1,]', '{"a":1,}', '01', '1.', '.5', '+1', '"\t"', "'a'", 'tru', 'nul', '[1 2]', '{"a" 1}', '{1:2}', '"\\x"', '1 2']) {
    assert.equal(check(text, 3).status, 'invalid', JSON.stringify(text));
  }
});

test('the check agrees with JSON.parse on every corpus workflow and on a generated big one', { skip: !existsSync(CORPUS) && `corpus not found at ${CORPUS}` }, () => {
  let compared = 0;
  for (const dir of readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(CORPUS, dir.name)).filter((f) => f.endsWith('.json'))) {
      let text = readFileSync(join(CORPUS, dir.name, file), 'utf8');
      if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
      assert.equal(check(text, 4096).status, parses(text) ? 'valid' : 'invalid', `${dir.name}/${file}`);
      compared++;
    }
  }
  assert.ok(compared >= 200, `only ${compared} corpus files compared`);
  assert.equal(check(benchWorkflow(3000), 65536).status, 'valid');
});

test('nesting deeper than allowed: the first bracket past the limit, also when a syntax error follows it', () => {
  const deep = '{"a":' + '['.repeat(5) + ']'.repeat(5) + '}';
  assert.deepEqual(check(deep, 2, 4), { status: 'too-deep', offset: 8 });
  assert.deepEqual(check(deep, 2, 6), { status: 'valid' });
  assert.deepEqual(check('[[[[[[ oops', 1, 4), { status: 'too-deep', offset: 4 });
  assert.deepEqual(check('[[ oops [[[[', 1, 4), { status: 'invalid' });
});

test('a parse stopped between slices rejects with the reason; one left alone gives what parseWorkflow gives', async () => {
  // One workflow whose JSON takes several check slices, one whose walk takes several slices (small JSON, many nodes).
  const big = JSON.stringify({ nodes: [{ id: 1, type: 'LoraLoader', widgets_values: ['l.safetensors', 1, 1] }], extra: { notes: 'x'.repeat(1 << 20) } });
  const manyNodes = JSON.stringify({ nodes: Array.from({ length: 5000 }, (_, i) => ({ id: i, type: 'LoraLoader', widgets_values: [`l${i}.safetensors`, 1, 1] })) });
  assert.ok(manyNodes.length < 512 * 1024);
  for (const text of [big, manyNodes]) {
    const stop = new AbortController();
    const parsing = parseWorkflowCancellable(text, {}, stop.signal);
    stop.abort(new Error('a newer version'));
    await assert.rejects(parsing, /a newer version/);
    assert.deepEqual(await parseWorkflowCancellable(text), parseWorkflow(text));
  }
});

test('a cancelled analysis of a big workflow reports nothing and leaves nothing behind: the next one is complete', async () => {
  const text = benchWorkflow(4000);
  const analyzer = new WorkflowAnalyzer(new WorkspaceFiles(new TextDocuments(TextDocument)));
  const doc = TextDocument.create('file:///tmp/cm-cancel/big.json', 'json', 1, text);
  const index = new IndexSnapshot(0, []);
  const settings = normalizeSettings({});
  const stop = new AbortController();
  const analysis = analyzer.analyze(doc, index, settings, undefined, stop.signal);
  stop.abort(new Error('cancelled'));
  await assert.rejects(analysis, /cancelled/);
  const full = await analyzer.analyze(doc, index, settings);
  assert.equal(full.parsed.references.length, parseWorkflow(text).references.length);
  assert.equal(full.resolved.length, full.parsed.references.length);
});
