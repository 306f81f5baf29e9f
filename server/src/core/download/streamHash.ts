// SHA-256, BLAKE3 and the quick hash of a download, from the bytes as they stream by (no second read).
// The quick hash samples fixed offsets of the final size (hash/quickHash.ts), so it is fed only when the
// total is known up front; otherwise the caller takes it from the finished file (≤ 15 MiB read).
import { createHash, type Hash } from 'node:crypto';
import { newBlake3, type Blake3Hasher } from '../hash/blake3';
import { sampleRanges } from '../hash/quickHash';

export interface StreamDigests {
  size: number;
  sha256: string;
  blake3: string;
  /** Undefined when the total size was not known while streaming. */
  quickHash?: string;
}

export class StreamHasher {
  private readonly sha = createHash('sha256');
  private readonly ranges: [number, number][];
  /** Bytes hashed so far: the offset the next update must start at. */
  position = 0;

  private constructor(
    private readonly blake: Blake3Hasher,
    private readonly quick: Blake3Hasher | undefined,
    readonly total: number | undefined,
  ) {
    this.ranges = total === undefined ? [] : sampleRanges(total);
    quick?.update(String(total));
  }

  static async create(total: number | undefined): Promise<StreamHasher> {
    return new StreamHasher(await newBlake3(), total === undefined ? undefined : await newBlake3(), total);
  }

  update(chunk: Buffer): void {
    this.sha.update(chunk);
    this.blake.update(chunk);
    if (this.quick) feedSamples(this.quick, this.ranges, this.position, chunk);
    this.position += chunk.length;
  }

  digests(): StreamDigests {
    return {
      size: this.position,
      sha256: (this.sha as Hash).digest('hex'),
      blake3: this.blake.hex(),
      quickHash: this.quick && this.position === this.total ? this.quick.hex().slice(0, 16) : undefined,
    };
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
