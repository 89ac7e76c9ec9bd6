import type { Kernels } from '../types.js';

/**
 * Twin of assembly/colstats.ts, the reference: for each row r in order
 * (skipping rows with !(w[r] > 0) when weighted), sum[j] += w[r] * x[r][j]
 * (x[r][j] when unweighted), min[j] = x < min[j] ? x : min[j], max[j] =
 * x > max[j] ? x : max[j], into the caller's buffers. Bit-identical to the
 * WASM kernel (same running sum per column, same selections).
 */
export function colStatsTwin(memory: WebAssembly.Memory): Pick<Kernels, 'colStatsF64'> {
  return {
    colStatsF64(xPtr, n, d, wPtr, sumPtr, minPtr, maxPtr): void {
      if (n <= 0 || d <= 0) return;
      const buf = memory.buffer;
      const x = new Float64Array(buf, xPtr, n * d);
      const w = wPtr ? new Float64Array(buf, wPtr, n) : null;
      const sum = new Float64Array(buf, sumPtr, d);
      const mn = new Float64Array(buf, minPtr, d);
      const mx = new Float64Array(buf, maxPtr, d);
      for (let r = 0; r < n; r++) {
        const wr = w ? w[r] : 1;
        if (w && !(wr > 0)) continue;
        const o = r * d;
        for (let j = 0; j < d; j++) {
          const v = x[o + j];
          sum[j] += w ? wr * v : v;
          if (v < mn[j]) mn[j] = v;
          if (v > mx[j]) mx[j] = v;
        }
      }
    },
  };
}
