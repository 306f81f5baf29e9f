// The sidebar and the model commands in a real VS Code: the Models view's rows for the demo library,
// the Workflows view's statuses and references, "Add Model Folder" with a folder argument (models
// appear without a reload), "Copy Model Hash" (the clipboard) and "Add Model to Manifest" (pyproject.toml).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ComfyModelsApi } from '../../../client/src/extension';
import type { ModelNode } from '../../../client/src/views/modelsTree';
import type { WorkflowNode } from '../../../client/src/views/workflowsTree';
import { activateExtension, fixture, statusWhere } from './context';
import { test } from './harness';

/** The demo library's model count (test/e2e/workspace.mjs): every file there has different bytes. */
const libraryModels = () => Object.keys(fixture().models).length;

const rows = (nodes: ModelNode[]) => nodes.map((n) => (n.type === 'row' ? `${n.item.label} ${n.item.count ?? ''}`.trim() : 'more'));

test('the Models view lists the demo library by category with counts, and a category its models', async () => {
  const api = await activateExtension();
  await statusWhere(api, (s) => s.state === 'idle' && s.models === libraryModels());
  const { models } = api.ctx.views;
  const top = await models.getChildren();
  assert.deepEqual(rows(top), ['checkpoints 2', 'loras 3', 'upscale_models 1', 'vae 1']);
  const loras = await models.getChildren(top[1]);
  assert.deepEqual(rows(loras), ['sd15 1', 'styles 1', 'add-detail-xl.safetensors']);
});

/** The Workflows view's list once it satisfies `accept`: now, or after one of its next refreshes. */
async function workflowsWhere(api: ComfyModelsApi, accept: (list: WorkflowNode[]) => boolean): Promise<WorkflowNode[]> {
  const { workflows } = api.ctx.views;
  const first = await workflows.getChildren();
  if (accept(first)) return first;
  return new Promise((resolve) => {
    const sub = workflows.onDidChangeTreeData(async () => {
      const list = await workflows.getChildren();
      if (!accept(list)) return;
      sub.dispose();
      resolve(list);
    });
  });
}

const summaryOf = (list: WorkflowNode[], file: string) => {
  const node = list.find((n) => n.type === 'workflow' && path.basename(n.workflow.label) === file);
  return node?.type === 'workflow' ? [node.workflow.models, node.workflow.missing, node.workflow.warnings] : undefined;
};

test('the Workflows view lists the demo workflows with their status, picks up a new one, and expands one to its references', async () => {
  const api = await activateExtension();
  const { folder } = fixture();
  const list = await workflowsWhere(api, () => true);
  assert.deepEqual(summaryOf(list, 'sdxl-all-present.json'), [3, 0, 0]);
  assert.deepEqual(summaryOf(list, 'sdxl-api.json'), [2, 0, 0]);
  assert.deepEqual(summaryOf(list, 'pixel-art-wrong-folder.json'), [2, 0, 1]);
  // A workflow written to disk (by content: the name says nothing) appears with its missing model.
  const added = JSON.stringify({ '1': { class_type: 'LoraLoader', inputs: { lora_name: 'watercolor-v2.safetensors', strength_model: 1 } } }, null, 2);
  fs.writeFileSync(path.join(folder, 'workflows', 'export-0001.json'), added);
  const withNew = await workflowsWhere(api, (l) => summaryOf(l, 'export-0001.json') !== undefined);
  assert.deepEqual(summaryOf(withNew, 'export-0001.json'), [1, 1, 0]);
  const wrongFolder = withNew.find((n) => n.type === 'workflow' && n.workflow.label.endsWith('pixel-art-wrong-folder.json'))!;
  const refs = await api.ctx.views.workflows.getChildren(wrongFolder);
  assert.deepEqual(
    refs.map((n) => (n.type === 'reference' ? [n.reference.value, n.reference.status] : [])),
    [['sd_xl_base_1.0.safetensors', 'resolved'], ['pixel-art-xl.safetensors', 'wrong-folder']],
  );
});

test('"Add Model Folder" with a folder argument indexes it: its models appear in the Models view without a reload', async () => {
  const api = await activateExtension();
  const { folder } = fixture();
  const extra = path.join(folder, 'more-models');
  fs.mkdirSync(path.join(extra, 'loras'), { recursive: true });
  fs.writeFileSync(path.join(extra, 'loras', 'watercolor-xl.safetensors'), 'a watercolor style lora, added later');
  const loras = Object.values(fixture().models).filter((m) => m.relativePath.startsWith('loras/')).length;
  const indexed = statusWhere(api, (s) => s.state === 'idle' && s.roots.includes(extra) && s.models === libraryModels() + 1);
  await vscode.commands.executeCommand('comfyModels.addModelFolder', vscode.Uri.file(extra));
  await indexed;
  const top = await api.ctx.views.models.getChildren();
  assert.ok(rows(top).includes(`loras ${loras + 1}`), rows(top).join(', '));
  const removed = statusWhere(api, (s) => s.state === 'idle' && !s.roots.includes(extra) && s.models === libraryModels());
  await vscode.commands.executeCommand('comfyModels.removeModelFolder', extra);
  await removed;
});

test('"Copy Model Hash" puts the model\'s quick hash on the clipboard', async () => {
  const { models } = fixture();
  const hash = await vscode.commands.executeCommand<string>('comfyModels.copyModelHash', { hash: models.upscaler.quickHash, name: '4x-UltraSharp.pth' });
  assert.equal(hash, models.upscaler.quickHash);
  assert.equal(await vscode.env.clipboard.readText(), models.upscaler.quickHash);
});

test('"Add Model to Manifest" writes the model entry into pyproject.toml', async () => {
  const { folder, models } = fixture();
  const manifest = path.join(folder, 'pyproject.toml');
  assert.ok(!fs.readFileSync(manifest, 'utf8').includes(models.detailLora.quickHash));
  const uri = await vscode.commands.executeCommand<string>('comfyModels.addModelToManifest', { hash: models.detailLora.quickHash, name: 'add-detail-xl.safetensors' });
  assert.equal(vscode.Uri.parse(uri!).fsPath, manifest);
  const text = fs.readFileSync(manifest, 'utf8');
  assert.match(text, new RegExp(`"${models.detailLora.quickHash}" = \\{ filename = "add-detail-xl.safetensors", category = "loras"`));
});
