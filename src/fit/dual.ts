/**
 * Ridge least squares for wide designs (fewer rows than columns) by the dual:
 * an n x n system instead of the d x d normal equations.
 *
 * The primal fitLinear solves, with Xc = X - mu (mu the weighted column means
 * with an intercept, else 0), yc = y - muY and W the weights,
 *   (Xc^T W Xc + ridge I) b = Xc^T W yc,   b0 = muY - mu . b
 * (the intercept is not penalised; the penalty is ridge * |b|^2 in the units
 * of X). With Z = W^1/2 Xc and u = W^1/2 yc over the rows of positive weight,
 * the push-through identity (Z^T Z + ridge I)^-1 Z^T = Z^T (Z Z^T + ridge I)^-1
 * gives the same b from
 *   (K + ridge I) a = u,  K = Z Z^T (n x n),  b = Z^T a.
 * Cost: O(n^2 d) for K (the Gram kernel on Z^T) and O(n^3) for the solve,
 * against O(n d^2 + d^3) and d x d memory for the primal. Z is scaled by one
 * power of two g (exact) so that K is near unit size; ridge is scaled with it.
 * K + ridge I is equilibrated by powers of two and solved by la.solveSPD;
 * relative error of b ~ cond * 1e-16, cond = stats.condition = cond_1 of the
 * equilibrated K + ridge I (<= 1 + ||K|| / ridge, so bounded by the ridge).
 * X's low part (DesignMatrix.lo) is not read: as on the fast primal path.
 *
 * Statistics, exactly those of the primal ridge fit, without a d x d matrix:
 *  - residuals r = u - Z b = ridge a (no cancellation near interpolation), rSquared, residualSd;
 *  - edf = tr(K (K + ridge I)^-1) (+ 1 with an intercept), dof = n - edf;
 *  - Var(b) = sigma^2 (A + ridge)^-1 A (A + ridge)^-1 with A = Z^T Z, which
 *    (push-through again) is sigma^2 Z^T G^2 Z, G = (K + ridge I)^-1 (n x n):
 *    its diagonal z_j^T G^2 z_j (z_j column j of Z) gives stdErrors in O(d n^2);
 *  - Var(b0) = sigma^2 (1 / sumW + v^T G^2 v), v = Z mu.
 * No d x d covariance is formed or stored (the model holds none on any path).
 */
import type { LinAlg } from '../ops/linalg.js';
import type { Matrix } from '../types.js';
import { pow2Near } from './dd.js';
import { equilibrate, norm1 } from './normal.js';
import type { Coefs } from './refine.js';
import { statsFromVariances, type LinearStats } from './stats.js';

export interface DualInput {
  X: Matrix;
  /** n*m row-major. */
  Y: Float64Array;
  m: number;
  w: Float64Array | undefined;
  intercept: boolean;
  ridge: number;
  /** Centring constants (zeros without an intercept). */
  mu: Float64Array;
  muY: Float64Array;
  sumW: number;
}

export interface DualResult {
  coefs: Coefs;
  /** Weighted residual sum of squares per output. */
  rss: Float64Array;
  /** Effective number of parameters, intercept included. */
  edf: number;
  /** Diagonal of (A + ridge)^-1 A (A + ridge)^-1 (unscaled variance of each b_j, X units). */
  varB: Float64Array;
  /** 1 / sumW + mu^T V mu (unscaled variance of b0); NaN without an intercept. */
  varB0: number;
  cond: number;
}

export function fitDual(la: LinAlg, I: DualInput): DualResult {
  const { X, Y, m, w, intercept, ridge, mu, muY } = I;
  const { rows, cols: d, data } = X;
  // rows of positive weight, with their sqrt weights
  const idx: number[] = [];
  for (let i = 0; i < rows; i++) if (!w || w[i] > 0) idx.push(i);
  const n = idx.length;
  const sw = Float64Array.from(idx, (i) => (w ? Math.sqrt(w[i]) : 1));
  // Zt = Z^T (d x n), before the common scale
  const Zt = new Float64Array(d * n);
  let big = 0;
  for (let r = 0; r < n; r++) {
    const base = idx[r] * d;
    const s = sw[r];
    for (let j = 0; j < d; j++) {
      const v = s * (data[base + j] - mu[j]);
      Zt[j * n + r] = v;
      const a = Math.abs(v);
      if (a > big) big = a;
    }
  }
  const g = pow2Near(big > 0 ? big : 1);
  const ig = 1 / g; // exact: g is a power of two
  for (let t = 0; t < Zt.length; t++) Zt[t] *= ig;
  const lam = ridge * ig * ig;
  // K' = Z' Z'^T: the Gram of Z'^T (d rows of n values)
  const K = la.gram({ rows: d, cols: n, data: Zt }).xtx;
  const Kr = Float64Array.from(K);
  for (let i = 0; i < n; i++) Kr[i * n + i] += lam;
  const { D, As } = equilibrate(Kr, n);
  // right-hand sides [D u' | I], u' = u / g
  const k = m + n;
  const B = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let t = 0; t < m; t++) B[r * k + t] = sw[r] * (Y[idx[r] * m + t] - muY[t]) * ig * D[r];
    B[r * k + m + r] = 1;
  }
  const S = la.solveSPD(As, B);
  const a = new Float64Array(n * m);
  const G = new Float64Array(n * n);
  const GS = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let t = 0; t < m; t++) a[r * m + t] = S[r * k + t] * D[r];
    for (let c = 0; c < n; c++) {
      const v = 0.5 * (S[r * k + m + c] + S[c * k + m + r]);
      GS[r * n + c] = v;
      G[r * n + c] = v * D[r] * D[c];
    }
  }
  const cond = norm1(As, n) * norm1(GS, n);
  // scaled system (K' + lam) a' = u' with K' = K / g^2, u' = u / g: a' = g a, so b = Z^T a = Z'^T a'
  const b = new Float64Array(d * m);
  for (let j = 0; j < d; j++) {
    const row = j * n;
    for (let t = 0; t < m; t++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += Zt[row + r] * a[r * m + t];
      b[j * m + t] = s;
    }
  }
  const b0 = new Float64Array(m);
  if (intercept) {
    for (let t = 0; t < m; t++) {
      let s = muY[t];
      for (let j = 0; j < d; j++) s -= mu[j] * b[j * m + t];
      b0[t] = s;
    }
  }
  // residuals u - Z b = (I - K G) u = ridge G u = ridge a: no cancellation as the fit nears
  // interpolation (the data form u - Z b loses digits as |r| << |u|); in the scaled system lam g a'
  const rss = new Float64Array(m);
  for (let r = 0; r < n; r++) {
    for (let t = 0; t < m; t++) {
      const e = lam * g * a[r * m + t];
      rss[t] += e * e;
    }
  }
  // edf = tr(K' G') = n - lam tr(G')
  let trG = 0;
  for (let r = 0; r < n; r++) trG += G[r * n + r];
  const edf = n - lam * trG + (intercept ? 1 : 0);
  // Var(b) / sigma^2 = Z^T G^2 Z = Z'^T M Z' with M = G'^2 / g^2 (Z = g Z', G = G' / g^2)
  const M = new Float64Array(n * n);
  const ig2 = ig * ig;
  for (let r = 0; r < n; r++) {
    for (let c = r; c < n; c++) {
      let s = 0;
      for (let q = 0; q < n; q++) s += G[r * n + q] * G[q * n + c];
      M[r * n + c] = M[c * n + r] = s * ig2;
    }
  }
  const varB = new Float64Array(d);
  const tmp = new Float64Array(n);
  for (let j = 0; j < d; j++) varB[j] = quad(M, Zt, j * n, n, tmp);
  let varB0 = NaN;
  if (intercept) {
    // v = Z' mu
    const v = new Float64Array(n);
    for (let j = 0; j < d; j++) {
      const mj = mu[j];
      if (mj === 0) continue;
      for (let r = 0; r < n; r++) v[r] += Zt[j * n + r] * mj;
    }
    varB0 = 1 / I.sumW + quad(M, v, 0, n, tmp);
  }
  return { coefs: { b, b0 }, rss, edf, varB, varB0, cond: Number.isFinite(cond) ? cond : Infinity };
}

/** z^T M z for z = src[off .. off + n), M n x n symmetric; clamped at 0 (M is positive semi-definite). */
function quad(M: Float64Array, src: Float64Array, off: number, n: number, tmp: Float64Array): number {
  for (let r = 0; r < n; r++) tmp[r] = src[off + r];
  let s = 0;
  for (let r = 0; r < n; r++) {
    let t = 0;
    const row = r * n;
    for (let c = 0; c < n; c++) t += M[row + c] * tmp[c];
    s += tmp[r] * t;
  }
  return Math.max(0, s);
}

/** LinearStats of a dual fit, with the same definitions as computeStats (stats.ts) uses for the primal. */
export function dualStats(r: DualResult, n: number, d: number, m: number, intercept: boolean, vector: boolean, tss: Float64Array): LinearStats {
  return statsFromVariances({
    n, dof: n - r.edf, d, m, intercept, vector, rss: r.rss, tss, b: r.coefs.b, b0: r.coefs.b0,
    rootVar: r.varB.map(Math.sqrt), rootVar0: Math.sqrt(r.varB0),
    condition: r.cond, method: 'dual-cholesky', refinementSteps: 0,
  });
}
