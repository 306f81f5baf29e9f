// Bench rows for big inputs at the sizes (issue 13): a model add on a 100,000-entry pyproject.toml
// (our entries are longer than the issue's: ~31 MB instead of 22) and diagnostics of a workflow with
// 134,000 references (benchWorkflow's nodes are smaller than the issue's: ~30 MB instead of 50).
// Run alone: node out/test/bench/scale.js
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { IndexSnapshot } from '../../server/src/core/index/snapshot';
import { editManifestFile } from '../../server/src/core/manifest/file';
import { WorkflowAnalyzer } from '../../server/src/lsp/analysis';
import { workflowDiagnostics } from '../../server/src/lsp/diagnostics';
import { pathToUri, WorkspaceFiles } from '../../server/src/lsp/workspaceFiles';
import { normalizeSettings } from '../../server/src/settings';
import { location } from '../unit/resolve-library';
import { benchLibrary, benchWorkflow, type BenchRow } from './resolve';

const hex = (i: number, n: number) => i.toString(16).padStart(n, '0').slice(-n);

/** A pyproject.toml with `entries` model entries of the size CLI writes (~220 bytes each). */
export function bigManifest(entries: number): string {
  const lines = ['[project]', 'name = "big"', '', '[tool.comfydock.models.required]'];
  for (let i = 0; i < entries; i++) {
    lines.push(`"${hex(i, 16)}" = { filename = "model_${i}.safetensors", category = "loras", relative_path = "loras/model_${i}.safetensors", size = ${1000 + i}, blake3 = "${hex(i, 64)}", sources = [{ type = "huggingface", url = "https://huggingface.co/o/r/resolve/main/m${i}.safetensors" }] }`);
  }
  return lines.join('\n') + '\n';
}

const MANIFEST_ENTRIES = 100_000;
/** 4 of 5 nodes hold a reference (benchWorkflow): 167,500 nodes give 134,000 references. */
const WORKFLOW_NODES = 167_500;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export async function scaleBench(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'comfy-scale-'));
  try {
    const path = join(dir, 'pyproject.toml');
    const text = bigManifest(MANIFEST_ENTRIES);
    writeFileSync(path, text);
    const model = { hash: 'feedfacefeedface', filename: 'new.safetensors', category: 'loras', relativePath: 'loras/new.safetensors', size: 5, sources: [] };
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    await editManifestFile(path, [{ kind: 'add-model', table: 'required', model }]);
    const took = performance.now() - started;
    rows.push({ what: `model add, ${MANIFEST_ENTRIES}-entry pyproject.toml (${mb(text.length)})`, value: `${took.toFixed(0)} ms, RSS +${mb(process.memoryUsage().rss - rssBefore)}`, target: '≤ 1 s at 100,000 entries' });

    const wf = benchWorkflow(WORKFLOW_NODES);
    const file = join(dir, 'workflow.json');
    writeFileSync(file, wf);
    const index = new IndexSnapshot(0, benchLibrary(100_000).map((p) => location({ path: p })));
    const analyzer = new WorkflowAnalyzer(new WorkspaceFiles(new TextDocuments(TextDocument)));
    const doc = TextDocument.create(pathToUri(file), 'json', 1, wf);
    const t0 = performance.now();
    const analysis = await analyzer.analyze(doc, index, normalizeSettings({}));
    const diagnostics = workflowDiagnostics(doc, analysis);
    rows.push({
      what: `diagnostics, ${mb(wf.length)} workflow, ${analysis.parsed.references.length} references`,
      value: `${(performance.now() - t0).toFixed(0)} ms (${diagnostics.length} diagnostics)`,
      target: '≤ 5 s at 134,000 references',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

if (require.main === module) void scaleBench().then((rows) => rows.forEach((r) => console.log(`${r.what}: ${r.value} (target ${r.target})`)));
