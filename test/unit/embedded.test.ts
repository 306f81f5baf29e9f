import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EmbeddedFormatError, readEmbeddedWorkflow } from '../../server/src/core/workflow/embedded';
import { cli } from '../helpers/cli';
import { flacWith, mp4With, pngWith, webpWith } from '../helpers/embeddedFiles';
import { tempDir, writeFile } from '../helpers/files';

const WORKFLOW = JSON.stringify({
  nodes: [
    { id: 4, type: 'CheckpointLoaderSimple', mode: 0, widgets_values: ['sd_xl_base_1.0.safetensors'] },
    { id: 9, type: 'LoraLoader', mode: 0, widgets_values: ['style/détail.safetensors', 1, 1] },
  ],
  links: [],
  version: 0.4,
});
const PROMPT = JSON.stringify({ '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'api.safetensors' } } });

function file(name: string, bytes: Buffer): string {
  const path = join(tempDir('cm-embedded-'), name);
  writeFile(path, bytes);
  return path;
}

test('PNG: the workflow from tEXt, compressed iTXt and zTXt chunks; the prompt only when there is no workflow', async () => {
  for (const type of ['tEXt', 'iTXt', 'iTXt-z', 'zTXt'] as const) {
    const path = file('a.png', pngWith([{ type: 'tEXt', keyword: 'prompt', text: PROMPT }, { type, keyword: 'workflow', text: WORKFLOW }]));
    assert.deepEqual(await readEmbeddedWorkflow(path), { container: 'png', key: 'workflow', text: WORKFLOW }, type);
  }
  const promptOnly = file('p.png', pngWith([{ type: 'tEXt', keyword: 'parameters', text: 'a1111 text' }, { type: 'tEXt', keyword: 'prompt', text: PROMPT }]));
  assert.deepEqual(await readEmbeddedWorkflow(promptOnly), { container: 'png', key: 'prompt', text: PROMPT });
  assert.equal(await readEmbeddedWorkflow(file('none.png', pngWith([]))), undefined);
});

test('WebP EXIF, FLAC Vorbis comments and MP4 mdta metadata as ComfyUI writes them', async () => {
  const webp = file('a.webp', webpWith([{ tag: 0x0110, value: `prompt:${PROMPT}` }, { tag: 0x010f, value: `workflow:${WORKFLOW}` }]));
  assert.deepEqual(await readEmbeddedWorkflow(webp), { container: 'webp', key: 'workflow', text: WORKFLOW });
  const flac = file('a.flac', flacWith([`prompt=${PROMPT}`, `workflow=${WORKFLOW}`]));
  assert.deepEqual(await readEmbeddedWorkflow(flac), { container: 'flac', key: 'workflow', text: WORKFLOW });
  const mp4 = file('a.mp4', mp4With({ prompt: PROMPT, workflow: WORKFLOW }));
  assert.deepEqual(await readEmbeddedWorkflow(mp4), { container: 'mp4', key: 'workflow', text: WORKFLOW });
  // VideoHelperSuite: one comment holding both.
  const vhs = file('b.mp4', mp4With({ comment: JSON.stringify({ prompt: JSON.parse(PROMPT), workflow: JSON.parse(WORKFLOW) }) }));
  const got = await readEmbeddedWorkflow(vhs);
  assert.equal(got?.key, 'workflow');
  assert.deepEqual(JSON.parse(got!.text), JSON.parse(WORKFLOW));
});

test('hostile containers: huge declared lengths are refused, truncation and garbage never crash', async () => {
  const png = pngWith([{ type: 'tEXt', keyword: 'workflow', text: WORKFLOW }]);
  const huge = Buffer.from(png);
  huge.writeUInt32BE(0xfffffff0, 8 + 25); // the tEXt chunk's length
  await assert.rejects(readEmbeddedWorkflow(file('huge.png', huge)), EmbeddedFormatError);
  // Cut inside the text chunk: no workflow, no exception.
  assert.equal(await readEmbeddedWorkflow(file('cut.png', png.subarray(0, 8 + 25 + 20))), undefined);
  const mp4 = mp4With({ workflow: WORKFLOW });
  const badBox = Buffer.from(mp4);
  badBox.writeUInt32BE(3, 0); // a box smaller than its header
  await assert.rejects(readEmbeddedWorkflow(file('bad.mp4', badBox)), EmbeddedFormatError);
  for (let cut = 12; cut < mp4.length; cut += 97) await readEmbeddedWorkflow(file('t.mp4', mp4.subarray(0, cut)));
  const flac = flacWith([`workflow=${WORKFLOW}`]);
  for (let cut = 4; cut < flac.length; cut += 31) assert.equal(await readEmbeddedWorkflow(file('t.flac', flac.subarray(0, cut))), undefined);
  const webp = webpWith([{ tag: 0x010f, value: `workflow:${WORKFLOW}` }]);
  for (let cut = 12; cut < webp.length; cut += 29) await readEmbeddedWorkflow(file('t.webp', webp.subarray(0, cut)));
});

test('CLI refs and check on a PNG report the same references as the JSON it embeds, marked embeddedIn', async () => {
  const dir = tempDir('cm-embedded-cli-');
  writeFile(join(dir, 'wf.json'), WORKFLOW);
  writeFile(join(dir, 'out.png'), pngWith([{ type: 'tEXt', keyword: 'prompt', text: PROMPT }, { type: 'tEXt', keyword: 'workflow', text: WORKFLOW }]));
  writeFile(join(dir, 'models/checkpoints/sd_xl_base_1.0.safetensors'), 'ckpt');
  const index = join(dir, 'index.sqlite');

  const fromJson = await cli(dir, 'refs', 'wf.json', '--json');
  const fromPng = await cli(dir, 'refs', 'out.png', '--json');
  assert.equal(fromPng.code, 0, fromPng.stderr);
  assert.equal(fromJson.json().references.length, 2);
  assert.deepEqual(fromPng.json().references, fromJson.json().references);
  assert.deepEqual(fromPng.json().embeddedIn, { container: 'png', key: 'workflow', offsets: 'relative to the embedded JSON text' });
  const ref = fromPng.json().references[0];
  assert.equal(WORKFLOW.slice(ref.offset, ref.offset + ref.length), 'sd_xl_base_1.0.safetensors');

  const run = (f: string) => cli(dir, '--index', index, '--models-dir', join(dir, 'models'), 'check', f, '--json');
  const checkJson = await run('wf.json');
  const checkPng = await run('out.png');
  assert.equal(checkPng.code, 1, 'the LoRA is missing');
  assert.equal(checkJson.code, 1);
  const strip = (w: { references: { status: string; value: string; offset: number }[] }) => w.references.map((r) => [r.value, r.status, r.offset]);
  assert.deepEqual(strip(checkPng.json().workflows[0]), strip(checkJson.json().workflows[0]));
  assert.deepEqual(strip(checkPng.json().workflows[0]).map((r) => r[1]), ['resolved', 'missing']);
  assert.equal(checkPng.json().workflows[0].embeddedIn.container, 'png');

  writeFile(join(dir, 'empty.png'), pngWith([]));
  const none = await cli(dir, 'refs', 'empty.png');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no embedded workflow/);
  assert.equal(readFileSync(join(dir, 'empty.png')).length > 0, true);
});
