import type { Kernels } from '../types.js';

/**
 * Pure-TS twin of assembly/nm.ts: the reference implementation.
 *
 * Numerical contract: rows of rowLen (<= 0 or > n: one row), runs of m from
 * each row's start, the last run of a row possibly shorter; a run keeps its
 * min(keep, len) values first in (|w| descending, index ascending) — ties to
 * the lower index, -0 ties +0. The mask (ceil(n/8) bytes, bit i & 7 of byte
 * i >> 3, unused high bits 0) and the survivors packed in index order (bit
 * for bit, exactly `kept` values) are written; returns kept, or -1 when any
 * w[i] is NaN or ±Infinity. Bit-identical to WASM whenever no NaN is present
 * (|w| as a double orders like the kernel's sign-cleared bit patterns).
 *
 * Method: each run's top-k by insertion into a small index buffer (runs are
 * short: 4, 8, 16): scanning in index order and moving an entry only past
 * strictly smaller ones keeps the lower index first among equals. Exactly k
 * indices survive per run whatever the values, so `out` is never overrun.
 */
export function nmTwin(memory: WebAssembly.Memory): Pick<Kernels, 'nmPruneF32' | 'nmPruneF64'> {
  function nm(w: Float32Array | Float64Array, n: number, rowLen: number, keep: number, m: number, out: Float32Array | Float64Array, mask: Uint8Array): number {
    if (rowLen <= 0 || rowLen > n) rowLen = n;
    mask.fill(0);
    const top = new Int32Array(Math.max(1, Math.min(keep, m)));
    let o = 0;
    let finite = 0; // stays 0 while every w[i] - w[i] is 0 (NaN otherwise)
    for (let r0 = 0; r0 < n; r0 += rowLen) {
      const r1 = Math.min(n, r0 + rowLen);
      for (let g0 = r0; g0 < r1; g0 += m) {
        const g1 = Math.min(r1, g0 + m);
        const k = Math.min(keep, g1 - g0);
        for (let i = g0; i < g1; i++) finite += w[i] - w[i];
        if (k >= g1 - g0) {
          for (let i = g0; i < g1; i++) {
            mask[i >> 3] |= 1 << (i & 7);
            out[o++] = w[i];
          }
          continue;
        }
        let size = 0;
        for (let i = g0; i < g1; i++) {
          const v = Math.abs(w[i]);
          if (size === k && !(v > Math.abs(w[top[k - 1]]))) continue;
          let p = size < k ? size++ : k - 1;
          while (p > 0 && v > Math.abs(w[top[p - 1]])) {
            top[p] = top[p - 1];
            p--;
          }
          top[p] = i;
        }
        for (let j = 0; j < size; j++) {
          const i = top[j];
          mask[i >> 3] |= 1 << (i & 7);
        }
        for (let i = g0; i < g1; i++) if ((mask[i >> 3] >> (i & 7)) & 1) out[o++] = w[i];
      }
    }
    return finite === 0 ? o : -1;
  }

  /** Survivors of n values (sizes the `out` view): the sum over runs of min(keep, len). */
  function keptCount(n: number, rowLen: number, keep: number, m: number): number {
    if (rowLen <= 0 || rowLen > n) rowLen = n;
    const rows = Math.floor(n / rowLen);
    const rest = n - rows * rowLen;
    const run = (len: number) => Math.floor(len / m) * keep + Math.min(keep, len % m);
    return rows * run(rowLen) + run(rest);
  }

  return {
    nmPruneF32(wPtr, n, rowLen, keep, m, outPtr, maskPtr) {
      if (n <= 0) return 0;
      const buf = memory.buffer;
      const out = new Float32Array(buf, outPtr >>> 0, keptCount(n, rowLen, keep, m));
      return nm(new Float32Array(buf, wPtr >>> 0, n), n, rowLen, keep, m, out, new Uint8Array(buf, maskPtr >>> 0, (n + 7) >> 3));
    },
    nmPruneF64(wPtr, n, rowLen, keep, m, outPtr, maskPtr) {
      if (n <= 0) return 0;
      const buf = memory.buffer;
      const out = new Float64Array(buf, outPtr >>> 0, keptCount(n, rowLen, keep, m));
      return nm(new Float64Array(buf, wPtr >>> 0, n), n, rowLen, keep, m, out, new Uint8Array(buf, maskPtr >>> 0, (n + 7) >> 3));
    },
  };
}
