// Big workflows in the language server (issue 13, scale): the analysis gives the event loop turns and
// stops when its request is cancelled; diagnostics name the closest model for a bounded number of
// missing names, and the hover of any other one still lists its candidates.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FuzzyCache } from '../../server/src/core/resolve';
import { WorkflowAnalyzer } from '../../server/src/lsp/analysis';
import { NAMED_CANDIDATE_SEARCHES, workflowDiagnostics, workflowDiagnosticsCancellable } from '../../server/src/lsp/diagnostics';
import { pathToUri, WorkspaceFiles } from '../../server/src/lsp/workspaceFiles';
import { normalizeSettings } from '../../server/src/settings';
import { libraryIndex } from './resolve-library';

/** A workflow of `count` LoRA loaders naming `lora_<i>_typo.safetensors` (none exists). */
function loaders(count: number): string {
  const nodes = Array.from({ length: count }, (_, i) => ({ id: i + 1, type: 'LoraLoader', mode: 0, widgets_values: [`lora_${i}_typo.safetensors`, 1, 1] }));
  return JSON.stringify({ last_node_id: count, nodes, links: [] });
}

const index = libraryIndex(Array.from({ length: 300 }, (_, i) => `loras/lora_${i}.safetensors`));
const doc = (text: string, version = 1) => TextDocument.create(pathToUri('/nonexistent-cm-scale/workflow.json'), 'json', version, text);
const analyzer = () => new WorkflowAnalyzer(new WorkspaceFiles(new TextDocuments(TextDocument)));

test('an analysis of a big workflow stops when its signal aborts; the next one completes', async () => {
  const text = loaders(5_000);
  const controller = new AbortController();
  const a = analyzer();
  const cancelled = a.analyze(doc(text), index, normalizeSettings({}), new FuzzyCache(), controller.signal);
  controller.abort(new Error('request cancelled'));
  await assert.rejects(cancelled, /request cancelled/);
  const analysis = await a.analyze(doc(text, 2), index, normalizeSettings({}), new FuzzyCache());
  assert.equal(analysis.resolved.length, 5_000);
});

test('diagnostics name the closest model for a bounded number of missing names; every reference keeps its candidates', async () => {
  const count = NAMED_CANDIDATE_SEARCHES + 50;
  const d = doc(loaders(count));
  const analysis = await analyzer().analyze(d, index, normalizeSettings({}), new FuzzyCache());
  const messages = workflowDiagnostics(d, analysis).map((x) => String(x.message));
  assert.equal(messages.length, count);
  assert.match(messages[0], /Closest indexed model: 'lora_0\.safetensors'/);
  assert.match(messages[NAMED_CANDIDATE_SEARCHES - 1], new RegExp(`Closest indexed model: 'lora_${NAMED_CANDIDATE_SEARCHES - 1}\\.safetensors'`));
  assert.doesNotMatch(messages[NAMED_CANDIDATE_SEARCHES], /Closest/);
  // What hover and quick fixes read: the candidates of a reference past the bound are still searched.
  const last = analysis.resolved[count - 1].resolution;
  assert.equal(last.status, 'missing');
  assert.equal(last.status === 'missing' && last.candidates[0].location.name, `lora_${count - 1}.safetensors`);
});

test('diagnostics of a big workflow stop between steps when their signal aborts; left alone they are the ones workflowDiagnostics gives', async () => {
  const d = doc(loaders(5_000));
  const analysis = await analyzer().analyze(d, index, normalizeSettings({}), new FuzzyCache());
  const controller = new AbortController();
  const cancelled = workflowDiagnosticsCancellable(d, analysis, controller.signal);
  controller.abort(new Error('request cancelled'));
  await assert.rejects(cancelled, /request cancelled/);
  const diagnostics = await workflowDiagnosticsCancellable(d, analysis);
  assert.equal(diagnostics.length, 5_000);
  assert.deepEqual(diagnostics, workflowDiagnostics(d, analysis));
});
