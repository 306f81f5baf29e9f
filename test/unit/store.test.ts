// Team stores against a real Ceph cluster (mon + osd + RADOS Gateway on 127.0.0.1, test/helpers/ceph.ts),
// one cluster for the file, one bucket per test. What a user sees: environment A pushes its manifest's
// models (one through multipart) and B, with an empty library, gets them by `import --download`,
// verified; a model is sent once; cut pushes and pulls continue; a replaced object is refused and nothing
// indexed; wrong secret, missing bucket and read-only policies give messages naming the store, the
// credential source or the missing permission; two processes pushing one model leave one object; no
// credential ever shows in output, configuration or manifest.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { runCli } from '../../server/src/cli';
import { IndexStore } from '../../server/src/core/index/store';
import { readManifest } from '../../server/src/core/manifest/read';
import { createStoreClient } from '../../server/src/core/store/client';
import { pullModel } from '../../server/src/core/store/pull';
import { pushModel } from '../../server/src/core/store/push';
import { startCeph, type CephCluster, type CephUser } from '../helpers/ceph';
import { tempDir } from '../helpers/files';

const MiB = 1024 * 1024;
let ceph: CephCluster;
let admin: S3Client;
const tmp = tempDir('cm-store-');
/** Everything any run printed or wrote where a user could read it: checked for secrets at the end. */
const seen: string[] = [];
let bucketCount = 0;

before(async () => {
  ceph = await startCeph();
  admin = s3For(ceph.admin);
});
after(async () => {
  admin?.destroy();
  await ceph?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function s3For(user: CephUser): S3Client {
  return new S3Client({ region: 'us-east-1', endpoint: ceph.endpoint, forcePathStyle: true, credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey }, requestChecksumCalculation: 'WHEN_REQUIRED' });
}

async function newBucket(): Promise<string> {
  const bucket = `models-${++bucketCount}`;
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

const sha256Of = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface Env {
  dir: string;
  models: string;
  env: Record<string, string>;
}

/** A machine: its own config home, index and model folder; credentials of `user` in its environment. */
function machine(name: string, user: CephUser = ceph.admin): Env {
  const dir = join(tmp, name);
  const models = join(dir, 'models');
  mkdirSync(models, { recursive: true });
  const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), COMFY_MODELS_INDEX: join(dir, 'index.sqlite'), AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey };
  return { dir, models, env };
}

async function run(m: Env, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['--models-dir', m.models, ...argv], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: m.env, cwd: m.dir });
  seen.push(stdout, stderr);
  return { code, stdout, stderr, json: () => JSON.parse(stdout) as unknown };
}

function model(m: Env, rel: string, data: Buffer): string {
  const path = join(m.models, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, data);
  return path;
}

async function addStore(m: Env, bucket: string, name = 'team') {
  const r = await run(m, 'store', 'add', name, `s3://${bucket}/studio`, '--endpoint', ceph.endpoint, '--path-style');
  assert.equal(r.code, 0, r.stderr);
}

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const r = await admin.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (r.Contents ?? []).map((o) => o.Key!);
}

test('env A pushes its manifest (one model through multipart), env B imports it from the store, verified; a second push sends nothing', async () => {
  const bucket = await newBucket();
  const a = machine('a');
  await addStore(a, bucket);
  const big = randomBytes(100 * MiB + 12345);
  const files = { 'checkpoints/big.safetensors': big, 'loras/style/private.safetensors': randomBytes(3 * MiB), 'vae/small.safetensors': randomBytes(200_000) };
  for (const [rel, data] of Object.entries(files)) model(a, rel, data);
  for (const name of ['big.safetensors', 'style/private.safetensors', 'small.safetensors']) {
    const r = await run(a, '--project', a.dir, 'model', 'add', name);
    assert.equal(r.code, 0, r.stderr);
  }
  const pushed = await run(a, '--json', 'store', 'push', join(a.dir, 'pyproject.toml'));
  assert.equal(pushed.code, 0, pushed.stderr);
  const rows = pushed.json() as { url: string; alreadyInStore: boolean; sentBytes: number }[];
  assert.equal(rows.length, 3);
  assert.ok(rows.every((r) => !r.alreadyInStore && r.url.startsWith(`s3://${bucket}/studio/sha256/`)));
  for (const data of Object.values(files)) assert.ok((await keys(bucket, 'studio/sha256/')).includes(`studio/sha256/${sha256Of(data)}`));
  // The manifest names the store as a source; the listing shows the three models with their folders.
  const manifest = readManifest(readFileSync(join(a.dir, 'pyproject.toml'), 'utf8'));
  assert.ok(manifest.models.every((m) => m.sources.some((s) => s.type === 's3' && s.url.includes('/sha256/'))));
  const listing = (await run(a, '--json', 'store', 'ls', 'team')).json() as { models: { filename: string; category: string; subfolder?: string }[] }[];
  assert.deepEqual(listing[0].models.map((m) => `${m.category}/${m.subfolder ? `${m.subfolder}/` : ''}${m.filename}`).sort(), ['checkpoints/big.safetensors', 'loras/style/private.safetensors', 'vae/small.safetensors']);

  const again = await run(a, '--json', 'store', 'push', 'big.safetensors');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual((again.json() as { alreadyInStore: boolean; sentBytes: number }[]).map((r) => [r.alreadyInStore, r.sentBytes]), [[true, 0]]);

  const b = machine('b');
  await addStore(b, bucket);
  copyFileSync(join(a.dir, 'pyproject.toml'), join(b.dir, 'pyproject.toml'));
  const imported = await run(b, '--json', 'import', '--download');
  assert.equal(imported.code, 0, imported.stderr + imported.stdout);
  for (const [rel, data] of Object.entries(files)) assert.equal(sha256Of(readFileSync(join(b.models, rel))), sha256Of(data), rel);
  const index = await IndexStore.open(b.env.COMFY_MODELS_INDEX);
  try {
    const loc = index.snapshot().locations.find((l) => l.filename === 'private.safetensors')!;
    assert.ok(index.sources(loc.hash).some((s) => s.type === 's3'));
  } finally {
    index.close();
  }
});

test('a cut push continues the upload it left; a cut pull resumes its .part; both end with the right bytes', async () => {
  const bucket = await newBucket();
  const store = createStoreClient({ name: 'team', url: `s3://${bucket}`, endpoint: ceph.endpoint, pathStyle: true }, { credentials: ceph.admin, source: 'test' });
  try {
    const data = randomBytes(70 * MiB);
    const dir = join(tmp, 'cut');
    mkdirSync(join(dir, 'src'), { recursive: true });
    const path = join(dir, 'src', 'cut.safetensors');
    writeFileSync(path, data);
    const facts = { sha256: sha256Of(data), size: data.length, filename: 'cut.safetensors', category: 'loras' };
    const cut = new AbortController();
    await assert.rejects(
      pushModel(store, path, facts, { signal: cut.signal, onProgress: (bytes) => void (bytes >= 16 * MiB && cut.abort()) }),
      (err: Error & { code?: string }) => err.code === 'cancelled',
    );
    const resumed = await pushModel(store, path, facts);
    assert.ok(resumed.resumedBytes >= 16 * MiB, `continued from ${resumed.resumedBytes}`);
    assert.equal(resumed.sentBytes + resumed.resumedBytes, data.length);

    const roots = [{ path: join(dir, 'models'), category: null, origin: 'test' }];
    const cutPull = new AbortController();
    await assert.rejects(
      pullModel(store, { sha256: facts.sha256, signal: cutPull.signal, onProgress: (bytes) => void (bytes >= 20 * MiB && cutPull.abort()) }, roots),
      (err: Error & { code?: string }) => err.code === 'cancelled',
    );
    assert.ok(existsSync(join(dir, 'models', 'loras', 'cut.safetensors.part')));
    let first: number | undefined;
    const pulled = await pullModel(store, { sha256: facts.sha256, onProgress: (bytes) => void (first ??= bytes) }, roots);
    assert.ok(first! >= 20 * MiB, `the second pull started at ${first}`);
    assert.equal(pulled.sha256, facts.sha256);
    assert.equal(sha256Of(readFileSync(pulled.path)), facts.sha256);
  } finally {
    store.destroy();
  }
});

test('an object whose bytes were replaced in the bucket is refused on pull: clear error, no file, nothing indexed', async () => {
  const bucket = await newBucket();
  const a = machine('corrupt-a');
  await addStore(a, bucket);
  const data = randomBytes(2 * MiB);
  model(a, 'loras/tampered.safetensors', data);
  assert.equal((await run(a, 'store', 'push', 'tampered.safetensors')).code, 0);
  const key = `studio/sha256/${sha256Of(data)}`;
  await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: randomBytes(data.length), Metadata: { filename: 'tampered.safetensors', category: 'loras', size: String(data.length) } }));
  const b = machine('corrupt-b');
  await addStore(b, bucket);
  const r = await run(b, '--json', 'store', 'pull', sha256Of(data));
  assert.equal(r.code, 1);
  const [row] = r.json() as { error: { code: string; message: string } }[];
  assert.equal(row.error.code, 'corrupt-store-object');
  assert.match(row.error.message, /store 'team'.*corrupt/);
  assert.deepEqual(readdirSync(b.models, { recursive: true }).filter((f) => String(f).includes('tampered')), []);
  const index = await IndexStore.open(b.env.COMFY_MODELS_INDEX);
  try {
    assert.equal(index.snapshot().locations.length, 0);
  } finally {
    index.close();
  }
  const verify = await run(a, 'store', 'verify');
  assert.equal(verify.code, 0, 'same size and metadata: only a pull, which hashes, can tell');
});

test('wrong secret names the store and the credential source and writes nothing; a missing bucket is said so', async () => {
  const bucket = await newBucket();
  const a = machine('wrong', { ...ceph.admin, secretAccessKey: 'not-the-secret-0123456789' });
  await addStore(a, bucket);
  model(a, 'loras/x.safetensors', randomBytes(100_000));
  const r = await run(a, '--json', 'store', 'push', 'x.safetensors');
  assert.equal(r.code, 1);
  const [row] = r.json() as { error: { code: string; message: string } }[];
  assert.equal(row.error.code, 'store-credentials');
  assert.match(row.error.message, /store 'team'.*refused \(SignatureDoesNotMatch\).*AWS_SECRET_ACCESS_KEY/);
  assert.deepEqual(await keys(bucket, ''), []);
  const pulled = await run(a, '--json', 'store', 'pull', 'a'.repeat(64));
  assert.equal((pulled.json() as { error: { code: string } }[])[0].error.code, 'store-credentials');
  assert.deepEqual(readdirSync(a.models, { recursive: true }).filter((f) => String(f).endsWith('.part')), []);

  const c = machine('nobucket');
  await addStore(c, 'no-such-bucket');
  model(c, 'loras/y.safetensors', randomBytes(100_000));
  const missing = await run(c, '--json', 'store', 'push', 'y.safetensors');
  assert.equal(missing.code, 1);
  const [m] = missing.json() as { error: { code: string; message: string } }[];
  assert.equal(m.error.code, 'store-bucket-missing');
  assert.match(m.error.message, /bucket 'no-such-bucket' does not exist/);
});

test('a read-only user (bucket policy) can pull but not push: the message names s3:PutObject', async () => {
  const bucket = await newBucket();
  const reader = ceph.addUser(`reader${bucketCount}`);
  await admin.send(
    new PutBucketPolicyCommand({
      Bucket: bucket,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam:::user/${reader.uid}`] }, Action: ['s3:GetObject', 's3:ListBucket'], Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] }],
      }),
    }),
  );
  const a = machine('policy-a');
  await addStore(a, bucket);
  const data = randomBytes(1 * MiB);
  model(a, 'loras/shared.safetensors', data);
  assert.equal((await run(a, 'store', 'push', 'shared.safetensors')).code, 0);
  const b = machine('policy-b', reader);
  await addStore(b, bucket);
  const pulled = await run(b, '--json', 'store', 'pull', sha256Of(data));
  assert.equal(pulled.code, 0, pulled.stdout + pulled.stderr);
  assert.equal(sha256Of(readFileSync(join(b.models, 'loras', 'shared.safetensors'))), sha256Of(data));
  model(b, 'loras/mine.safetensors', randomBytes(300_000));
  const pushed = await run(b, '--json', 'store', 'push', 'mine.safetensors');
  assert.equal(pushed.code, 1);
  const [row] = pushed.json() as { error: { code: string; message: string } }[];
  assert.equal(row.error.code, 'store-permission');
  assert.match(row.error.message, /lack s3:PutObject/);
});

test('two processes pushing the same model at once leave one object', async () => {
  const bucket = await newBucket();
  const a = machine('race');
  await addStore(a, bucket);
  const data = randomBytes(40 * MiB);
  model(a, 'checkpoints/race.safetensors', data);
  assert.equal((await run(a, 'index', 'sync')).code, 0);
  const cli = join(__dirname, '../../server/src/cli.js');
  const outputs: string[] = [];
  const once = () =>
    new Promise<number>((resolve) => {
      const child = execFile(process.execPath, [cli, '--models-dir', a.models, 'store', 'push', 'race.safetensors'], { env: { ...process.env, ...a.env }, cwd: a.dir }, (_err, stdout, stderr) => {
        seen.push(stdout, stderr);
        outputs.push(stdout + stderr);
        resolve(child.exitCode ?? 1);
      });
    });
  assert.deepEqual(await Promise.all([once(), once()]), [0, 0], outputs.join('\n---\n'));
  assert.deepEqual(await keys(bucket, 'studio/sha256/'), [`studio/sha256/${sha256Of(data)}`]);
  assert.equal((await keys(bucket, 'studio/catalogue/')).length, 1);
});

test('no credential appears in any output, store configuration or manifest', () => {
  const written = readdirSync(tmp, { recursive: true })
    .map((f) => join(tmp, String(f)))
    .filter((p) => /stores\.json$|pyproject\.toml$/.test(p))
    .map((p) => readFileSync(p, 'utf8'));
  assert.ok(written.length >= 2);
  for (const text of [...seen, ...written]) {
    assert.ok(!text.includes(ceph.admin.secretAccessKey), 'the secret key leaked');
    assert.ok(!text.includes('X-Amz-Signature'), 'a presigned URL leaked');
  }
});
