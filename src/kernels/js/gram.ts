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
 * gramCentredF64 reads x[r][j] as z = (x[r][j] - mu[j]) * inv[j] (one f64
 * subtraction, one f64 product: the WASM kernel forms the same z).
 */
export function gramTwin(memory: WebAssembly.Memory): Pick<Kernels, 'gramScratchBytes' | 'gramF64' | 'gramCentredF64'> {
  function gram(xPtr: number, n: number, d: number, muPtr: number, invPtr: number, yPtr: number, m: number, wPtr: number, xtxPtr: number, xtyPtr: number): void {
    if (n <= 0 || d <= 0) return;
    const buf = memory.buffer;
    const x = new Float64Array(buf, xPtr, n * d);
    const w = wPtr ? new Float64Array(buf, wPtr, n) : null;
    const mu = muPtr ? new Float64Array(buf, muPtr, d) : null;
    const inv = muPtr ? new Float64Array(buf, invPtr, d) : null;
    const y = m > 0 ? new Float64Array(buf, yPtr, n * m) : null;
    const g = new Float64Array(d * d); // upper triangle sums
    const h = new Float64Array(d * m);
    const z = new Float64Array(d);
    const wz = new Float64Array(d);
    for (let r = 0; r < n; r++) {
      const o = r * d;
      const wr = w ? w[r] : 1;
      for (let i = 0; i < d; i++) {
        const v = mu && inv ? (x[o + i] - mu[i]) * inv[i] : x[o + i];
        z[i] = v;
        wz[i] = w ? wr * v : v;
      }
      for (let i = 0; i < d; i++) {
        const a = wz[i];
        const gi = i * d;
        for (let j = i; j < d; j++) g[gi + j] += a * z[j];
      }
      if (y) {
        const yo = r * m;
        for (let i = 0; i < d; i++) {
          const a = wz[i];
          const hi = i * m;
          for (let c = 0; c < m; c++) h[hi + c] += a * y[yo + c];
        }
      }
    }
    const xtx = new Float64Array(buf, xtxPtr, d * d);
    for (let i = 0; i < d; i++) {
      xtx[i * d + i] += g[i * d + i];
      for (let j = i + 1; j < d; j++) {
        const v = g[i * d + j];
        xtx[i * d + j] += v;
        xtx[j * d + i] += v;
      }
    }
    if (y) {
      const xty = new Float64Array(buf, xtyPtr, d * m);
      for (let t = 0; t < d * m; t++) xty[t] += h[t];
    }
  }
  return {
    gramScratchBytes(_d: number): number {
      return 0;
    },
    gramF64(xPtr, n, d, yPtr, m, wPtr, xtxPtr, xtyPtr, _scratchPtr): void {
      gram(xPtr, n, d, 0, 0, yPtr, m, wPtr, xtxPtr, xtyPtr);
    },
    gramCentredF64(xPtr, n, d, muPtr, invPtr, yPtr, m, wPtr, xtxPtr, xtyPtr, _scratchPtr): void {
      gram(xPtr, n, d, muPtr, invPtr, yPtr, m, wPtr, xtxPtr, xtyPtr);
    },
  };
}
