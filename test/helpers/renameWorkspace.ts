// The workspace of the "model as a symbol" tests: a LoRA `styles/old.safetensors` (with sidecars) used by
// three workflows — one writing `styles\old.safetensors`, one in API format, one inside a subgraph —
// and a fourth workflow using `other/old.safetensors`, another file with the same basename. The
// manifest records the LoRA. Real files in a temp folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { quickHashFile } from '../../server/src/core/hash/quickHash';

export interface RenameWorkspace {
  dir: string;
  ws: string;
  models: string;
  lora: string;
  hash: string;
  /** Workflow paths by role. */
  workflows: { backslash: string; api: string; subgraph: string; sameBasename: string };
  manifest: string;
}

function put(path: string, content: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

const uiWorkflow = (nodes: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ last_node_id: 20, last_link_id: 0, nodes, links: [], groups: [], version: 0.4, ...extra }, null, 2) + '\n';
const loraNode = (id: number, value: string) => ({ id, type: 'LoraLoader', mode: 0, pos: [0, 0], properties: {}, widgets_values: [value, 0.8, 0.8] });

export async function makeRenameWorkspace(dir: string): Promise<RenameWorkspace> {
  const ws = join(dir, 'ws');
  const models = join(dir, 'models');
  const lora = join(models, 'loras', 'styles', 'old.safetensors');
  put(lora, Buffer.alloc(4096, 'the style lora'));
  put(join(models, 'loras', 'styles', 'old.civitai.info'), '{"files": []}\n');
  put(join(models, 'loras', 'styles', 'old.preview.png'), 'png');
  put(join(models, 'loras', 'styles', 'older.preview.png'), 'not a sidecar of old');
  put(join(models, 'loras', 'other', 'old.safetensors'), Buffer.alloc(4096, 'another lora'));
  const { quickHash: hash } = await quickHashFile(lora);
  const workflows = {
    backslash: join(ws, 'nested', 'folder', 'backslash.json'),
    api: join(ws, 'api.json'),
    subgraph: join(ws, 'subgraph.json'),
    sameBasename: join(ws, 'same-basename.json'),
  };
  put(workflows.backslash, uiWorkflow([loraNode(3, 'styles\\old.safetensors'), { id: 4, type: 'Note', mode: 0, properties: {}, widgets_values: ['styles/old.safetensors is great'] }]));
  put(workflows.api, JSON.stringify({ '7': { class_type: 'LoraLoader', inputs: { lora_name: 'styles/old.safetensors', strength_model: 1, strength_clip: 1 } } }, null, 2) + '\n');
  const def = { id: 'sg-style', version: 1, name: 'style', inputs: [], outputs: [], widgets: [], nodes: [loraNode(2, 'styles/old.safetensors')], links: [] };
  put(workflows.subgraph, uiWorkflow([{ id: 9, type: 'sg-style', mode: 0, properties: {}, widgets_values: [] }], { definitions: { subgraphs: [def] } }));
  put(workflows.sameBasename, uiWorkflow([loraNode(5, 'other/old.safetensors')]));
  const manifest = join(ws, 'pyproject.toml');
  put(manifest, [
    '[project]',
    'name = "demo" # keep me',
    '',
    '[tool.comfydock.models.required]',
    `"${hash}" = { filename = "old.safetensors", category = "loras", relative_path = "loras/styles/old.safetensors", size = 4096, sources = [] }`,
    '',
  ].join('\n'));
  return { dir, ws, models, lora, hash, workflows, manifest };
}
