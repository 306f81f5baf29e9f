// SHA-256, BLAKE3 and the quick hash of a download, from the bytes as they stream by (no second read).
// The quick hash samples fixed offsets of the final size (hash/quickHash.ts), so it is fed only when the
// total is known up front; otherwise the caller takes it from the finished file (≤ 15 MiB read).
// For big downloads SHA-256 (the slowest of the three) runs on the helper thread of hash/sha256.ts: the
// bytes are copied into its shared ring, so it hashes while this thread receives and runs BLAKE3.
import { newBlake3, type Blake3Hasher } from '../hash/blake3';
import { sampleRanges } from '../hash/quickHash';
import { helperThreadSha256, inThreadSha256, type Sha256Sink } from '../hash/sha256';

export interface StreamDigests {
  size: number;
  sha256: string;
  blake3: string;
  /** Undefined when the total size was not known while streaming. */
  quickHash?: string;
}

const SLOT = 1024 * 1024;
const SLOTS = 8;
/** Below this a helper thread's messages cost more than they save (as in hash/fullHash.ts). */
const HELPER_MIN_SIZE = 32 * 1024 * 1024;

export class StreamHasher {
  private readonly ranges: [number, number][];
  /** Ring slot being filled, how full it is, and the acknowledgement of each slot handed over. */
  private slot = 0;
  private fill = 0;
  private readonly released: (Promise<void> | undefined)[] = [];
  /** Bytes hashed so far: the offset the next update must start at. */
  position = 0;

  private constructor(
    private readonly sha: Sha256Sink,
    private readonly blake: Blake3Hasher,
    private readonly quick: Blake3Hasher | undefined,
    readonly total: number | undefined,
  ) {
    this.ranges = total === undefined ? [] : sampleRanges(total);
    quick?.update(String(total));
  }

  static async create(total: number | undefined): Promise<StreamHasher> {
    const sha = (total !== undefined && total >= HELPER_MIN_SIZE && helperThreadSha256(SLOT, SLOTS)) || inThreadSha256(SLOT);
    return new StreamHasher(sha, await newBlake3(), total === undefined ? undefined : await newBlake3(), total);
  }

  /** Hash the next bytes; resolves once they have been taken (SHA-256 may still be working on them). */
  async update(chunk: Buffer): Promise<void> {
    this.blake.update(chunk);
    if (this.quick) feedSamples(this.quick, this.ranges, this.position, chunk);
    this.position += chunk.length;
    for (let at = 0; at < chunk.length; ) {
      const n = Math.min(SLOT - this.fill, chunk.length - at);
      chunk.copy(this.sha.buffers[this.slot], this.fill, at, at + n);
      this.fill += n;
      at += n;
      if (this.fill === SLOT) await this.handOver();
    }
  }

  async digests(): Promise<StreamDigests> {
    if (this.fill) await this.handOver();
    return {
      size: this.position,
      sha256: await this.sha.digest(),
      blake3: this.blake.hex(),
      quickHash: this.quick && this.position === this.total ? this.quick.hex().slice(0, 16) : undefined,
    };
  }

  /** Drop an unfinished hash (a restart, an error, a cancellation); harmless after `digests`. */
  close(): void {
    this.sha.close();
  }

  private async handOver(): Promise<void> {
    this.released[this.slot] = this.sha.feed(this.slot, this.fill);
    this.slot = (this.slot + 1) % this.sha.buffers.length;
    this.fill = 0;
    await this.released[this.slot]; // the helper is done with the slot filled next
  }
}

/** Feed the parts of `chunk` (at file offset `at`) that fall in the sample ranges; ranges are sorted and disjoint. */
function feedSamples(hasher: Blake3Hasher, ranges: readonly [number, number][], at: number, chunk: Buffer): void {
  const end = at + chunk.length;
  for (const [offset, length] of ranges) {
    const from = Math.max(offset, at);
    const to = Math.min(offset + length, end);
    if (from < to) hasher.update(chunk.subarray(from - at, to - at));
  }
}
