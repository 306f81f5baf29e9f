// Rate limits: CivitAI answers 429 (Cloudflare, or page*limit > 1000) without a Retry-After, so a check
// backs off exponentially from 1 s up to 30 s on the clock port (tests inject one that does not wait).
import { isDownloadError } from '../download/errors';
import type { Clock } from '../download/ports';

const DELAYS_MS = [1000, 2000, 4000, 8000, 16000, 30000];

export async function withRateLimitBackoff<T>(work: () => Promise<T>, clock: Clock, signal?: AbortSignal, onWait?: (ms: number) => void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isDownloadError(err) || err.status !== 429 || attempt >= DELAYS_MS.length) throw err;
      onWait?.(DELAYS_MS[attempt]);
      await clock.sleep(DELAYS_MS[attempt], signal);
    }
  }
}
