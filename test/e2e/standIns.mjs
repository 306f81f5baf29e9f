// Loopback stand-ins for CivitAI, Hugging Face and its CDN (test/helpers/standins.ts, compiled by `tsc -b`)
// serving the files the generated workspace's workflows name in their `models` metadata. The e2e run
// and the `npm start` demo point the workspace's provider settings at them, so a download finishes and
// verifies without leaving 127.0.0.1 — the demo works offline, and never touches the live services.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { repoRoot } from './paths.mjs';

/** Starts the stand-ins; `downloads` goes to writeWorkspace, `close` stops them. */
export async function startDownloadStandIns() {
  const { startStandIns } = createRequire(import.meta.url)(join(repoRoot, 'out', 'test', 'helpers', 'standins.js'));
  const s = await startStandIns();
  // Deterministic bytes, large enough for the task terminal to show progress.
  const data = Buffer.alloc(24 * 1024 * 1024);
  for (let i = 0; i < data.length; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
  const clip = Buffer.from('a small text encoder for the plan');
  const vae = await s.hub.addFile({ repo: 'comfy-demo/flux', path: 'flux_ae.safetensors', data });
  const clipUrl = await s.hub.addFile({ repo: 'comfy-demo/flux', path: 'clip_l_demo.safetensors', data: clip });
  return {
    downloads: {
      civitaiBaseUrl: s.endpoints.civitaiBaseUrl,
      huggingFaceEndpoint: s.endpoints.huggingFaceEndpoint,
      urls: { vae, clip: clipUrl },
      vaeSha256: createHash('sha256').update(data).digest('hex'),
      vaeSize: data.length,
      clipSize: clip.length,
    },
    close: async () => {
      await s.close();
    },
  };
}
