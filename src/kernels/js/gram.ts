import type { Kernels } from '../types.js';

/**
 * Pure-TS twin of assembly/gram.ts: the reference implementation.
 *
 * Numerical contract: xtx[i][j] += sum_r (w[r] * x[r][i]) * x[r][j] and
 * xty[i][c] += sum_r (w[r] * x[r][i]) * y[r][c] (w = 1 when wPtr = 0, and then
 * the product is x[r][i] * x[r][j]). Each entry is one running f64 sum over
 * r = 0, 1, ..., n-1 (upper triangle i <= j only), added to the caller's
 * buffers at the end; (i, j) and (j, i) receive the same value, so a symmetric
 * xtx stays exactly symmetric. The WASM kernel forms the same products and
 * differs only in summation order (it sums chunks of rows).
 */
export function gramTwin(memory: WebAssembly.Memory): Pick<Kernels, 'gramScratchBytes' | 'gramF64'> {
  return {
    gramScratchBytes(_d: number): number {
      return 0;
    },
    gramF64(xPtr, n, d, yPtr, m, wPtr, xtxPtr, xtyPtr, _scratchPtr): void {
      if (n <= 0 || d <= 0) return;
      const buf = memory.buffer;
      const x = new Float64Array(buf, xPtr, n * d);
      const w = wPtr ? new Float64Array(buf, wPtr, n) : null;
      const xtx = new Float64Array(buf, xtxPtr, d * d);
      const g = new Float64Array(d * d); // upper triangle sums
      const wx = new Float64Array(d);
      for (let r = 0; r < n; r++) {
        const o = r * d;
        const wr = w ? w[r] : 1;
        for (let i = 0; i < d; i++) wx[i] = w ? wr * x[o + i] : x[o + i];
        for (let i = 0; i < d; i++) {
          const a = wx[i];
          const gi = i * d;
          for (let j = i; j < d; j++) g[gi + j] += a * x[o + j];
        }
      }
      for (let i = 0; i < d; i++) {
        xtx[i * d + i] += g[i * d + i];
        for (let j = i + 1; j < d; j++) {
          const v = g[i * d + j];
          xtx[i * d + j] += v;
          xtx[j * d + i] += v;
        }
      }
      if (m > 0) {
        const y = new Float64Array(buf, yPtr, n * m);
        const xty = new Float64Array(buf, xtyPtr, d * m);
        const h = new Float64Array(d * m);
        for (let r = 0; r < n; r++) {
          const o = r * d;
          const wr = w ? w[r] : 1;
          const yo = r * m;
          for (let i = 0; i < d; i++) {
            const a = w ? wr * x[o + i] : x[o + i];
            const hi = i * m;
            for (let c = 0; c < m; c++) h[hi + c] += a * y[yo + c];
          }
        }
        for (let t = 0; t < d * m; t++) xty[t] += h[t];
      }
    },
  };
}
