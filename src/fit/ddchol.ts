/**
 * Cholesky factorisation and solves in double-double, for the accurate path.
 * Matrices are d*d row-major pairs (hi, lo). Every inner product is summed in
 * DD, so the factor of an SPD matrix with cond(A) * 1e-32 << 1 is accurate to
 * about cond(A) * 1e-32 relative (versus cond(A) * 1e-16 in float64).
 * Cost: d^3/3 DD multiply-adds (~40 flops each) — negligible next to a DD Gram
 * over n >> d rows.
 */
import { ddAdd, ddDiv, ddMul, ddSqrt, lo } from './dd.js';

export interface DDMatrix {
  hi: Float64Array;
  lo: Float64Array;
}

export type DDCholesky = { ok: true; L: DDMatrix } | { ok: false; pivot: number };

/**
 * L L^T = A (lower triangle of A read). Fails at the first pivot that is not
 * > 0 (the leading block before it is then a valid factor, kept in `L` of the
 * failure path's caller by recomputation if needed).
 */
export function ddCholesky(A: DDMatrix, d: number): DDCholesky {
  const Lh = new Float64Array(d * d);
  const Ll = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    for (let i = j; i < d; i++) {
      let sh = A.hi[i * d + j];
      let sl = A.lo[i * d + j];
      for (let k = 0; k < j; k++) {
        const ph = ddMul(Lh[i * d + k], Ll[i * d + k], Lh[j * d + k], Ll[j * d + k]);
        const pl = lo();
        sh = ddAdd(sh, sl, -ph, -pl);
        sl = lo();
      }
      if (i === j) {
        if (!(sh > 0) || !Number.isFinite(sh)) return { ok: false, pivot: j };
        Lh[j * d + j] = ddSqrt(sh, sl);
        Ll[j * d + j] = lo();
      } else {
        Lh[i * d + j] = ddDiv(sh, sl, Lh[j * d + j], Ll[j * d + j]);
        Ll[i * d + j] = lo();
      }
    }
  }
  return { ok: true, L: { hi: Lh, lo: Ll } };
}

/** Solves L L^T X = B for B d*k (hi, lo), returning X (hi, lo). */
export function ddCholSolve(L: DDMatrix, d: number, B: DDMatrix, k: number): DDMatrix {
  const Xh = Float64Array.from(B.hi);
  const Xl = Float64Array.from(B.lo);
  for (let c = 0; c < k; c++) {
    // forward: L y = b
    for (let i = 0; i < d; i++) {
      let sh = Xh[i * k + c];
      let sl = Xl[i * k + c];
      for (let j = 0; j < i; j++) {
        const ph = ddMul(L.hi[i * d + j], L.lo[i * d + j], Xh[j * k + c], Xl[j * k + c]);
        const pl = lo();
        sh = ddAdd(sh, sl, -ph, -pl);
        sl = lo();
      }
      Xh[i * k + c] = ddDiv(sh, sl, L.hi[i * d + i], L.lo[i * d + i]);
      Xl[i * k + c] = lo();
    }
    // backward: L^T x = y
    for (let i = d - 1; i >= 0; i--) {
      let sh = Xh[i * k + c];
      let sl = Xl[i * k + c];
      for (let j = i + 1; j < d; j++) {
        const ph = ddMul(L.hi[j * d + i], L.lo[j * d + i], Xh[j * k + c], Xl[j * k + c]);
        const pl = lo();
        sh = ddAdd(sh, sl, -ph, -pl);
        sl = lo();
      }
      Xh[i * k + c] = ddDiv(sh, sl, L.hi[i * d + i], L.lo[i * d + i]);
      Xl[i * k + c] = lo();
    }
  }
  return { hi: Xh, lo: Xl };
}

/** A^-1 (hi, lo) from the Cholesky factor of A. */
export function ddInverse(L: DDMatrix, d: number): DDMatrix {
  const I = { hi: new Float64Array(d * d), lo: new Float64Array(d * d) };
  for (let i = 0; i < d; i++) I.hi[i * d + i] = 1;
  return ddCholSolve(L, d, I, d);
}
