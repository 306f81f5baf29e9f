// base-model-mismatch end to end through the CLI: a real library of generated model files, a real
// index, `check --json`, `index list/find --json`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { chainWorkflowApi, chainWorkflowUi, writeBaseModelLibrary } from '../helpers/baseModelLibrary';
import { cli } from '../helpers/cli';
import { tempDir, writeFile } from '../helpers/files';

interface Ref { value: string; flags?: string[] }

function setup() {
  const dir = tempDir('cm-base-');
  const models = join(dir, 'models');
  writeBaseModelLibrary(models);
  return { dir, models, args: ['--index', join(dir, 'index.sqlite'), '--models-dir', models, '--json'] };
}

test('check: an SDXL checkpoint feeding an SDXL LoRA then an SD 1.5 LoRA (chained, through a reroute) flags only the SD 1.5 LoRA; UI and API format', async () => {
  const { dir, args } = setup();
  writeFile(join(dir, 'ui.json'), chainWorkflowUi());
  writeFile(join(dir, 'api.json'), chainWorkflowApi());
  for (const name of ['ui.json', 'api.json']) {
    const r = await cli(dir, ...args, 'check', name);
    assert.equal(r.code, 1, `${name}: a flag makes check fail`);
    const refs = r.json().workflows[0].references as Ref[];
    const flagged = refs.filter((x) => x.flags?.includes('base-model-mismatch')).map((x) => x.value);
    assert.deepEqual(flagged, ['sd15_style.safetensors'], name);
  }
  const text = await cli(dir, ...args.filter((a) => a !== '--json'), 'check', 'ui.json');
  assert.match(text.stdout, /⚠ loras\/sd15_style\.safetensors .*base-model-mismatch\n\s+LoRA 'sd15_style\.safetensors' is for SD 1\.x, but the model it is applied to, 'sdxl_base\.safetensors' \(CheckpointLoaderSimple, node 1\), is SDXL/);
});

test('check: nothing when the checkpoint family is unknown, and nothing when the families agree', async () => {
  const { dir, args } = setup();
  writeFile(join(dir, 'unknown.json'), chainWorkflowUi('mystery_ckpt.safetensors'));
  const unknown = await cli(dir, ...args, 'check', 'unknown.json');
  assert.equal(unknown.code, 0, unknown.stdout);
  // An SD 1.5 checkpoint: now the SDXL LoRA is the one that does not fit.
  writeFile(join(dir, 'sd15.json'), chainWorkflowUi('sd15_base.safetensors'));
  const sd15 = await cli(dir, ...args, 'check', 'sd15.json');
  const flagged = (sd15.json().workflows[0].references as Ref[]).filter((x) => x.flags?.includes('base-model-mismatch')).map((x) => x.value);
  assert.deepEqual(flagged, ['xl_detail.safetensors']);
});

test('index list and index find carry baseModel; find takes a base: filter', async () => {
  const { dir, args } = setup();
  assert.equal((await cli(dir, ...args, 'index', 'sync')).code, 0);
  const list = (await cli(dir, ...args, 'index', 'list')).json() as { filename: string; baseModel?: string }[];
  const byName = Object.fromEntries(list.map((r) => [r.filename, r.baseModel ?? null]));
  assert.deepEqual(byName, {
    'sdxl_base.safetensors': 'sdxl', 'sd15_base.safetensors': 'sd1', 'mystery_ckpt.safetensors': null,
    'xl_detail.safetensors': 'sdxl', 'sd15_style.safetensors': 'sd1', 'plain.safetensors': null,
  });
  const found = (await cli(dir, ...args, 'index', 'find', 'base:sdxl', 'safetensors')).json() as { filename: string; baseModel: string }[];
  assert.deepEqual(found.map((r) => r.filename).sort(), ['sdxl_base.safetensors', 'xl_detail.safetensors']);
  assert.ok(found.every((r) => r.baseModel === 'sdxl'));
  const sd15Loras = (await cli(dir, ...args, 'index', 'find', '--category', 'loras', 'base:SD1.5')).json() as { filename: string }[];
  assert.deepEqual(sd15Loras.map((r) => r.filename), ['sd15_style.safetensors']);
});
