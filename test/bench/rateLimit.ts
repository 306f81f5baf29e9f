// Bench row: the bandwidth cap. Two parallel loopback downloads share one 4 MiB/s token bucket (the real
// clock); their combined rate over the run should stay within 10 % of the cap. Not a test: it only prints.
// Run alone: node out/test/bench/rateLimit.js
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noTokens } from '../../server/src/core/download/hosts';
import { createHttpClient } from '../../server/src/core/download/http';
import { systemClock } from '../../server/src/core/download/ports';
import { TokenBucket } from '../../server/src/core/download/rateLimit';
import { transfer } from '../../server/src/core/download/transfer';
import type { BenchRow } from './resolve';

const MiB = 1024 * 1024;
const CAP = 4 * MiB;
const EACH = 12 * MiB;

export async function rateLimitBench(): Promise<BenchRow[]> {
  const data = randomBytes(EACH);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': data.length });
    res.end(data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = mkdtempSync(join(tmpdir(), 'comfy-bench-cap-'));
  try {
    const deps = { http: createHttpClient({ civitaiBaseUrl: 'https://civitai.com', huggingFaceEndpoint: 'https://huggingface.co' }), tokens: noTokens, rateLimit: new TokenBucket(CAP, systemClock) };
    const roots = [join(dir, 'models')];
    const started = performance.now();
    await Promise.all(['a', 'b'].map((n) => transfer({ url: `${base}/${n}.safetensors`, targetDir: join(dir, 'models', 'loras'), roots }, deps)));
    const seconds = (performance.now() - started) / 1000;
    const rate = (2 * EACH) / seconds;
    return [{
      what: 'bandwidth cap 4 MiB/s, two parallel loopback downloads of 12 MiB sharing it',
      value: `${(rate / MiB).toFixed(2)} MiB/s together (${(((rate - CAP) / CAP) * 100).toFixed(1)} % from the cap) in ${seconds.toFixed(1)} s`,
      target: 'within 10 % of the cap',
    }];
  } finally {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void rateLimitBench().then((rows) => rows.forEach((row) => console.log(`${row.what}: ${row.value} (target ${row.target})`)));
