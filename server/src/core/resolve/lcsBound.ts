// Upper bounds of difflib's matching-character count from the longest common subsequence: the
// matching blocks are a common subsequence, so M(a, b) ≤ LCS(a, b). Computed bit-parallel
// (Allison–Dix / Hyyrö, with a carry between 32-bit words): one step per character of the text,
// so a bound costs a few operations per character instead of difflib's quadratic search.

/** Characters folded to 8 bits: folding only adds equalities, so every LCS stays an upper bound. */
export function foldedCodes(text: string, into: Uint8Array, at: number): void {
  for (let i = 0; i < text.length; i++) into[at + i] = text.charCodeAt(i) & 255;
}

export class LcsPattern {
  private readonly words: number;
  /** masks[w * 256 + c]: bit i set when pattern character 32·w + i folds to c. */
  private readonly masks: Int32Array;
  /** The valid bits of the last word. */
  private readonly last: number;
  private readonly state: Int32Array;

  constructor(readonly pattern: string) {
    this.words = Math.max(1, Math.ceil(pattern.length / 32));
    this.masks = new Int32Array(this.words * 256);
    for (let i = 0; i < pattern.length; i++) this.masks[(i >> 5) * 256 + (pattern.charCodeAt(i) & 255)] |= 1 << (i & 31);
    const rest = pattern.length - (this.words - 1) * 32;
    this.last = rest === 32 ? -1 : (1 << rest) - 1;
    this.state = new Int32Array(this.words);
  }

  /** The bound of LCS(pattern, text) for the folded text codes[from, to). */
  lcs(codes: Uint8Array, from: number, to: number): number {
    const masks = this.masks;
    // Unsigned 32-bit arithmetic: |, & and - wrap the (exact) doubles back to 32 bits.
    if (this.words === 1) {
      const full = this.last;
      let v = full;
      for (let i = from; i < to; i++) {
        const u = v & masks[codes[i]];
        v = ((v + u) | (v - u)) & full;
      }
      return this.pattern.length - bitCount(v);
    }
    const state = this.state;
    state.fill(-1);
    state[this.words - 1] = this.last;
    for (let i = from; i < to; i++) {
      const c = codes[i];
      let carry = 0;
      for (let w = 0; w < this.words; w++) {
        const v = state[w];
        const u = v & masks[w * 256 + c];
        const sum = (v >>> 0) + (u >>> 0) + carry;
        carry = sum > 0xffffffff ? 1 : 0;
        state[w] = sum | ((v >>> 0) - (u >>> 0));
      }
      state[this.words - 1] &= this.last;
    }
    let ones = 0;
    for (let w = 0; w < this.words; w++) ones += bitCount(state[w]);
    // A zero bit marks a pattern character on a longest common subsequence.
    return this.pattern.length - ones;
  }
}

function bitCount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
