/**
 * The inverse Cholesky factor the Hessian-aware methods read rows of, on a
 * row-major f64 d*d matrix. The O(d^3 / 3) factorisation runs in the engine's
 * Cholesky kernel (WASM SIMD or the JS twin); the triangular inverse
 * (d^3 / 6 multiply-adds) is plain TS with contiguous inner loops.
 * Accuracy: backward stable Cholesky; the inverse factor carries a relative
 * error of about cond(A) * eps, which is why callers damp A first.
 */
import type { Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
import { pivotLost } from './pivot.js';

/**
 * The upper-triangular U with (A + ridge I)^-1 = U^T U, U = L^T for the lower
 * Cholesky factor L of the inverse (torch.linalg.cholesky(A^-1, upper=True),
 * the factor GPTQ and SparseGPT read rows of), computed without forming A^-1:
 * with P the index reversal, factor P A P = M M^T; then A = R R^T with
 * R = P M P upper, so A^-1 = (R^-1)^T R^-1 and U = R^-1 = P M^-1 P.
 *
 * Meaning: row i of U is row i of (A_{F,F})^-1 / sqrt(its diagonal), where
 * F = {i, .., d-1} are the columns not yet processed — the OBS update for
 * eliminating column i after columns 0..i-1 — and U_ii^2 = [(A_{F,F})^-1]_ii.
 *
 * Returns { pivot } (a 0-based column of A) when A + ridge I is not positive
 * definite, or a pivot has lost every significant digit to cancellation
 * (l^2 <= d * eps * a_jj). The strict lower triangle of U is 0.
 */
export function inverseUpperFactor(core: Core, A: Float64Array, d: number, ridge: number): { U: Float64Array } | { pivot: number } {
  const R = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) R[i * d + j] = A[(d - 1 - i) * d + (d - 1 - j)];
  const s = new Scope(core.arena);
  let M: Float64Array;
  try {
    const rp = s.copyIn(R);
    const pivot = core.kernels.choleskyF64(rp, d, ridge);
    if (pivot >= 0) return { pivot: d - 1 - pivot };
    M = new Float64Array(core.arena.memory.buffer, rp, d * d).slice();
  } finally {
    s.release();
  }
  for (let j = 0; j < d; j++) if (pivotLost(M[j * d + j], R[j * d + j], d, ridge)) return { pivot: d - 1 - j };
  const X = lowerInverse(M, d);
  const U = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) U[i * d + j] = X[(d - 1 - i) * d + (d - 1 - j)];
  return { U };
}

/**
 * Inverse of a lower-triangular L (strict upper triangle ignored), row by row:
 * x_i = (e_i - sum_{k<i} L_ik x_k) / L_ii, where x_k is zero beyond column k.
 * Four rows k are folded into one pass over x_i (a quarter of the loads and
 * stores); the columns only some of them reach are finished one by one.
 */
function lowerInverse(L: Float64Array, d: number): Float64Array {
  const X = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const xi = i * d;
    const li = i * d;
    X[xi + i] = 1;
    let k = 0;
    for (; k + 3 < i; k += 4) {
      const a0 = L[li + k];
      const a1 = L[li + k + 1];
      const a2 = L[li + k + 2];
      const a3 = L[li + k + 3];
      const x0 = k * d;
      const x1 = x0 + d;
      const x2 = x1 + d;
      const x3 = x2 + d;
      // x_{k+t} is zero beyond column k+t: columns 0..k get all four terms.
      for (let j = 0; j <= k; j++) X[xi + j] -= a0 * X[x0 + j] + a1 * X[x1 + j] + a2 * X[x2 + j] + a3 * X[x3 + j];
      X[xi + k + 1] -= a1 * X[x1 + k + 1] + a2 * X[x2 + k + 1] + a3 * X[x3 + k + 1];
      X[xi + k + 2] -= a2 * X[x2 + k + 2] + a3 * X[x3 + k + 2];
      X[xi + k + 3] -= a3 * X[x3 + k + 3];
    }
    for (; k < i; k++) {
      const a = L[li + k];
      const xk = k * d;
      for (let j = 0; j <= k; j++) X[xi + j] -= a * X[xk + j];
    }
    const inv = 1 / L[li + i];
    for (let j = 0; j <= i; j++) X[xi + j] *= inv;
  }
  return X;
}
