import type { Kernels } from '../types.js';

/**
 * Pure-TS twin of assembly/select.ts: the reference implementation.
 *
 * Numerical contract: the exact k-th largest |w| (1-based, duplicates
 * counted; k = 1 is max |w|, k = n is min |w|), +0 for a zero result, NaN
 * when k < 1 or k > n. The value is unique, so WASM agrees bit for bit.
 *
 * Same algorithm as the WASM kernel (deterministic O(n), no adversarial
 * input): most-significant-digit radix select on the IEEE bit patterns of
 * |w|, which order like the values for non-negative floats. f32: digits of
 * 11/10/10 bits; f64: 11/10/10 bits of the high word, then 11/11/10 bits of
 * the low word. Candidates are compacted into `scratch` (n elements).
 */
export function selectTwin(memory: WebAssembly.Memory): Pick<Kernels, 'kthAbsF32' | 'kthAbsF64'> {
  const hist = new Int32Array(2048);

  /** Walks the histogram down from the top; returns the bucket, leaves the rank within it in `rank`. */
  let rank = 0;
  function pick(nb: number, k: number): number {
    let b = nb - 1;
    while (k > hist[b]) {
      k -= hist[b];
      b--;
    }
    rank = k;
    return b;
  }

  const SHIFTS = [20, 10, 0];
  const WIDTHS = [11, 10, 10];
  const LO_SHIFTS = [21, 10, 0];
  const LO_WIDTHS = [11, 11, 10];

  return {
    kthAbsF32(wPtr, n, k, scratchPtr) {
      if (!(k >= 1 && k <= n)) return NaN;
      const buf = memory.buffer;
      const w = new Uint32Array(buf, wPtr >>> 0, n);
      const scratch = new Uint32Array(buf, scratchPtr >>> 0, n);
      let src = w;
      let cnt = n;
      let prefix = 0;
      for (let level = 0; level < 3; level++) {
        const shift = SHIFTS[level];
        const nb = 1 << WIDTHS[level];
        const dm = nb - 1;
        hist.fill(0, 0, nb);
        for (let i = 0; i < cnt; i++) hist[((src[i] & 0x7fffffff) >>> shift) & dm]++;
        const b = pick(nb, k);
        k = rank;
        prefix |= b << shift;
        if (level === 2) break;
        const c = hist[b];
        if (c !== cnt) {
          let j = 0;
          for (let i = 0; i < cnt; i++) {
            const a = src[i] & 0x7fffffff;
            if (((a >>> shift) & dm) === b) scratch[j++] = a;
          }
          src = scratch;
          cnt = c;
        }
        if (cnt === 1) {
          prefix = src[0] & 0x7fffffff;
          break;
        }
      }
      scratch[0] = prefix;
      return new Float32Array(buf, scratchPtr >>> 0, 1)[0];
    },
    kthAbsF64(wPtr, n, k, scratchPtr) {
      if (!(k >= 1 && k <= n)) return NaN;
      const buf = memory.buffer;
      // little-endian words: [2i] low, [2i + 1] high (sign bit in the high word)
      const w = new Uint32Array(buf, wPtr >>> 0, 2 * n);
      const scratch = new Uint32Array(buf, scratchPtr >>> 0, 2 * n);
      let src = w;
      let cnt = n;
      let hiPrefix = 0;
      let loPrefix = 0;
      let done = false;
      for (let level = 0; level < 6 && !done; level++) {
        const hiWord = level < 3;
        const shift = hiWord ? SHIFTS[level] : LO_SHIFTS[level - 3];
        const nb = 1 << (hiWord ? WIDTHS[level] : LO_WIDTHS[level - 3]);
        const dm = nb - 1;
        const off = hiWord ? 1 : 0;
        const am = hiWord ? 0x7fffffff : 0xffffffff; // bit 31 of the high word is the sign
        hist.fill(0, 0, nb);
        for (let i = 0; i < cnt; i++) hist[((src[2 * i + off] & am) >>> shift) & dm]++;
        const b = pick(nb, k);
        k = rank;
        if (hiWord) hiPrefix = (hiPrefix | (b << shift)) >>> 0;
        else loPrefix = (loPrefix | (b << shift)) >>> 0;
        if (level === 5) break;
        const c = hist[b];
        if (c !== cnt) {
          let j = 0;
          for (let i = 0; i < cnt; i++) {
            const hi = src[2 * i + 1] & 0x7fffffff;
            const lo = src[2 * i];
            if ((((hiWord ? hi : lo) >>> shift) & dm) === b) {
              scratch[2 * j] = lo;
              scratch[2 * j + 1] = hi;
              j++;
            }
          }
          src = scratch;
          cnt = c;
        }
        if (cnt === 1) {
          loPrefix = src[0];
          hiPrefix = src[1] & 0x7fffffff;
          done = true;
        }
      }
      scratch[0] = loPrefix;
      scratch[1] = hiPrefix;
      return new Float64Array(buf, scratchPtr >>> 0, 1)[0];
    },
  };
}
