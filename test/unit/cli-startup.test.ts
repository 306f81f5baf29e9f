// CLI start-up: a command loads only what it needs (no HTTP stack, hash workers or crypto for
// `--version` or `refs`), and the bundle is loaded through a V8 code cache that is written once,
// reused, replaced when it is garbage, and never needed for the run to succeed.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const REPO = join(__dirname, '../../..');
const CLI = join(REPO, 'server/dist/cli.js');
const FIXTURE = join(REPO, 'test/fixtures/workflows/check-basic.json');
const tmp = mkdtempSync(join(tmpdir(), 'cm-cli-startup-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// Preloaded into the CLI's process: at exit, the Node built-in modules it loaded, into $LOADED_OUT.
const PRELOAD = join(tmp, 'record-builtins.js');
writeFileSync(PRELOAD, "process.on('exit', () => require('fs').writeFileSync(process.env.LOADED_OUT, JSON.stringify(process.moduleLoadList)));\n");

interface Run { code: number; stdout: string; stderr: string }

function run(args: string[], env: Record<string, string>, preload = false): Promise<Run> {
  const node = preload ? ['-r', PRELOAD, CLI] : [CLI];
  return new Promise((resolve) => {
    execFile(process.execPath, [...node, ...args], { cwd: tmp, env: { ...process.env, COMFY_MODELS_INDEX: join(tmp, 'index.sqlite'), ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

async function builtinsLoadedBy(args: string[]): Promise<Set<string>> {
  const out = join(tmp, `loaded-${args.join('-').replace(/\W/g, '')}.json`);
  const r = await run(args, { LOADED_OUT: out, COMFY_MODELS_CODE_CACHE: 'off' }, true);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(readFileSync(out, 'utf8')) as string[];
  return new Set(list.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)));
}

const HEAVY = ['http', 'https', 'worker_threads', 'crypto'];

test('--version and refs load neither the HTTP stack, the hash workers nor crypto; hash does load its workers', async () => {
  for (const args of [['--version'], ['refs', FIXTURE]]) {
    const loaded = await builtinsLoadedBy(args);
    assert.deepEqual(HEAVY.filter((m) => loaded.has(m)), [], `comfy-models ${args.join(' ')}`);
  }
  const file = join(tmp, 'model.bin');
  writeFileSync(file, Buffer.alloc(1000, 7));
  const hashed = await builtinsLoadedBy(['hash', file, file, file, file]);
  assert.ok(hashed.has('worker_threads'), 'the recorder sees what a command loads');
});

test('the code cache is written on the first run, reused untouched after, and the output never changes', async () => {
  const dir = join(tmp, 'cache-reuse');
  const first = await run(['refs', FIXTURE, '--json'], { COMFY_MODELS_CODE_CACHE: dir });
  assert.equal(first.code, 0, first.stderr);
  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  const written = statSync(join(dir, files[0]));
  assert.ok(written.size > 0);
  const bytes = readFileSync(join(dir, files[0]));
  const second = await run(['refs', FIXTURE, '--json'], { COMFY_MODELS_CODE_CACHE: dir });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(second.stdout, first.stdout);
  assert.deepEqual(readdirSync(dir), files);
  assert.ok(readFileSync(join(dir, files[0])).equals(bytes), 'an accepted cache is not rewritten');
  const uncached = await run(['refs', FIXTURE, '--json'], { COMFY_MODELS_CODE_CACHE: 'off' });
  assert.equal(uncached.stdout, first.stdout);
});

test('a garbage cache file is replaced, and an unwritable cache folder only costs the compile', async () => {
  const dir = join(tmp, 'cache-garbage');
  assert.equal((await run(['--version'], { COMFY_MODELS_CODE_CACHE: dir })).code, 0);
  const [name] = readdirSync(dir);
  const garbage = Buffer.from('not a V8 code cache');
  writeFileSync(join(dir, name), garbage);
  const r = await run(['--version'], { COMFY_MODELS_CODE_CACHE: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  assert.ok(!readFileSync(join(dir, name)).equals(garbage), 'the rejected cache was replaced');
  assert.deepEqual(readdirSync(dir), [name], 'no temporary file is left behind');

  const blocked = join(tmp, 'cache-blocked');
  writeFileSync(blocked, 'a file where the cache folder would go');
  const b = await run(['refs', FIXTURE], { COMFY_MODELS_CODE_CACHE: join(blocked, 'sub') });
  assert.equal(b.code, 0, b.stderr);
  assert.equal(b.stderr, '');
  assert.match(b.stdout, /SDXL/);
});
