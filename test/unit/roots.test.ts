import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandPath, parseExtraModelPaths } from '../../server/src/core/extraModelPaths';
import { resolveRoots } from '../../server/src/core/roots';

const pathEnv = { env: { MODELS: '/mnt/models', HOME: '/home/u' }, home: '/home/u' };
const yamlPath = '/opt/comfy/extra_model_paths.yaml';

test('expandPath expands ~, $VAR and ${VAR}, and keeps unknown variables', () => {
  assert.equal(expandPath('~/ai', pathEnv), '/home/u/ai');
  assert.equal(expandPath('$MODELS/x', pathEnv), '/mnt/models/x');
  assert.equal(expandPath('${MODELS}/x', pathEnv), '/mnt/models/x');
  assert.equal(expandPath('$NOPE/x', pathEnv), '$NOPE/x');
});

test('extra_model_paths.yaml: base_path, multi-line values, legacy keys, custom categories', () => {
  const text = `
a111:
  base_path: /opt/sd-webui
  checkpoints: models/Stable-diffusion
  loras: |
    models/Lora
    models/LyCORIS
  clip: models/text_encoder
  unet: models/unet
  ipadapter: models/ipadapter
`;
  const { entries, errors } = parseExtraModelPaths(text, yamlPath, pathEnv);
  assert.deepEqual(errors, []);
  assert.deepEqual(entries.map((e) => [e.category, e.path]), [
    ['checkpoints', '/opt/sd-webui/models/Stable-diffusion'],
    ['loras', '/opt/sd-webui/models/Lora'],
    ['loras', '/opt/sd-webui/models/LyCORIS'],
    ['text_encoders', '/opt/sd-webui/models/text_encoder'],
    ['diffusion_models', '/opt/sd-webui/models/unet'],
    ['ipadapter', '/opt/sd-webui/models/ipadapter'],
  ]);
});

test('extra_model_paths.yaml: ~ and $VARS in base_path, relative base and relative lines resolve against the yaml folder', () => {
  const text = `
home:
  base_path: ~/ai/models
  vae: vae
vars:
  base_path: $MODELS
  loras: loras
rel:
  base_path: ../shared
  checkpoints: ckpt
nobase:
  upscale_models: up
  embeddings: /abs/emb
`;
  const { entries, errors } = parseExtraModelPaths(text, yamlPath, pathEnv);
  assert.deepEqual(errors, []);
  assert.deepEqual(entries.map((e) => e.path), ['/home/u/ai/models/vae', '/mnt/models/loras', '/opt/shared/ckpt', '/opt/comfy/up', '/abs/emb']);
});

test('extra_model_paths.yaml: null sections are skipped; lists, numbers and broken YAML give messages, not crashes', () => {
  const r = parseExtraModelPaths('empty:\nbad:\n  loras:\n    - a\n    - b\n  vae: 3\n  checkpoints: ok\n', yamlPath, pathEnv);
  assert.deepEqual(r.entries.map((e) => e.path), ['/opt/comfy/ok']);
  assert.equal(r.errors.length, 2);
  assert.match(r.errors[0], /loras.*must be a path string/);
  assert.match(parseExtraModelPaths('a: [unclosed', yamlPath, pathEnv).errors[0], /not valid YAML/);
  assert.match(parseExtraModelPaths('- just\n- a list\n', yamlPath, pathEnv).errors[0], /mapping of sections/);
  assert.deepEqual(parseExtraModelPaths('', yamlPath, pathEnv), { entries: [], errors: [] });
});

test('resolveRoots: settings roots, <comfyuiPath>/models, its yaml and named yamls; is_default goes first', () => {
  const files: Record<string, string> = {
    '/opt/comfy/extra_model_paths.yaml': 'a111:\n  base_path: /sd\n  loras: models/Lora\n  checkpoints: models/Stable-diffusion\n',
    '/etc/more.yaml': 'mine:\n  is_default: true\n  base_path: /fast\n  checkpoints: ckpt\n  loras: |\n    l1\n    l2\n',
  };
  const read = (p: string) => {
    if (p in files) return files[p];
    throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
  };
  const { roots, warnings } = resolveRoots({ modelDirectories: ['/data/models'], comfyuiPath: '/opt/comfy', extraModelPathsFiles: ['/etc/more.yaml', '/etc/missing.yaml'] }, pathEnv, read);
  assert.deepEqual(roots.map((r) => [r.path, r.category]), [
    ['/fast/l2', 'loras'],
    ['/fast/l1', 'loras'],
    ['/fast/ckpt', 'checkpoints'],
    ['/data/models', null],
    ['/opt/comfy/models', null],
    ['/sd/models/Lora', 'loras'],
    ['/sd/models/Stable-diffusion', 'checkpoints'],
  ]);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /missing\.yaml/);
});

test('resolveRoots: a yaml entry that is a category folder of a listed ComfyUI root is not indexed twice', () => {
  const read = () => 'comfyui:\n  base_path: /opt/comfy/models\n  checkpoints: checkpoints\n  text_encoders: clip\n  loras: /elsewhere/loras\n';
  const { roots } = resolveRoots({ modelDirectories: [], comfyuiPath: '/opt/comfy' }, pathEnv, read);
  assert.deepEqual(roots.map((r) => [r.path, r.category]), [['/opt/comfy/models', null], [join('/elsewhere/loras'), 'loras']]);
});
