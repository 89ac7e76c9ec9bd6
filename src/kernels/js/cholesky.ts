import type { Kernels } from '../types.js';

/**
 * Pure-TS twin of assembly/cholesky.ts: the reference implementation.
 *
 * choleskyF64: the textbook row-oriented (Cholesky–Banachiewicz) recursion on
 * the lower triangle, in place,
 *   L[i][j] = (A[i][j] - sum_{k<j} L[i][k] L[j][k]) / L[j][j]     (j < i)
 *   L[i][i] = sqrt(A[i][i] + ridge - sum_{k<i} L[i][k]^2)
 * each dot product one running f64 sum over k = 0, 1, ...; the strict upper
 * triangle is never read or written. Returns -1, or the first pivot index
 * whose radicand is not > 0 or not finite.
 *
 * cholSolveF64: L z = B by forward substitution (running sums over j < i),
 * then L^T x = z right-looking: x[i] = z[i] / L[i][i], z[j] -= L[i][j] x[i]
 * for j < i. B is d*k row-major, solved in place.
 */
export function choleskyTwin(memory: WebAssembly.Memory): Pick<Kernels, 'choleskyF64' | 'cholSolveF64'> {
  return {
    choleskyF64(aPtr, d, ridge): number {
      if (d <= 0) return -1;
      const a = new Float64Array(memory.buffer, aPtr, d * d);
      for (let i = 0; i < d; i++) {
        const ri = i * d;
        for (let j = 0; j < i; j++) {
          const rj = j * d;
          let s = 0;
          for (let k = 0; k < j; k++) s += a[ri + k] * a[rj + k];
          a[ri + j] = (a[ri + j] - s) / a[rj + j];
        }
        let s = 0;
        for (let k = 0; k < i; k++) s += a[ri + k] * a[ri + k];
        const p = a[ri + i] + ridge - s;
        if (!(p > 0) || !Number.isFinite(p)) return i;
        a[ri + i] = Math.sqrt(p);
      }
      return -1;
    },
    cholSolveF64(lPtr, d, bPtr, k): void {
      if (d <= 0 || k <= 0) return;
      const buf = memory.buffer;
      const l = new Float64Array(buf, lPtr, d * d);
      const b = new Float64Array(buf, bPtr, d * k);
      for (let c = 0; c < k; c++) {
        for (let i = 0; i < d; i++) {
          const ri = i * d;
          let s = 0;
          for (let j = 0; j < i; j++) s += l[ri + j] * b[j * k + c];
          b[i * k + c] = (b[i * k + c] - s) / l[ri + i];
        }
        for (let i = d - 1; i >= 0; i--) {
          const ri = i * d;
          const x = b[i * k + c] / l[ri + i];
          b[i * k + c] = x;
          for (let j = 0; j < i; j++) b[j * k + c] -= l[ri + j] * x;
        }
      }
    },
  };
}
