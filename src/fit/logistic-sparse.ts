/**
 * The logistic fit's passes over the compressed-row index of a mostly-zero
 * design (linear-predictor.ts: Nonzeros), each costing the nonzeros only:
 *
 *  - nonzeroColumnStats: la.columnStats's sums, minima and maxima, from the
 *    index (implicit zeros counted), so X itself is scanned once per fit;
 *  - sparseStepper: from the IRLS weights (formed by logistic.ts's
 *    log-likelihood pass), the gradient and the Hessian from
 *    one pass over the nonzeros (la.nonzeroGram: a kernel over the index
 *    staged once per fit; jsNonzeroPass without it): the weighted gram
 *    G = X^T W X (about k^2 / 2 pairs per row with k nonzeros, instead of
 *    d^2 / 2), the weighted column sums c = X^T W 1 and X^T r, centred
 *    algebraically:
 *      Z^T W Z = D (G - c mu^T - mu e^T) D,  e = c - S mu,  S = sum W,
 *      Z^T W 1 = D e,  Z^T r = D (X^T r - mu sum r),  D = diag(inv).
 *
 * Numerical contract of the algebraic centring. Accumulated as the centred
 * dense pass accumulates its products, every entry's rounding error is at
 * most about gamma * sqrt(A_j A_k) with A_j = sum W (|x_j| + |mu_j|)^2,
 * against gamma * sqrt(C_jj C_kk) for the dense pass, C_jj = sum W
 * (x_j - mu_j)^2 the centred diagonal. So the error is at most
 * kappa = max_j A_j / C_jj times the dense pass's, relative to the diagonal.
 * For a 0/1 column with weighted mean m_j = mu_j, the bound computed below
 * is (1 + sqrt(m_j))^2 / (1 - m_j): under 6 while the column is 1 on at most
 * half of the weighted rows, 4e3 at 0.999. Each step bounds kappa from above (by
 * Cauchy-Schwarz, A_j <= (sqrt(G_jj) + |mu_j| sqrt(S))^2) and returns
 * undefined beyond KAPPA_MAX (the caller then runs the dense centred
 * pass, where cancellation cannot happen): the Hessian it returns is never
 * more than 2^12 times less accurate than the dense one, and with
 * cond(H) * 2^12 * gamma far below the 1e-10 step tolerance the Newton
 * iterates, the estimate and the standard errors agree with the dense path's
 * to rounding. The gradient comes from w (y - p) directly (no working
 * residual), so it stays finite however saturated a row is.
 */
import type { ColumnStats } from '../ops/column-stats.js';
import type { NonzeroGramResult, Nonzeros } from '../ops/nonzero-gram.js';

/** The largest error factor kappa (see above) the algebraic centring may have; beyond it the dense pass runs. */
export const KAPPA_MAX = 4096;

/** la.columnStats over the index: per column, over rows with w > 0 (all rows unweighted), sum w x, min, max (zeros included). */
export function nonzeroColumnStats(index: Nonzeros, n: number, d: number, w: Float64Array | undefined): ColumnStats {
  const { start, col, val } = index;
  const sum = new Float64Array(d);
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  const count = new Int32Array(d);
  let rows = 0;
  if (index.ones && !w) {
    // a 0/1 design, unweighted: the sums are the counts (exact integers), min 0 or 1, max 1
    for (let q = 0; q < col.length; q++) count[col[q]]++;
    for (let j = 0; j < d; j++) {
      sum[j] = count[j];
      if (count[j] > 0) min[j] = max[j] = 1;
    }
    rows = n;
  } else {
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      if (!(wi > 0)) continue;
      rows++;
      for (let q = start[i], e = start[i + 1]; q < e; q++) {
        const j = col[q];
        const v = val[q];
        sum[j] += w ? wi * v : v;
        if (v < min[j]) min[j] = v;
        if (v > max[j]) max[j] = v;
        count[j]++;
      }
    }
  }
  for (let j = 0; j < d; j++) {
    if (count[j] < rows) {
      // the column has zeros among the rows
      if (min[j] > 0) min[j] = 0;
      if (max[j] < 0) max[j] = 0;
    }
  }
  return { sum, min, max };
}

export interface SparseStep {
  /** Z1^T diag(w p (1 - p)) Z1, p*p row-major (p = d + off). */
  H: Float64Array;
  /** Z1^T w (y - p), p values. */
  g: Float64Array;
}

/** One weighted pass over the index: X^T W X (full symmetric), X^T W 1, X^T r. */
export type NonzeroPass = (W: Float64Array, r: Float64Array) => NonzeroGramResult;

/** The pass in JS over the index, for a LinAlg without nonzeroGram: the kernel's loop (Kernels.nonzeroGramF64), bit for bit. */
export function jsNonzeroPass(index: Nonzeros, d: number): NonzeroPass {
  const { start, col, val } = index;
  return (W, r) => {
    const n = start.length - 1;
    const xtx = new Float64Array(d * d);
    const xw = new Float64Array(d);
    const xr = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      const wi = W[i];
      const ri = r[i];
      const e = start[i + 1];
      for (let q = start[i]; q < e; q++) {
        const j = col[q];
        const v = val[q];
        const wv = wi * v;
        xw[j] += wv;
        xr[j] += ri * v;
        const row = j * d;
        for (let t = q; t < e; t++) xtx[row + col[t]] += wv * val[t];
      }
    }
    for (let j = 0; j < d; j++) for (let t = j + 1; t < d; t++) xtx[t * d + j] = xtx[j * d + t];
    return { xtx, xw, xr };
  };
}

/**
 * The IRLS step over the index, from the per-row W = w p (1 - p) and r =
 * w (y - p) at the current eta (logistic.ts forms them in its
 * log-likelihood pass): one pass for G, c, X^T r, then H and g on Z1 =
 * [1, (X - mu) diag(inv)] (off = 1; Z without the 1 when off = 0, mu then
 * zero). The step returns undefined when the algebraic centring would exceed
 * KAPPA_MAX.
 */
export function sparseStepper(
  pass: NonzeroPass,
  n: number,
  d: number,
  mu: Float64Array,
  inv: Float64Array,
  off: number,
): (W: Float64Array, r: Float64Array) => SparseStep | undefined {
  return (W, r) => {
    let S = 0;
    let R = 0;
    for (let i = 0; i < n; i++) {
      S += W[i];
      R += r[i];
    }
    const { xtx: G, xw: c, xr: gx } = pass(W, r);
    const e = new Float64Array(d);
    for (let j = 0; j < d; j++) e[j] = c[j] - S * mu[j];
    for (let j = 0; j < d; j++) {
      // A_j <= (sqrt(G_jj) + |mu_j| sqrt(S))^2, as sum W |x_j| <= sqrt(S G_jj)
      const m = mu[j];
      const centred = G[j * d + j] - c[j] * m - m * e[j];
      const root = Math.sqrt(G[j * d + j]) + Math.abs(m) * Math.sqrt(S);
      if (!(centred * KAPPA_MAX >= root * root)) return undefined;
    }
    const p = d + off;
    const H = new Float64Array(p * p);
    const g = new Float64Array(p);
    for (let j = 0; j < d; j++) {
      for (let k = j; k < d; k++) {
        const v = (G[j * d + k] - c[j] * mu[k] - mu[j] * e[k]) * inv[j] * inv[k];
        H[(j + off) * p + k + off] = v;
        H[(k + off) * p + j + off] = v;
      }
      g[j + off] = (gx[j] - mu[j] * R) * inv[j];
    }
    if (off) {
      H[0] = S;
      for (let j = 0; j < d; j++) H[j + 1] = H[(j + 1) * p] = e[j] * inv[j];
      g[0] = R;
    }
    return { H, g };
  };
}
