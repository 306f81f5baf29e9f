// Terminal escapes in workflow values and file names never reach the terminal raw (issue 13).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { escapeControl } from '../../server/src/cli/output';
import { cli } from '../helpers/cli';
import { tempDir, writeFile } from '../helpers/files';

const EVIL = '\u001b]0;pwned\u0007\u001b[2J\r\u009b31m✓ all resolved';
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

test('escapeControl shows control characters, keeps line feeds, tabs and any other text', () => {
  assert.equal(escapeControl('a\u001b[2Jb\rc\n\td\u009b é✓'), 'a\\x1b[2Jb\\rc\n\td\\x9b é✓');
});

test('check, refs, index list, model list and errors print hostile values escaped', async () => {
  const dir = tempDir('cm-esc-');
  const models = join(dir, 'models');
  writeFile(join(models, `loras/${EVIL}.safetensors`), 'evil lora');
  writeFileSync(join(dir, 'wf.json'), JSON.stringify({
    nodes: [{ id: 1, type: 'LoraLoader', mode: 0, widgets_values: [`${EVIL}-missing.safetensors`, 1, 1] }], links: [], version: 0.4,
  }));
  writeFileSync(join(dir, 'pyproject.toml'), `[tool.comfydock.models.required]\n"0123456789abcdef" = { filename = "x${EVIL.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}.safetensors", category = "loras" }\n`);
  const g = ['--index', join(dir, 'index.sqlite'), '--models-dir', models, '--project', dir];
  const runs = {
    check: await cli(dir, ...g, 'check', 'wf.json'),
    refs: await cli(dir, ...g, 'refs', 'wf.json'),
    indexList: await cli(dir, ...g, 'index', 'list'),
    modelList: await cli(dir, ...g, 'model', 'list'),
    error: await cli(dir, ...g, 'refs', `${EVIL}.json`),
  };
  assert.ok(runs.indexList.stdout.includes('\\x1b]0;pwned\\x07'), runs.indexList.stdout);
  assert.ok(runs.check.stdout.includes('\\x1b]0;pwned'), runs.check.stdout);
  assert.ok(runs.error.stderr.includes('\\x1b]0;pwned'), runs.error.stderr);
  for (const [name, r] of Object.entries(runs)) {
    assert.doesNotMatch(r.stdout, RAW_CONTROL, `${name} stdout`);
    assert.doesNotMatch(r.stderr, RAW_CONTROL, `${name} stderr`);
  }
});
