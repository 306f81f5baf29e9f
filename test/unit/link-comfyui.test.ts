import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { categoryFolders, canonicalCategory, STANDARD_CATEGORIES } from '../../server/src/core/categories';
import { parseExtraModelPaths } from '../../server/src/core/extraModelPaths';
import type { ModelRoot } from '../../server/src/core/roots';
import { LinkError, linkText, unlinkText } from '../../server/src/core/share/linkComfyui';
import { cli } from '../helpers/cli';
import { tempDir, writeFile } from '../helpers/files';

const USER_YAML = [
  '# my own paths, keep this comment',
  'a111:',
  '    base_path: /opt/stable-diffusion-webui   # trailing comment',
  '    checkpoints: models/Stable-diffusion',
  '    loras: |',
  '        models/Lora',
  '        models/LyCORIS',
  '',
  '#comfyui:',
  '#     base_path: path/to/comfyui/',
  '',
].join('\n');

const ROOTS: ModelRoot[] = [
  { path: '/data/models', category: null, origin: 'test' },
  { path: '/mnt/big disk/ComfyModels', category: null, origin: 'test' },
  { path: '/srv/vae', category: 'vae', origin: 'test' },
  { path: '/srv/more-vae', category: 'vae', origin: 'test' },
  { path: '/srv/loras "quoted" #not-a-comment: x', category: 'loras', origin: 'test' },
];
const listDir = (p: string) => (p === '/data/models' ? ['checkpoints', 'ipadapter', 'clip', '.cache'] : []);

test('link then unlink gives back the original bytes: comments, other sections, CRLF, a missing final line break', () => {
  const variants = { lf: USER_YAML, crlf: USER_YAML.replace(/\n/g, '\r\n'), noFinalBreak: USER_YAML.trimEnd(), empty: '' };
  for (const [name, original] of Object.entries(variants)) {
    const linked = linkText(original, ROOTS, '/opt/ComfyUI', listDir);
    assert.ok(linked.startsWith(original.trimEnd()), `${name}: the user's bytes come first, untouched`);
    if (name === 'crlf') assert.ok(!/[^\r]\n/.test(linked), 'CRLF kept everywhere');
    assert.equal(linkText(linked, ROOTS, '/opt/ComfyUI', listDir), linked, `${name}: linking again changes nothing`);
    assert.equal(unlinkText(linked), original, `${name}: unlink restores the file`);
    // New roots replace only the block.
    const relinked = linkText(linked + 'later: {}\n'.replace('\n', name === 'crlf' ? '\r\n' : '\n').replace('later: {}', 'other:\n  vae: x'), ROOTS.slice(0, 1), '/opt/ComfyUI', listDir);
    assert.ok(relinked.includes('other:'), `${name}: a section after the block stays`);
    assert.doesNotMatch(relinked, /big disk/);
  }
  assert.equal(unlinkText(USER_YAML), undefined);
});

test("ComfyUI's rules read our sections back to the indexed folders", () => {
  const linked = linkText(USER_YAML, ROOTS, '/opt/ComfyUI', listDir);
  const { entries, errors } = parseExtraModelPaths(linked, '/opt/ComfyUI/extra_model_paths.yaml', { env: {}, home: '/home/u' });
  assert.deepEqual(errors, []);
  const ours = entries.filter((e) => e.origin.includes('#comfy_models')).map((e) => `${e.category} ${e.path}`).sort();
  const expected: string[] = [];
  for (const root of ['/data/models', '/mnt/big disk/ComfyModels']) {
    const categories = [...STANDARD_CATEGORIES, ...(root === '/data/models' ? ['ipadapter'] : [])];
    for (const c of categories) for (const f of categoryFolders(c)) expected.push(`${canonicalCategory(c)} ${join(root, f)}`);
  }
  expected.push('vae /srv/vae', 'vae /srv/more-vae', 'loras /srv/loras "quoted" #not-a-comment: x');
  assert.deepEqual(ours, expected.sort());
  // The a111 section still reads as before.
  assert.deepEqual(entries.filter((e) => e.origin.endsWith('#a111')).map((e) => e.path), ['/opt/stable-diffusion-webui/models/Stable-diffusion', '/opt/stable-diffusion-webui/models/Lora', '/opt/stable-diffusion-webui/models/LyCORIS']);
  // ComfyUI's own models folder is not listed again.
  assert.doesNotMatch(linkText('', [...ROOTS, { path: '/opt/ComfyUI/models', category: null, origin: 'test' }], '/opt/ComfyUI', listDir), /\/opt\/ComfyUI\/models/);
});

test('a user section named like ours is left alone; broken YAML is refused', () => {
  const mine = 'comfy_models:\n  checkpoints: /mine\n';
  const linked = linkText(mine, ROOTS.slice(0, 1), '/opt/ComfyUI', listDir);
  assert.ok(linked.startsWith(mine));
  assert.match(linked, /^comfy_models_2:$/m);
  assert.throws(() => linkText('a111:\n  base_path: [unclosed\n', ROOTS, '/opt/ComfyUI', listDir), LinkError);
  assert.throws(() => unlinkText(`x: 1\n# >>> comfy-models: managed block\ncomfy_models:\n  vae: v\n`), LinkError);
});

test('CLI link / unlink on a ComfyUI folder: CRLF file round-trips; a file link created is removed by unlink', async () => {
  const dir = tempDir('cm-link-');
  const comfy = join(dir, 'ComfyUI');
  const models = join(dir, 'models');
  writeFile(join(models, 'loras/a.safetensors'), 'x');
  const yaml = join(comfy, 'extra_model_paths.yaml');
  const run = (...a: string[]) => cli(dir, '--index', join(dir, 'index.sqlite'), '--models-dir', models, ...a);
  const crlf = USER_YAML.replace(/\n/g, '\r\n');
  writeFile(yaml, crlf);
  const linked = await run('link', comfy, '--json');
  assert.equal(linked.code, 0, linked.stderr);
  assert.equal(linked.json().changed, true);
  const text = readFileSync(yaml, 'utf8');
  assert.ok(text.startsWith(crlf));
  const { entries } = parseExtraModelPaths(text, yaml, { env: {}, home: '/' });
  assert.ok(entries.some((e) => e.category === 'loras' && e.path === join(models, 'loras')));
  assert.equal((await run('unlink', comfy)).code, 0);
  assert.equal(readFileSync(yaml, 'utf8'), crlf);

  const fresh = join(dir, 'ComfyUI-2');
  writeFile(join(fresh, 'main.py'), '');
  assert.equal((await run('link', fresh)).code, 0);
  assert.ok(existsSync(join(fresh, 'extra_model_paths.yaml')));
  assert.equal((await run('unlink', fresh)).code, 0);
  assert.ok(!existsSync(join(fresh, 'extra_model_paths.yaml')), 'an empty extra_model_paths.yaml would break ComfyUI');
  writeFile(yaml, 'a111: [broken\n');
  const bad = await run('link', comfy);
  assert.equal(bad.code, 2);
  assert.equal(readFileSync(yaml, 'utf8'), 'a111: [broken\n');
});
