// A "Map to indexed model" fix for a pyproject.toml that is not open, offered before a CLI process
// writes the file and applied after it (issue 13): the fix is computed when it is applied (codeAction/
// resolve) on the file as it is then, so the CLI's entry survives. (A client that does not resolve code
// actions still gets the edit inline: features.test.ts applies those.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CodeActionRequest, CodeActionResolveRequest, type CodeAction } from 'vscode-languageserver-protocol';
import { tempDir, writeFile } from '../helpers/files';
import { startSession } from '../helpers/lspSession';
import { applyWorkspaceEditToDisk } from '../helpers/workspaceEdit';

const CLI_JS = join(__dirname, '..', '..', 'server', 'src', 'cli.js');

function cliProcess(cwd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_JS, ...args], { cwd }, (err, _stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
  });
}

const WORKFLOW = JSON.stringify({ last_node_id: 1, nodes: [{ id: 1, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['sd_xl_base.safetensors'] }], links: [], version: 0.4 }, null, 2);

test("a mapping fix offered before a CLI write is computed when applied: the CLI's entry stays", { timeout: 120_000 }, async () => {
  const dir = tempDir('cm-resolve-race-');
  const models = join(dir, 'models');
  const ws = join(dir, 'ws');
  writeFile(join(models, 'checkpoints/sd_xl_base_1.0.safetensors'), 'sdxl base weights');
  writeFile(join(models, 'loras/style.safetensors'), 'a style lora');
  const wf = join(ws, 'main.json');
  writeFile(wf, WORKFLOW);
  const manifest = join(ws, 'pyproject.toml');
  writeFileSync(manifest, '[project]\nname = "demo"\n');
  const s = await startSession(dir, { modelDirectories: [models], indexPath: join(dir, 'index.sqlite') }, ws, undefined, { resolvesCodeActions: true });
  try {
    await s.nextStatus((st) => st.state === 'idle' && st.locations === 2);
    await s.open(wf, WORKFLOW);
    const missing = (await s.pull(wf)).find((d) => d.code === 'missing-model')!;
    const actions = (await s.h.client.sendRequest(CodeActionRequest.type, { textDocument: { uri: s.uri(wf) }, range: missing.range, context: { diagnostics: [missing] } })) as CodeAction[];
    const offered = actions.find((a) => a.title.startsWith('Map in pyproject.toml'))!;
    assert.equal(offered.edit, undefined, 'the edit waits for codeAction/resolve');

    // Meanwhile, another process adds a model to the same file.
    const added = await cliProcess(ws, ['--index', join(dir, 'cli-index.sqlite'), '--models-dir', models, '--project', ws, 'model', 'add', 'style.safetensors']);
    assert.equal(added.code, 0, added.stderr);
    assert.match(readFileSync(manifest, 'utf8'), /style\.safetensors/);

    const applied = await s.h.client.sendRequest(CodeActionResolveRequest.type, offered);
    applyWorkspaceEditToDisk(applied.edit!);
    const toml = readFileSync(manifest, 'utf8');
    assert.match(toml, /"sd_xl_base\.safetensors" = \{ hash = "[0-9a-f]{16}"/, 'the mapping is written');
    assert.match(toml, /relative_path = "loras\/style\.safetensors"/, "the CLI's entry is still there");
    assert.match(toml, /relative_path = "checkpoints\/sd_xl_base_1\.0\.safetensors"/, 'the mapped model is listed');
  } finally {
    await s.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
