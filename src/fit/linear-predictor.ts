/**
 * The linear predictor Z1 theta of a logistic fit, computed from X without
 * building Z1 = [1, (X - mu) diag(inv)] (inv: powers of two, so theta_j inv_j
 * is exact). Mostly-zero designs (scorecards' bin indicators: about 1/8 of
 * the entries are nonzero) keep their nonzeros in a compressed-row index
 * built once, and each row costs its nonzeros only: every zero entry
 * contributes -mu_j theta_j inv_j, folded into one constant. The two forms
 * agree to rounding (a few ulps of sum_j |z_ij theta_j| per row); the dense
 * form equals Z1 theta bit for bit.
 */
import type { Nonzeros } from '../ops/nonzero-gram.js';
import type { Matrix } from '../types.js';

export type { Nonzeros };

/** At most this fraction of nonzero entries selects the compressed-row form. */
const SPARSE_DENSITY = 0.25;

export interface LinearPredictor {
  readonly kind: 'dense' | 'sparse';
  /** The compressed-row index (kind 'sparse' only). */
  readonly index?: Nonzeros;
  /** eta = Z1 theta (n values, into out when given); theta has off + d entries (off = 1: theta[0] is the intercept). */
  eta(theta: Float64Array, off: number, out?: Float64Array): Float64Array;
}

/** index: X's nonzeros when the caller already built them (nonzeros(X)); otherwise they are looked for here. */
export function linearPredictor(X: Matrix, mu: Float64Array, inv: Float64Array, index: Nonzeros | undefined = nonzeros(X)): LinearPredictor {
  const { rows: n, cols: d, data } = X;
  const coef = (theta: Float64Array, off: number) => {
    const b = new Float64Array(d);
    for (let j = 0; j < d; j++) b[j] = theta[j + off] * inv[j];
    return b;
  };
  if (index === undefined) {
    return {
      kind: 'dense',
      eta(theta, off, out) {
        const b = coef(theta, off);
        const t0 = off ? theta[0] : 0;
        const eta = out ?? new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let t = t0;
          const r = i * d;
          for (let j = 0; j < d; j++) t += (data[r + j] - mu[j]) * b[j];
          eta[i] = t;
        }
        return eta;
      },
    };
  }
  const { start, col, val } = index;
  return {
    kind: 'sparse',
    index,
    eta(theta, off, out) {
      const b = coef(theta, off);
      let c = off ? theta[0] : 0;
      for (let j = 0; j < d; j++) c -= mu[j] * b[j];
      const eta = out ?? new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let t = c;
        for (let q = start[i], e = start[i + 1]; q < e; q++) t += val[q] * b[col[q]];
        eta[i] = t;
      }
      return eta;
    },
  };
}

/**
 * The compressed-row index of X's nonzeros, in one pass; undefined as soon as
 * they exceed SPARSE_DENSITY. NaN counts as nonzero (it is kept, so that sums
 * over the index stay non-finite, as they would over X).
 */
export function nonzeros(X: Matrix): Nonzeros | undefined {
  const { rows: n, cols: d, data } = X;
  const cap = Math.floor(SPARSE_DENSITY * n * d);
  const start = new Int32Array(n + 1);
  const col = new Int32Array(cap);
  const val = new Float64Array(cap);
  let k = 0;
  let ones = true;
  for (let i = 0; i < n; i++) {
    const r = i * d;
    for (let j = 0; j < d; j++) {
      const v = data[r + j];
      if (v !== 0) {
        if (k === cap) return undefined;
        col[k] = j;
        val[k++] = v;
        if (v !== 1) ones = false;
      }
    }
    start[i + 1] = k;
  }
  return { start, col: col.subarray(0, k), val: val.subarray(0, k), ones };
}
