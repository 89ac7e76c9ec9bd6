/**
 * Regression statistics from a covariance factor in theta1 space.
 *
 * theta1 = (theta_0, theta_1..d) with theta_0 = b0 + sum mu_j b_j (present
 * only with an intercept) and theta_j = b_j s_j. Given V = the unscaled
 * covariance of theta1 (A^-1 without ridge; A_r^-1 A A_r^-1 with it), and
 * sigma_k^2 = RSS_k / dof:
 *   Var(b_j)  = sigma^2 V[j,j] / s_j^2
 *   Var(b0)   = sigma^2 e^T V e,  e = (1, -mu_1/s_1, ..., -mu_d/s_d)
 * The quadratic form cancels heavily on ill-conditioned polynomial designs
 * (Filip), so it is summed in double-double when V's low part is given.
 * With ridge, dof = n - edf, edf = tr(A_r^-1 A) (Hastie-Tibshirani-Friedman
 * 3.50); without, edf = number of parameters.
 */
import type { PrivacyReport } from '../privacy/report.js';
import { ddAdd, ddMul, lo, twoProd } from './dd.js';

/**
 * 'noisy-normal': a private fit's solve of its noisy normal equations (src/fit/linear-private.ts);
 * 'dual-cholesky': a ridge fit with fewer rows than columns, solved as the n x n dual (src/fit/dual.ts).
 */
export type LinearMethod = 'cholesky' | 'cholesky+refine' | 'dd-cholesky+refine' | 'dd-cholesky' | 'noisy-normal' | 'dual-cholesky';

/** S is `number` for a vector y and `Float64Array` (one entry per output) for a matrix y. */
export interface LinearStats<S extends number | Float64Array = number | Float64Array> {
  /** Rows with positive weight. */
  n: number;
  /** Residual degrees of freedom: n - parameters (n - effective parameters with ridge). */
  dof: number;
  /** 1 - RSS/TSS; TSS about the weighted mean with an intercept, about 0 without (NIST/R convention). NaN when TSS = 0. */
  rSquared: S;
  /** sqrt(RSS / dof) (weighted RSS); NaN when dof <= 0. */
  residualSd: S;
  /** Standard errors of `coef`, same layout (d, or d*m row-major). */
  stdErrors: Float64Array;
  /** coef / stdErrors. */
  tValues: Float64Array;
  /** Standard error of the intercept; NaN when fitted without one. */
  interceptStdError: S;
  interceptTValue: S;
  /** Estimate of cond_1 of the equilibrated (centred with an intercept) X^T W X (+ ridge). */
  condition: number;
  /** Which path produced the coefficients. */
  method: LinearMethod;
  /** Iterative-refinement passes over the data (0 on the plain fast path). */
  refinementSteps: number;
  /** Present on a differentially private fit: its guarantee (docs/PRIVACY.md). */
  privacy?: PrivacyReport;
}

/** Ridge-corrected covariance factor: V = Ainv - Ainv diag(lam) Ainv, edf = p - sum lam_j Ainv_jj. */
export function ridgeCovariance(Ainv: Float64Array, lam: Float64Array, p: number): { V: Float64Array; edf: number } {
  let edf = p;
  let any = false;
  for (let j = 0; j < p; j++) {
    const l = lam[j];
    if (l !== 0) any = true;
    edf -= l * Ainv[j * p + j];
  }
  if (!any) return { V: Ainv, edf: p };
  const V = Float64Array.from(Ainv);
  // row by row, k outer and j inner (contiguous reads): each t[j] still sums its terms in the
  // order k = 0, 1, ..., so the result is bit-identical to the textbook i-j-k loop, several times faster
  const t = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    t.fill(0);
    for (let k = 0; k < p; k++) {
      const lk = lam[k];
      if (lk === 0) continue; // a zero term adds +0 to a sum that started at +0: skipping it changes nothing
      const a = Ainv[i * p + k] * lk;
      const row = k * p;
      for (let j = 0; j < p; j++) t[j] += a * Ainv[row + j];
    }
    for (let j = 0; j < p; j++) V[i * p + j] = V[i * p + j] - t[j];
  }
  return { V, edf };
}

export interface StatsInput {
  n: number;
  d: number;
  m: number;
  intercept: boolean;
  vector: boolean;
  mu: Float64Array;
  s: Float64Array;
  b: Float64Array;
  b0: Float64Array;
  rss: Float64Array;
  tss: Float64Array;
  /** p*p theta1-space covariance factor (p = d + intercept), and optionally its DD low part. */
  V: Float64Array;
  Vlo?: Float64Array | undefined;
  edf: number;
  condition: number;
  method: LinearMethod;
  refinementSteps: number;
}

/** e^T V e with e = (1, -mu/s) in DD (or plain float64 without Vlo). */
export function interceptQuad(V: Float64Array, Vlo: Float64Array | undefined, mu: Float64Array, s: Float64Array, p: number): number {
  const e = new Float64Array(p);
  e[0] = 1;
  for (let j = 1; j < p; j++) e[j] = -mu[j - 1] / s[j - 1];
  if (!Vlo) {
    let t = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) t += e[i] * V[i * p + j] * e[j];
    return t;
  }
  let sh = 0;
  let sl = 0;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) {
      const eh = twoProd(e[i], e[j]);
      const el = lo();
      const ph = ddMul(eh, el, V[i * p + j], Vlo[i * p + j]);
      sh = ddAdd(sh, sl, ph, lo());
      sl = lo();
    }
  }
  return sh + sl;
}

export function computeStats(I: StatsInput): LinearStats {
  const { d, intercept, s, V } = I;
  const off = intercept ? 1 : 0;
  const p = d + off;
  const rootVar = new Float64Array(d);
  for (let j = 0; j < d; j++) rootVar[j] = Math.sqrt(Math.max(0, V[(j + off) * p + j + off]));
  const rootVar0 = intercept ? Math.sqrt(Math.max(0, interceptQuad(V, I.Vlo, I.mu, s, p))) : NaN;
  return statsFromVariances({ ...I, dof: I.n - I.edf, rootVar, colScale: s, rootVar0 });
}

/**
 * LinearStats from the residual and total sums of squares and, per
 * coefficient, the square root of its unscaled variance (divided by
 * `colScale[j]` where the variance is in scaled units): shared by the primal
 * (computeStats) and the dual (dual.ts), so both define the statistics alike.
 */
export function statsFromVariances(I: {
  n: number; dof: number; d: number; m: number; intercept: boolean; vector: boolean;
  rss: Float64Array; tss: Float64Array; b: Float64Array; b0: Float64Array;
  rootVar: Float64Array; colScale?: Float64Array; rootVar0: number;
  condition: number; method: LinearStats['method']; refinementSteps: number;
}): LinearStats {
  const { d, m, intercept, dof, b, b0, rootVar, colScale } = I;
  const r2 = new Float64Array(m);
  const sd = new Float64Array(m);
  const se = new Float64Array(d * m);
  const tv = new Float64Array(d * m);
  const ise = new Float64Array(m);
  const itv = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    const rss = Math.max(0, I.rss[k]);
    const tss = I.tss[k];
    r2[k] = tss > 0 ? 1 - rss / tss : NaN;
    const sigma = dof > 0 ? Math.sqrt(rss / dof) : NaN;
    sd[k] = sigma;
    for (let j = 0; j < d; j++) {
      const e = colScale ? (sigma * rootVar[j]) / colScale[j] : sigma * rootVar[j];
      se[j * m + k] = e;
      tv[j * m + k] = b[j * m + k] / e;
    }
    ise[k] = intercept ? sigma * I.rootVar0 : NaN;
    itv[k] = intercept ? b0[k] / ise[k] : NaN;
  }
  const pick = (a: Float64Array): number | Float64Array => (I.vector ? a[0] : a);
  return {
    n: I.n,
    dof,
    rSquared: pick(r2),
    residualSd: pick(sd),
    stdErrors: se,
    tValues: tv,
    interceptStdError: pick(ise),
    interceptTValue: pick(itv),
    condition: I.condition,
    method: I.method,
    refinementSteps: I.refinementSteps,
  };
}

/** Total sum of squares per output: about the weighted mean (two-pass, corrected) or about 0. */
export function totalSumSquares(Y: Float64Array, m: number, w: Float64Array | undefined, intercept: boolean, muY: Float64Array, sumW: number): Float64Array {
  const n = Y.length / m;
  const tss = new Float64Array(m);
  const lin = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    for (let k = 0; k < m; k++) {
      const v = Y[i * m + k] - (intercept ? muY[k] : 0);
      tss[k] += wi * v * v;
      lin[k] += wi * v;
    }
  }
  if (intercept) for (let k = 0; k < m; k++) tss[k] = tss[k] - (lin[k] * lin[k]) / sumW;
  return tss;
}
