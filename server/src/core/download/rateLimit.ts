// The bandwidth cap: one token bucket shared by every running download (and any other transfer handed
// it, such as a team store's), so the cap holds for their sum. Each chunk reserves its bytes; a reservation
// that overdraws the bucket waits, on the clock port, until the refill covers it. Waiting callers queue
// behind each other's debt, so parallel transfers share the rate instead of each getting all of it.
import type { Clock } from './ports';

/** Refill held at most (a short burst), as a fraction of a second's worth of the rate. */
const BURST_SECONDS = 0.125;
const MIN_BURST = 64 * 1024;

export class TokenBucket {
  private tokens = 0;
  private last: number;

  /** `bytesPerSecond` 0 (or less) means no cap. */
  constructor(private bytesPerSecond: number, private readonly clock: Clock) {
    this.last = clock.now();
    this.tokens = this.burst;
  }

  get rate(): number {
    return this.bytesPerSecond;
  }

  /** Change the cap (0: none); transfers running now follow it from their next chunk. */
  setRate(bytesPerSecond: number): void {
    this.refill();
    this.bytesPerSecond = Math.max(0, bytesPerSecond);
    this.tokens = Math.min(this.tokens, this.burst);
  }

  /** Resolve once `bytes` may be passed on (at once when there is no cap). */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.bytesPerSecond <= 0) return;
    this.refill();
    this.tokens -= bytes;
    if (this.tokens >= 0) return;
    const waitMs = Math.ceil((-this.tokens / this.bytesPerSecond) * 1000);
    try {
      await this.clock.sleep(waitMs, signal);
    } catch (err) {
      this.tokens += bytes; // a cancelled reservation is given back to the others
      throw err;
    }
  }

  private get burst(): number {
    return Math.max(MIN_BURST, this.bytesPerSecond * BURST_SECONDS);
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    if (this.bytesPerSecond > 0) this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1000) * this.bytesPerSecond);
  }
}

const RATE = /^\s*(\d+(?:\.\d+)?)\s*([kKmMgG])?(?:i?[bB](?:\/s)?)?\s*$/;

/**
 * Bytes per second from `4M`, `500K`, `1.5m`, `250000` (K = 1024, M = 1024², G = 1024³, like curl's
 * --limit-rate); '' or '0' is no cap. Undefined for anything else.
 */
export function parseRate(text: string): number | undefined {
  if (text.trim() === '') return 0;
  const m = RATE.exec(text);
  if (!m) return undefined;
  const unit = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? '').toLowerCase()] ?? 1;
  const value = Math.floor(Number(m[1]) * unit);
  return Number.isFinite(value) ? value : undefined;
}
