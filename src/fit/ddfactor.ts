/**
 * Factor a double-double normal matrix for the accurate paths: power-of-two
 * equilibration (exact), DD Cholesky, DD inverse, exact cond_1 of the
 * equilibrated matrix, and rank-deficiency diagnosis (E_SINGULAR naming the
 * columns) on breakdown or when cond exceeds DD_SINGULAR_COND without ridge.
 * Solutions are accurate to ~cond * 1e-32 relative to the matrix as given.
 */
import { SlimfitError } from '../errors.js';
import { pow2Near } from './dd.js';
import { ddCholesky, ddCholSolve, ddInverse, type DDMatrix } from './ddchol.js';
import { norm1 } from './normal.js';
import { dependentFromInverse, dependentFromPivot, throwCollinear } from './singular.js';

/**
 * cond_1 of the equilibrated normal matrix beyond which a design counts as
 * singular: cond(X) > ~1e13, where rounding the inputs to float64 alone leaves
 * fewer than 3 correct digits.
 */
export const DD_SINGULAR_COND = 1e26;

export interface DDFactor {
  p: number;
  cond: number;
  /** A^-1 (hi, lo) in the caller's scaling. */
  inv: DDMatrix;
  /** A^-1 B for B p*k (hi, lo), in the caller's scaling. */
  solve(B: DDMatrix, k: number): DDMatrix;
}

function ddSolveDouble(A: Float64Array, b: Float64Array): Float64Array {
  const k = b.length;
  const ch = ddCholesky({ hi: A, lo: new Float64Array(A.length) }, k);
  if (!ch.ok) throw new SlimfitError('E_SINGULAR', 'leading block singular', { pivot: ch.pivot });
  return ddCholSolve(ch.L, k, { hi: b, lo: new Float64Array(k) }, 1).hi;
}

/**
 * Factors A (p*p DD, ridge already added). `off` = 1 when index 0 is the
 * intercept (for naming columns); `ridged` relaxes the cond limit.
 */
export function ddFactor(A: DDMatrix, p: number, off: number, ridged: boolean): DDFactor {
  const D = new Float64Array(p);
  for (let j = 0; j < p; j++) D[j] = pow2Near(1 / Math.sqrt(A.hi[j * p + j]));
  const As: DDMatrix = { hi: new Float64Array(p * p), lo: new Float64Array(p * p) };
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const f = D[i] * D[j];
      As.hi[i * p + j] = A.hi[i * p + j] * f;
      As.lo[i * p + j] = A.lo[i * p + j] * f;
    }
  }
  const ch = ddCholesky(As, p);
  if (!ch.ok) throwCollinear(dependentFromPivot(As.hi, p, ch.pivot, ddSolveDouble), off, ridged ? 'even with the given ridge' : '');
  const L = ch.L;
  const invS = ddInverse(L, p);
  const cond = norm1(As.hi, p) * norm1(invS.hi, p);
  if (!ridged && !(cond <= DD_SINGULAR_COND)) {
    throwCollinear(dependentFromInverse(invS.hi, p), off, `condition number ~${cond.toExponential(1)}`);
  }
  const inv: DDMatrix = { hi: new Float64Array(p * p), lo: new Float64Array(p * p) };
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const f = D[i] * D[j];
      inv.hi[i * p + j] = invS.hi[i * p + j] * f;
      inv.lo[i * p + j] = invS.lo[i * p + j] * f;
    }
  }
  const solve = (B: DDMatrix, k: number): DDMatrix => {
    const S: DDMatrix = { hi: new Float64Array(p * k), lo: new Float64Array(p * k) };
    for (let t = 0; t < p * k; t++) {
      const f = D[Math.floor(t / k)];
      S.hi[t] = B.hi[t] * f;
      S.lo[t] = B.lo[t] * f;
    }
    const X = ddCholSolve(L, p, S, k);
    for (let t = 0; t < p * k; t++) {
      const f = D[Math.floor(t / k)];
      X.hi[t] = X.hi[t] * f;
      X.lo[t] = X.lo[t] * f;
    }
    return X;
  };
  return { p, cond, inv, solve };
}
