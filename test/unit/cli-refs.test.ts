// `refs` and `check` through the bundled CLI as a child process, with a real index synced over a
// generated model library in a temp dir.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';

const REPO = join(__dirname, '../../..');
const CLI = join(REPO, 'server/dist/cli.js');
const FIXTURE = join(REPO, 'test/fixtures/workflows/check-basic.json');
const tmp = mkdtempSync(join(tmpdir(), 'cm-cli-refs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: tmp, env: { ...process.env, COMFY_MODELS_INDEX: join(tmp, 'index.sqlite') } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function file(rel: string, bytes: number): void {
  const p = join(tmp, 'models', rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, Buffer.alloc(bytes, rel));
}

test('refs --json: the DESIGN §12 shape, spans inside the quotes', async () => {
  const { code, stdout } = await run(['refs', FIXTURE, '--json']);
  assert.equal(code, 0);
  const out = JSON.parse(stdout);
  const text = readFileSync(FIXTURE, 'utf8');
  assert.equal(out.format, 'ui');
  assert.deepEqual(out.references.map((r: { nodeId: string; value: string; active: boolean }) => [r.nodeId, r.value, r.active]), [
    ['1', 'SDXL\\base.safetensors', true],
    ['2', 'detail.safetensors', true],
    ['3', 'missing-vae.safetensors', true],
    ['4', 'muted.safetensors', false],
    ['5', 'EasyNegative', true],
  ]);
  const first = out.references[0];
  assert.deepEqual(Object.keys(first).sort(), ['active', 'category', 'length', 'nodeId', 'nodeType', 'offset', 'value', 'widgetIndex']);
  assert.equal(text.slice(first.offset, first.offset + first.length), 'SDXL\\\\base.safetensors');
});

test('refs: non-workflow JSON exits 0 with format null; broken JSON exits 2 with {error:{message, offset}}', async () => {
  writeFileSync(join(tmp, 'package.json'), '{"name": "x"}');
  writeFileSync(join(tmp, 'broken.json'), '{"nodes": [');
  const foreign = await run(['refs', 'package.json', '--json']);
  assert.deepEqual([foreign.code, JSON.parse(foreign.stdout)], [0, { format: null, references: [] }]);
  const broken = await run(['refs', 'broken.json', '--json']);
  assert.equal(broken.code, 2);
  const err = JSON.parse(broken.stdout).error;
  assert.equal(err.offset, 11);
  assert.match(err.message, /invalid JSON/);
  assert.match(broken.stderr, /broken\.json:1:12/);
  assert.equal((await run(['refs'])).code, 2);
});

test('check syncs the roots, resolves against the real index and exits 1 on missing/flagged references', async () => {
  file('checkpoints/SDXL/base.safetensors', 4096);
  file('loras/sub/detail.safetensors', 2048);
  file('embeddings/EasyNegative.safetensors', 1024);
  file('vae/other-vae.safetensors', 1024);
  const { code, stdout } = await run(['check', FIXTURE, '--models-dir', join(tmp, 'models'), '--json']);
  assert.equal(code, 1);
  const [wf] = JSON.parse(stdout).workflows;
  const byNode = new Map(wf.references.map((r: { nodeId: string }) => [r.nodeId, r]));
  assert.deepEqual(byNode.get('1'), { ...(byNode.get('1') as object), status: 'resolved', via: 'exact', flags: [], resolvedPath: join(tmp, 'models/checkpoints/SDXL/base.safetensors') });
  assert.match((byNode.get('1') as { hash: string }).hash, /^[0-9a-f]{16}$/);
  assert.deepEqual([(byNode.get('2') as { status: string }).status, (byNode.get('2') as { flags: string[] }).flags], ['resolved', ['wrong-folder']]);
  const missing = byNode.get('3') as { status: string; reason: string; downloadUrls: string[]; candidates: { relativePath: string; confidence: string }[] };
  assert.deepEqual([missing.status, missing.reason, missing.downloadUrls], ['missing', 'not-found', ['https://huggingface.co/o/r/resolve/main/missing-vae.safetensors']]);
  assert.equal(missing.candidates[0].relativePath, 'vae/other-vae.safetensors');
  assert.equal((byNode.get('4') as { status: string }).status, 'inactive');
  assert.equal((byNode.get('5') as { via: string }).via, 'exact');

  file('vae/missing-vae.safetensors', 512);
  rmSync(join(tmp, 'models/loras/sub'), { recursive: true });
  file('loras/detail.safetensors', 2048);
  const again = await run(['check', join(REPO, 'test/fixtures/workflows'), '--models-dir', join(tmp, 'models')]);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.match(again.stdout, /✔ vae\/missing-vae\.safetensors {2}#3 VAELoader\[0\]/);
  assert.match(again.stdout, /○ loras\/muted\.safetensors .*\(inactive\)/);
});
