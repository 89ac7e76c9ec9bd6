/**
 * fitLinear: least squares by the normal equations, fast when it can be and
 * accurate when it must be.
 *
 * Paths (stats.method):
 *  - 'cholesky'            centred, power-of-two-scaled X^T W X via
 *                          la.centredGram, la.solveSPD. Relative error ~
 *                          cond * 1e-16.
 *  - 'cholesky+refine'     the same factorisation as preconditioner for
 *                          iterative refinement with double-double residuals
 *                          of the original data: coefficients to ~1e-15
 *                          while cond <= 1e10; statistics ~ cond * 1e-16.
 *  - 'dd-cholesky+refine'  X^T W X and its Cholesky in double-double, then
 *                          refinement (accurate.ts): ~1e-15 up to cond 1e26.
 * accuracy 'fast' runs the first only (and refuses, E_SINGULAR, when cond >
 * 1e14: fewer than ~2 digits would survive); 'accurate' runs the last;
 * 'auto' (default) starts fast and escalates: cond <= 1e6 stays 'cholesky'
 * (error <= ~1e-10 relative, typically far less), cond <= 1e10 refines, beyond
 * (or on Cholesky breakdown) goes double-double. cond is stats.condition, the
 * exact cond_1 of the equilibrated centred normal matrix.
 *  - 'dual-cholesky'       ridge > 0 with fewer rows (of positive weight)
 *                          than columns, accuracy 'auto' or 'fast': the
 *                          n x n dual (K + ridge I) a = y, b = X^T a
 *                          (dual.ts), the primal's coefficients and
 *                          statistics without a d x d matrix.
 * Memory (memory.ts): the path's need is estimated before anything large is
 * allocated and refused with E_MEMORY (naming the estimate and the way out)
 * beyond options.maxMemoryBytes (default 4 GiB).
 * Relative costs: the double-double paths do plain-JS work per X entry
 * (refinement ~2 passes of ~50 flops; the DD Gram ~25 flops per row and
 * column pair), tens of times the fast path; `npm run bench -- fit` measures
 * them (bench/RESULTS.md).
 */
import { isSlimfitError, SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { toLinAlg, type LinAlg } from '../ops/linalg.js';
import { assertOption, describeValue, toWeights, type MatrixInput } from '../validate.js';
import { checkOptions, optionKeys } from '../options.js';
import { accuratePath } from './accurate.js';
import { toDesign, toResponse, type DesignInput } from './design.js';
import { LinearModel } from './model.js';
import { dataNormalSystem, equilibrate, ridgeDiag, solveFast, type FastSolution, type NormalSystem } from './normal.js';
import { refine, type Coefs, type DataProblem } from './refine.js';
import { dependentFromInverse, dependentFromPivot, throwCollinear, throwConstantColumns, throwTooFewRows } from './singular.js';
import { computeStats, ridgeCovariance, totalSumSquares, type LinearMethod, type LinearStats } from './stats.js';
import { summarize } from './summary.js';
import { cannotHonour, resolveLinearPrivacy, type LinearPrivacyOptions } from '../privacy/options.js';
import { fitLinearPrivate } from './linear-private.js';
import { dualStats, fitDual } from './dual.js';
import { checkMemory, dualBytes, formatBytes, primalBytes, resolveMemoryLimit } from './memory.js';
import { MAX_ALLOC_BYTES } from '../engine/arena.js';

export type Accuracy = 'auto' | 'fast' | 'accurate';

export interface FitLinearOptions {
  /** Fit an intercept (default true). */
  intercept?: boolean;
  /** L2 penalty ridge * |b|^2 on the non-intercept coefficients, in the units of X (default 0). */
  ridge?: number;
  /** Per-row weights >= 0 (precision weights: minimises sum w r^2); rows with weight 0 are ignored. */
  weights?: ArrayLike<number>;
  /** See the module comment (default 'auto'). */
  accuracy?: Accuracy;
  /** A differentially private fit (AdaSSP or SSP, docs/PRIVACY.md): vector y only; not with ridge, weights or accuracy. */
  privacy?: LinearPrivacyOptions;
  /** Refuse (E_MEMORY, before allocating) a fit whose estimated memory exceeds this many bytes (default 4 GiB; src/fit/memory.ts). */
  maxMemoryBytes?: number;
}

const FIT_LINEAR_OPTION_KEYS = /* @__PURE__ */ optionKeys<FitLinearOptions>()(['intercept', 'ridge', 'weights', 'accuracy', 'privacy', 'maxMemoryBytes']);

/** auto: stay on plain Cholesky up to this condition number. */
export const AUTO_FAST_MAX_COND = 1e6;
/** auto: refine with the float64 factor up to this condition number, then double-double. */
export const AUTO_REFINE_MAX_COND = 1e10;
/** fast: refuse beyond this condition number (without ridge). */
export const FAST_SINGULAR_COND = 1e14;

const ACCURACIES: readonly Accuracy[] = ['auto', 'fast', 'accurate'];

export interface ResolvedOptions {
  intercept: boolean;
  ridge: number;
  accuracy: Accuracy;
}

export function resolveOptions(o: { intercept?: boolean; ridge?: number; accuracy?: Accuracy }): ResolvedOptions {
  const intercept = o.intercept ?? true;
  if (typeof intercept !== 'boolean') throw new SlimfitError('E_RANGE', `intercept must be true or false, got ${describeValue(intercept)}`);
  const ridge = o.ridge ?? 0;
  assertOption(ridge, 'ridge', 0, Number.MAX_VALUE);
  const accuracy = o.accuracy ?? 'auto';
  if (!ACCURACIES.includes(accuracy)) {
    throw new SlimfitError('E_RANGE', `accuracy must be 'auto', 'fast' or 'accurate', got ${JSON.stringify(accuracy)}`);
  }
  return { intercept, ridge, accuracy };
}

export function fitLinear(engine: Engine | LinAlg, X: DesignInput, y: ArrayLike<number>, options?: FitLinearOptions | null): LinearModel<number>;
export function fitLinear(engine: Engine | LinAlg, X: DesignInput, y: MatrixInput, options?: FitLinearOptions | null): LinearModel<Float64Array>;
export function fitLinear(engine: Engine | LinAlg, X: DesignInput, y: ArrayLike<number> | MatrixInput, options?: FitLinearOptions | null): LinearModel;
export function fitLinear(engine: Engine | LinAlg, Xin: DesignInput, y: ArrayLike<number> | MatrixInput, opts?: FitLinearOptions | null): LinearModel {
  const la = toLinAlg(engine);
  const options = checkOptions('fitLinear', opts, FIT_LINEAR_OPTION_KEYS);
  const { intercept, ridge, accuracy } = resolveOptions(options);
  if (options.privacy !== undefined) return privateFit(la, Xin, y, options, intercept);
  // unweighted, summarize() scans every value and reports any NaN/Inf itself
  const { X, lo } = toDesign(Xin, 'X', { deferFinite: options.weights === undefined });
  const n = X.rows;
  const d = X.cols;
  const R = toResponse(y, n);
  const m = R.m;
  const w = options.weights !== undefined ? toWeights(options.weights, n) : undefined;
  const limit = resolveMemoryLimit(options.maxMemoryBytes);
  const npos = positiveRows(w, n);
  const dual = ridge > 0 && accuracy !== 'accurate' && npos < d;
  checkFitMemory(npos, d, m, intercept, ridge, accuracy, dual, limit);
  const sum = summarize(la, X, R.Y, m, w, intercept);
  const off = intercept ? 1 : 0;
  if (ridge === 0) {
    if (sum.n < d + off) throwTooFewRows(sum.n, d, intercept);
    const bad = sum.constant.filter((j) => intercept || sum.constantValue.get(j) === 0);
    if (bad.length > 0) throwConstantColumns(bad, sum.constantValue, intercept);
  }
  const P: DataProblem = { X, lo, Y: R.Y, m, w, intercept, ridge, mu: sum.mu, s: sum.s };
  const tss = totalSumSquares(R.Y, m, w, intercept, sum.muY, sum.sumW);
  const finish = (coefs: Coefs, st: { rss: Float64Array; V: Float64Array; Vlo?: Float64Array | undefined; edf: number; cond: number; method: LinearMethod; steps: number }): LinearModel => {
    const stats = computeStats({
      n: sum.n,
      d,
      m,
      intercept,
      vector: R.vector,
      mu: sum.mu,
      s: sum.s,
      b: coefs.b,
      b0: coefs.b0,
      rss: st.rss,
      tss,
      V: st.V,
      Vlo: st.Vlo,
      edf: st.edf,
      condition: st.cond,
      method: st.method,
      refinementSteps: st.steps,
    });
    return new LinearModel({
      d,
      outputs: m,
      coef: coefs.b,
      intercept: R.vector ? coefs.b0[0] : coefs.b0,
      fitIntercept: intercept,
      stats: stats as LinearStats,
    });
  };
  if (dual) {
    const r = fitDual(la, { X, Y: R.Y, m, w, intercept, ridge, mu: sum.mu, muY: sum.muY, sumW: sum.sumW });
    const stats = dualStats(r, sum.n, d, m, intercept, R.vector, tss);
    return new LinearModel({ d, outputs: m, coef: r.coefs.b, intercept: R.vector ? r.coefs.b0[0] : r.coefs.b0, fitIntercept: intercept, stats: stats as LinearStats });
  }
  const accurate = (): LinearModel => {
    // auto escalates here after the fast path: the double-double path has its own (smaller) need
    checkMemory(`a double-double least-squares fit of ${d} columns`, primalBytes(d, m, intercept, 'accurate'), limit, 8 * (d + off) * (d + off), 'drop columns, or pass accuracy: \'fast\'');
    const a = accuratePath(P);
    return finish(a.coefs, { rss: a.rss, V: a.V, Vlo: a.Vlo, edf: a.edf, cond: a.cond, method: 'dd-cholesky+refine', steps: a.iterations });
  };
  if (accuracy === 'accurate') return accurate();

  const sys = dataNormalSystem(la, X, R.Y, m, w, sum.mu, sum.s, sum.muY, sum.sumW);
  let fast: FastSolution;
  try {
    fast = solveFast(la, sys, ridge);
  } catch (e) {
    if (!isSlimfitError(e, 'E_SINGULAR')) throw e;
    if (accuracy === 'auto') return accurate();
    diagnoseBreakdown(la, sys, ridge, e, intercept);
  }
  if (accuracy === 'fast' && ridge === 0 && !(fast.cond <= FAST_SINGULAR_COND)) {
    throwCollinear(
      dependentFromInverse(fast.AinvS, d),
      0,
      `condition number ~${fast.cond.toExponential(1)} leaves < 2 digits in float64; accuracy 'auto' or 'accurate' may still solve it`,
      intercept,
    );
  }
  const coefs = fastCoefs(sys, fast, intercept);
  const cov = blockCovariance(fast.Ainv, ridgeDiag(ridge, sum.s), d, intercept, sum.sumW);
  if (accuracy === 'auto' && !(fast.cond <= AUTO_FAST_MAX_COND)) {
    if (!(fast.cond <= AUTO_REFINE_MAX_COND)) return accurate();
    const M = blockPreconditioner(fast.Ainv, d, m, intercept, sum.sumW);
    const r = refine(P, coefs, M, 10);
    if (!r.ok) return accurate();
    return finish(coefs, { rss: r.rss, V: cov.V, edf: cov.edf, cond: fast.cond, method: 'cholesky+refine', steps: r.iterations });
  }
  const rss = momentRss(sys, fast.theta, tss);
  return finish(coefs, { rss: rss ?? centredRss(P, sum.muY, coefs.b), V: cov.V, edf: cov.edf, cond: fast.cond, method: 'cholesky', steps: 0 });
}

/** Rows with positive weight (all rows when unweighted). */
function positiveRows(w: Float64Array | undefined, n: number): number {
  if (!w) return n;
  let c = 0;
  for (let i = 0; i < n; i++) if (w[i] > 0) c++;
  return c;
}

/**
 * Refuses at once (E_MEMORY) a fit whose estimated memory exceeds the limit,
 * naming what would work instead: the dual for a ridge fit with fewer rows
 * than columns, else the most columns the limit allows.
 */
function checkFitMemory(npos: number, d: number, m: number, intercept: boolean, ridge: number, accuracy: Accuracy, dual: boolean, limit: number): void {
  if (dual) {
    checkMemory(`the n x n dual of a ridge fit of ${npos} rows and ${d} columns`, dualBytes(npos, d, m), limit, 8 * npos * (npos + m), 'use fewer rows or columns, or raise maxMemoryBytes');
    return;
  }
  const p = d + (intercept ? 1 : 0);
  const path = accuracy === 'accurate' ? 'accurate' : 'fast';
  const need = primalBytes(d, m, intercept, path);
  if (need <= limit && 8 * p * (p + m) <= MAX_ALLOC_BYTES) return;
  let wayOut: string;
  if (npos < d) {
    const dualNeed = formatBytes(dualBytes(npos, d, m));
    wayOut =
      ridge > 0
        ? `accuracy 'auto' or 'fast' solves the ${npos} x ${npos} dual instead (~${dualNeed})`
        : `besides, ${npos} rows cannot determine ${d} coefficients without a penalty: pass ridge > 0 and the ${npos} x ${npos} dual is solved instead (~${dualNeed})`;
  } else {
    let fit = d;
    while (fit > 1 && (primalBytes(fit, m, intercept, path) > limit || 8 * (fit + 1) * (fit + 1 + m) > MAX_ALLOC_BYTES)) fit = Math.floor(fit * 0.9);
    wayOut = `at most ~${fit} columns fit in that; drop columns (or raise maxMemoryBytes)`;
  }
  checkMemory(`a least-squares fit of ${d} columns (${path === 'accurate' ? 'double-double' : 'float64'} ${p} x ${p} normal equations)`, need, limit, 8 * p * (p + m), wayOut);
}

/** The private path: refuses what it cannot honour, then src/fit/linear-private.ts. */
function privateFit(la: LinAlg, Xin: DesignInput, y: ArrayLike<number> | MatrixInput, options: FitLinearOptions, intercept: boolean): LinearModel {
  const priv = resolveLinearPrivacy(options.privacy!);
  if (options.ridge !== undefined) throw cannotHonour('ridge', priv.method === 'adassp' ? 'AdaSSP chooses its ridge from the private eigenvalue estimate' : 'SSP fits without one (use method adassp for a private ridge)');
  if (options.weights !== undefined) throw cannotHonour('weights', 'per-row weights change the sensitivity the noise is calibrated for');
  if (options.accuracy !== undefined) throw cannotHonour('accuracy', 'the noisy normal equations are solved one way (an eigendecomposition); no extra digits survive the noise');
  const { X, lo } = toDesign(Xin, 'X');
  if (lo !== undefined) throw cannotHonour('a double-double X (lo)', 'the noise swamps the low parts');
  const R = toResponse(y, X.rows);
  if (!R.vector) throw cannotHonour('a matrix y', 'the bound boundY and the noise are for one target; fit each output on its own budget');
  return fitLinearPrivate(la, X, R.Y, intercept, priv);
}

/** fast mode, Cholesky broke down: name the columns, then throw. */
function diagnoseBreakdown(la: LinAlg, sys: NormalSystem, ridge: number, e: SlimfitError, intercept: boolean): never {
  const d = sys.d;
  const Ar = Float64Array.from(sys.A);
  const rd = ridgeDiag(ridge, sys.s);
  for (let j = 0; j < d; j++) Ar[j * d + j] += rd[j];
  const { As } = equilibrate(Ar, d);
  const pivot = typeof e.details?.pivot === 'number' ? (e.details.pivot as number) : d - 1;
  const cols = dependentFromPivot(As, d, pivot, (A, b) => la.solveSPD(A, b));
  throwCollinear(cols, 0, ridge > 0 ? `even with ridge = ${ridge}` : 'Cholesky breakdown in float64', intercept);
}

/** b_j = theta_j / s_j; b0 = muY - sum mu_j b_j. */
export function fastCoefs(sys: NormalSystem, fast: FastSolution, intercept: boolean): Coefs {
  const { d, m, mu, s, muY } = sys;
  const b = new Float64Array(d * m);
  const b0 = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let t = intercept ? muY[k] : 0;
    for (let j = 0; j < d; j++) {
      const v = fast.theta[j * m + k] / s[j];
      b[j * m + k] = v;
      t -= mu[j] * v;
    }
    b0[k] = intercept ? t : 0;
  }
  return { b, b0 };
}

/** theta1-space covariance factor for the centred system: blockdiag(1/sumW, V_ridge). */
export function blockCovariance(Ainv: Float64Array, lam: Float64Array, d: number, intercept: boolean, sumW: number): { V: Float64Array; edf: number } {
  const rc = ridgeCovariance(Ainv, lam, d);
  if (!intercept) return rc;
  const p = d + 1;
  const V = new Float64Array(p * p);
  V[0] = 1 / sumW;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) V[(i + 1) * p + j + 1] = rc.V[i * d + j];
  return { V, edf: rc.edf + 1 };
}

/** M^-1 g with M = blockdiag(sumW, A): the float64 factor as refinement preconditioner. */
function blockPreconditioner(Ainv: Float64Array, d: number, m: number, intercept: boolean, sumW: number) {
  const off = intercept ? 1 : 0;
  return (gh: Float64Array, gl: Float64Array): Float64Array => {
    const out = new Float64Array((d + off) * m);
    for (let k = 0; k < m; k++) {
      if (intercept) out[k] = (gh[k] + gl[k]) / sumW;
      for (let i = 0; i < d; i++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += Ainv[i * d + j] * (gh[(j + off) * m + k] + gl[(j + off) * m + k]);
        out[(i + off) * m + k] = t;
      }
    }
    return out;
  };
}

/**
 * RSS from the moments, yy - 2 theta.c + theta.A.theta (A without ridge): its
 * error is ~1e-16 * yy, fine while RSS >= 1e-4 * TSS (relative error < 1e-11).
 * Returns undefined when some output fits more tightly than that: the caller
 * then measures the residuals (one more float64 pass over the data).
 */
function momentRss(sys: NormalSystem, theta: Float64Array, tss: Float64Array): Float64Array | undefined {
  const { d, m, A, c, yy } = sys;
  const rss = new Float64Array(m);
  for (let t = 0; t < m; t++) {
    let v = yy[t];
    for (let j = 0; j < d; j++) {
      const tj = theta[j * m + t];
      let at = 0;
      for (let k = 0; k < d; k++) at += A[j * d + k] * theta[k * m + t];
      v += tj * (at - 2 * c[j * m + t]);
    }
    if (!(v >= 1e-4 * tss[t])) return undefined;
    rss[t] = v;
  }
  return rss;
}

/** sum w r^2 with r = (y - muY) - sum (x_j - mu_j) b_j, in float64 (fast path). */
function centredRss(P: DataProblem, muY: Float64Array, b: Float64Array): Float64Array {
  const { X, Y, m, w, mu } = P;
  const { rows: n, cols: d, data } = X;
  const rss = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    for (let k = 0; k < m; k++) {
      let r = Y[i * m + k] - muY[k];
      for (let j = 0; j < d; j++) r -= (data[i * d + j] - mu[j]) * b[j * m + k];
      rss[k] += wi * r * r;
    }
  }
  return rss;
}
