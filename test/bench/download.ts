// Bench row (DESIGN.md §13): a loopback download of a 256 MiB file into a model folder while hashing it
// (SHA-256 + BLAKE3 + quick hash from the stream, written to disk) against `curl` fetching the same URL to
// /dev/null (the brief's comparison) and to a file beside ours (the same disk work, no hashing); plus ours
// with writes discarded at the file-system port (receive + hashing only). The server runs in a child
// process so neither client shares its event loop.
// Run alone: node out/test/bench/download.js
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpClient } from '../../server/src/core/download/http';
import { noTokens } from '../../server/src/core/download/hosts';
import { nodeDownloadFs, type DownloadFs } from '../../server/src/core/download/ports';
import { transfer } from '../../server/src/core/download/transfer';
import { median } from './native';
import type { BenchRow } from './resolve';

const MiB = 1024 * 1024;
const SIZE = 256 * MiB;

const SERVER = `
const http = require('node:http');
const { randomFillSync } = require('node:crypto');
const data = randomFillSync(Buffer.allocUnsafe(${SIZE}));
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
  res.end(data);
}).listen(0, '127.0.0.1', function () { process.stdout.write(String(this.address().port) + '\\n'); });`;

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d) => resolve({ child, url: `http://127.0.0.1:${String(d).trim()}/model.safetensors` }));
  });
}

function curlMs(url: string, out: string): number | undefined {
  const curl = ['/usr/bin/curl', '/bin/curl'].find(existsSync);
  if (!curl) return undefined;
  const started = performance.now();
  const r = spawnSync(curl, ['-s', '-o', out, url], { stdio: 'ignore' });
  return r.status === 0 ? performance.now() - started : undefined;
}

/** Writes go nowhere: what is left is receiving and hashing. */
const discardWrites: DownloadFs = {
  ...nodeDownloadFs,
  async open(path, flags) {
    const file = await nodeDownloadFs.open(path, flags);
    return { ...file, writev: async () => {} };
  },
};

export async function downloadBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'comfy-bench-dl-'));
  const { child, url } = await startServer();
  try {
    const http = createHttpClient({ civitaiBaseUrl: 'https://civitai.com', huggingFaceEndpoint: 'https://huggingface.co' });
    const ours: number[] = [];
    const oursNoDisk: number[] = [];
    const theirs: number[] = [];
    const theirsToDisk: number[] = [];
    for (let round = 0; round < 4; round++) {
      const target = join(dir, 'models', 'checkpoints');
      rmSync(target, { recursive: true, force: true });
      const started = performance.now();
      await transfer({ url, targetDir: target, roots: [join(dir, 'models')] }, { http, tokens: noTokens });
      if (round > 0) ours.push(performance.now() - started); // round 0 warms up the server and the hashers
      rmSync(target, { recursive: true, force: true });
      const noDisk = performance.now();
      await transfer({ url, targetDir: target, roots: [join(dir, 'models')] }, { http, tokens: noTokens, fs: discardWrites });
      if (round > 0) oursNoDisk.push(performance.now() - noDisk);
      const t = curlMs(url, '/dev/null');
      if (round > 0 && t !== undefined) theirs.push(t);
      const d = curlMs(url, join(dir, 'curl.bin'));
      if (round > 0 && d !== undefined) theirsToDisk.push(d);
    }
    const oursMs = median(ours);
    const curl = theirs.length ? median(theirs) : undefined;
    const curlDisk = theirsToDisk.length ? median(theirsToDisk) : undefined;
    const mbps = (ms: number) => `${(SIZE / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
    const pct = (theirMs: number | undefined) => (theirMs === undefined ? 'n/a' : `${((theirMs / oursMs) * 100).toFixed(0)} %`);
    return [
      {
        what: 'loopback download 256 MiB, sha256 + blake3 + quick hash while streaming, written to disk',
        value: `${mbps(oursMs)}; curl to /dev/null ${curl === undefined ? 'n/a' : mbps(curl)}, curl to a file ${curlDisk === undefined ? 'n/a' : mbps(curlDisk)} (process start included); ours/curl ${pct(curl)} (to /dev/null), ${pct(curlDisk)} (to a file); ours without disk writes ${mbps(median(oursNoDisk))}`,
        target: '≥ 80 % of curl',
      },
    ];
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void downloadBench().then((rows) => rows.forEach((row) => console.log(`${row.what}: ${row.value} (target ${row.target})`)));
