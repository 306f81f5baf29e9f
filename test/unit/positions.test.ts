// Offsets → positions in one pass (lsp/positions.ts): every answer is what the document's own
// positionAt gives, whatever the line breaks (LF, CRLF, a lone CR), offsets inside a CRLF, past the
// end, negative, repeated or out of order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { positionsAt, rangesOf } from '../../server/src/lsp/positions';

/** A deterministic pseudo-random source (the test fails the same way every run). */
function random(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

test('positionsAt answers what TextDocument.positionAt answers, for any text and offsets', () => {
  const next = random(13);
  const pieces = ['a', 'é', '😀', ' ', '\n', '\r\n', '\r', '\n\n', '\r\r\n', '"x"'];
  for (let round = 0; round < 200; round++) {
    let text = '';
    const length = Math.floor(next() * 60);
    for (let i = 0; i < length; i++) text += pieces[Math.floor(next() * pieces.length)];
    const doc = TextDocument.create('file:///t.json', 'json', 1, text);
    const offsets = Array.from({ length: 40 }, () => Math.floor(next() * (text.length + 6)) - 3);
    assert.deepEqual(positionsAt(text, offsets), offsets.map((o) => doc.positionAt(o)), JSON.stringify({ text, offsets }));
    const ascending = offsets.sort((a, b) => a - b); // the usual order (no sort needed inside)
    assert.deepEqual(positionsAt(text, ascending), ascending.map((o) => doc.positionAt(o)), JSON.stringify({ text, ascending }));
  }
});

test('rangesOf gives each span the range of its start and end, a negative length counting as none', () => {
  const text = 'one\r\ntwo\nthree';
  const doc = TextDocument.create('file:///t.toml', 'toml', 1, text);
  const spans = [{ offset: 9, length: 5 }, { offset: 0, length: 3 }, { offset: 5, length: -2 }];
  assert.deepEqual(rangesOf(text, spans), spans.map((s) => ({ start: doc.positionAt(s.offset), end: doc.positionAt(s.offset + Math.max(s.length, 0)) })));
});
