// The lazy tree (strict JSON's fast path in parseWorkflow) must be jsonc-parser's tree, node for node:
// same types, offsets, lengths, values and children, on the real-workflow corpus and on hand-written
// shapes that exercise the skimming (escapes, brackets inside strings, nesting, numbers, duplicates).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseTree, type Node } from 'jsonc-parser';
import { entries, items, prop } from '../../server/src/core/workflow/jsonTree';
import { JsonChecker } from '../../server/src/core/workflow/jsonCheck';
import { lazyTree } from '../../server/src/core/workflow/lazyTree';
import { parseWorkflow } from '../../server/src/core/workflow';
import { benchWorkflow } from '../bench/resolve';

const CORPUS = join(__dirname, '../../../../shared/corpus/workflows');

/** Every node of both trees compared; the first difference is reported with its path. */
function assertSameTree(text: string, label: string): void {
  assertSameAs(text, lazyTree(text), label);
  // With the ends the JSON check records (what parseWorkflow passes), the tree is the same.
  const checker = new JsonChecker(text, 1000);
  while (!checker.step(1 << 20));
  assertSameAs(text, lazyTree(text, checker.ends), `${label} (with the check's ends)`);
}

function assertSameAs(text: string, tree: Node, label: string): void {
  const expected = parseTree(text);
  const stack: [Node | undefined, Node | undefined, string][] = [[expected, tree, '$']];
  let count = 0;
  while (stack.length) {
    const [a, b, where] = stack.pop()!;
    assert.ok(a && b, `${label} ${where}: node missing`);
    count++;
    assert.deepEqual(
      { type: b.type, offset: b.offset, length: b.length, value: b.value },
      { type: a.type, offset: a.offset, length: a.length, value: a.value },
      `${label} ${where}`,
    );
    const ac = a.children ?? [];
    const bc = b.children ?? [];
    assert.equal(bc.length, ac.length, `${label} ${where}: number of children`);
    ac.forEach((child, i) => stack.push([child, bc[i], `${where}/${i}`]));
  }
  assert.ok(count > 0);
}

const SHAPES = [
  '{}',
  '[]',
  '  \r\n\t{ "a" : [ ] , "b":{ }\n}\n',
  '{"s":"q\\"}]{[,:\\\\","u":"\\u00e9\\ud83d\\ude00\\n","e":"","k\\"ey":1}',
  '[0,-0,1.5e3,-2E-2,12345678901234567890,1e400,true,false,null,"x"]',
  '{"d":1,"d":{"x":[1,[2,[3,{"y":"]"}]]]},"d":"last"}',
  '[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]',
  '"just a string"',
  '42',
  ' {"widgets_values":["a.safetensors",{"on":true,"lora":"b\\\\c.pt"}]} ',
];

test('lazy tree equals jsonc-parser tree on hand-written shapes', () => {
  SHAPES.forEach((text, i) => assertSameTree(text, `shape ${i}`));
});

test('lazy tree equals jsonc-parser tree on a generated big-workflow sample', () => {
  assertSameTree(benchWorkflow(200), 'benchWorkflow');
});

test('lazy tree equals jsonc-parser tree on every strict-JSON corpus workflow', { skip: !existsSync(CORPUS) && `corpus not found at ${CORPUS}` }, () => {
  let compared = 0;
  for (const dir of readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(CORPUS, dir.name)).filter((f) => f.endsWith('.json'))) {
      let text = readFileSync(join(CORPUS, dir.name, file), 'utf8');
      if (text.charCodeAt(0) === 0xfeff) text = ' ' + text.slice(1);
      try {
        JSON.parse(text);
      } catch {
        continue; // not strict JSON: parseWorkflow takes jsonc-parser for it
      }
      assertSameTree(text, `${dir.name}/${file}`);
      compared++;
    }
  }
  assert.ok(compared >= 200, `only ${compared} corpus files compared`);
});

test('text that is not strict JSON still gets jsonc-parser: comments read, errors where they are', () => {
  const withComment = '{"nodes":[{"id":1,"type":"CheckpointLoaderSimple",/* c */"widgets_values":["m.safetensors"]}]}';
  const parsed = parseWorkflow(withComment);
  assert.deepEqual(parsed.errors, []);
  assert.deepEqual(parsed.references.map((r) => r.value), ['m.safetensors']);
  const broken = '{"nodes":[{"id":1,"type":"CheckpointLoaderSimple","widgets_values":["m.safetensors"}]}';
  const errors = parseWorkflow(broken).errors;
  assert.ok(errors.length > 0);
  assert.equal(errors[0].offset, broken.indexOf('}]}'));
});

test('lazy tree lookups: the last duplicate wins, escaped keys match decoded, interleaved reads stay right', () => {
  const root = lazyTree('{"a":{"k":1,"k":2},"\\u0069d":"x","b":[{"k":3},{"k":4}],"a\\"q":5}');
  const a = prop(root, 'a');
  const b = items(prop(root, 'b'));
  // Reading b's items and root again in between must not change what a or b's items answer.
  assert.equal(prop(b[1], 'k')?.value, 4);
  assert.equal(prop(a, 'k')?.value, 2);
  assert.equal(prop(b[0], 'k')?.value, 3);
  assert.equal(prop(root, 'id')?.value, 'x');
  assert.equal(prop(root, 'a"q')?.value, 5);
  assert.equal(prop(root, 'missing'), undefined);
  assert.deepEqual(entries(a).map(([k, v]) => [k, v.value]), [['k', 2]]);
});
