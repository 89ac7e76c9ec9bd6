/**
 * Logistic regression by IRLS (Newton-Raphson on the log-likelihood), every
 * step a weighted normal-equations solve:
 *   H = Z1^T diag(w p (1 - p)) Z1 + ridge,  g = Z1^T w (y - p) - ridge * theta,
 *   delta = H^-1 g (la.solveSPD),
 * on Z1 = [1, (X - mu) / s] (centred, power-of-two scaled, so H is well
 * conditioned and theta lives on a common scale). Z1 is never built. On a
 * mostly-zero design (bin indicators: linear-predictor.ts keeps a
 * compressed-row index of the nonzeros, built in the one pass over X that
 * also gives the column summaries) one pass over the nonzeros per step
 * (la.nonzeroGram, the index staged once per fit) forms g and H, centred
 * algebraically (logistic-sparse.ts, with its error bound checked every
 * step); a 0/1 design with few distinct rows is first merged into one
 * weighted row per distinct (x, y) (logistic-aggregate.ts). Otherwise, or
 * when that bound fails, one la.centredGram pass over X per step forms H and, as Z^T W u
 * with the working residual u = (y - p) / (p (1 - p)), the gradient too
 * (while every |eta| <= SATURATED, so u stays finite; beyond it a JS pass
 * over X forms g). The linear predictor comes from X or the index too, and
 * the log-likelihood pass keeps e^-|eta| and forms the next step's IRLS
 * weights. Steps are halved
 * while they lower the penalised log-likelihood. Converged when every
 * |delta_j| <= tol * (1 + |theta_j|) in those units (Newton is quadratic:
 * the estimate is then accurate to well beyond tol), or when the correction
 * reaches the float64 noise floor.
 *
 * Separation (no ridge): if an iterate classifies every positive-weight row
 * strictly correctly the classes are completely separated and the maximum
 * likelihood estimate does not exist -> E_SEPARATION; likewise (quasi-complete
 * separation) when maxIter is reached with rows fitted at probability 0 or 1.
 * Both suggest ridge > 0: ridge penalises the non-intercept coefficients
 * only, so it has a finite optimum whenever both classes occur among the
 * positive-weight rows. When only one class occurs and an intercept is
 * fitted, the intercept diverges whatever the ridge: that is E_SEPARATION up
 * front ("y has only one class"), with or without ridge.
 */
import { SlimfitError, isSlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { toLinAlg, type LinAlg } from '../ops/linalg.js';
import type { Matrix } from '../types.js';
import { assertFinite, assertOption, toMatrix, toVector, toWeights, type MatrixInput } from '../validate.js';
import { checkOptions, optionKeys } from '../options.js';
import { resolveOptions } from './linear.js';
import { LogisticModel, sigmoid } from './logistic-model.js';
import { linearPredictor, nonzeros } from './linear-predictor.js';
import { jsNonzeroPass, nonzeroColumnStats, sparseStepper } from './logistic-sparse.js';
import { mergeRows } from './logistic-aggregate.js';
import { equilibrate, norm1 } from './normal.js';
import { checkMemory, primalBytes, resolveMemoryLimit } from './memory.js';
import { dependentFromInverse, dependentFromPivot, throwCollinear, throwConstantColumns, throwTooFewRows } from './singular.js';
import { interceptQuad, ridgeCovariance } from './stats.js';
import { summarize } from './summary.js';
import { cannotHonour, resolveLogisticPrivacy, type LogisticPrivacyOptions } from '../privacy/options.js';
import { fitLogisticPrivate } from './logistic-private.js';

export interface FitLogisticOptions {
  /** Fit an intercept (default true). */
  intercept?: boolean;
  /** L2 penalty (ridge/2) |b|^2 on the non-intercept coefficients, in the units of X (default 0). */
  ridge?: number;
  /** Per-row weights >= 0 (frequency/precision weights on the log-likelihood). */
  weights?: ArrayLike<number>;
  /** Newton steps at most (default 50). */
  maxIter?: number;
  /** Convergence tolerance on the relative step (default 1e-10). */
  tol?: number;
  /** A differentially private fit by objective perturbation (docs/PRIVACY.md); not with ridge or weights. */
  privacy?: LogisticPrivacyOptions;
  /** Refuse (E_MEMORY, before allocating) a fit whose estimated memory exceeds this many bytes (default 4 GiB; src/fit/memory.ts). */
  maxMemoryBytes?: number;
}

const FIT_LOGISTIC_OPTION_KEYS = /* @__PURE__ */ optionKeys<FitLogisticOptions>()(['intercept', 'ridge', 'weights', 'maxIter', 'tol', 'privacy', 'maxMemoryBytes']);

/** |eta| beyond which a fitted probability is 0 or 1 to float64 precision (e^-37 < 2^-53). */
const SATURATED = 37;

export function fitLogistic(engine: Engine | LinAlg, Xin: MatrixInput, yin: ArrayLike<number>, opts?: FitLogisticOptions | null): LogisticModel {
  const la = toLinAlg(engine);
  const options = checkOptions('fitLogistic', opts, FIT_LOGISTIC_OPTION_KEYS);
  const { intercept, ridge } = resolveOptions(options);
  const maxIter = options.maxIter ?? 50;
  assertOption(maxIter, 'maxIter', 1, 10000, { integer: true });
  const tol = options.tol ?? 1e-10;
  assertOption(tol, 'tol', 0, 1, { loOpen: true });
  // finiteness: checked by the column summaries below (their sums turn non-finite), or here where they skip rows
  const X = toMatrix(Xin, 'X', { skipFiniteCheck: true });
  const n = X.rows;
  const d = X.cols;
  // The Newton loop holds as many p x p matrices as the least-squares fast path (the Hessian in the Gram's place).
  const p1 = d + (intercept ? 1 : 0);
  checkMemory(`a logistic fit of ${d} columns (${p1} x ${p1} Hessian)`, primalBytes(d, 1, intercept, 'fast'), resolveMemoryLimit(options.maxMemoryBytes), 8 * p1 * (p1 + 1), 'drop or merge columns, or raise maxMemoryBytes');
  const y = toVector(yin, 'y', n);
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== 0 && v !== 1) throw new SlimfitError('E_RANGE', `y[${i}] is ${v}; logistic regression needs outcomes 0 or 1`, { index: i });
  }
  if (options.privacy !== undefined) {
    const priv = resolveLogisticPrivacy(options.privacy);
    if (options.ridge !== undefined) throw cannotHonour('ridge', 'objective perturbation regularises every coefficient itself (privacy.regularization)');
    if (options.weights !== undefined) throw cannotHonour('weights', 'per-row weights change the sensitivity the noise is calibrated for');
    assertFinite(X.data, 'X', d);
    return fitLogisticPrivate(la, X, y, intercept, priv, maxIter, tol);
  }
  const w = options.weights !== undefined ? toWeights(options.weights, n) : undefined;
  // the summaries skip zero-weight rows, whose values still enter the passes (as 0 * x)
  if (w) assertFinite(X.data, 'X', d);
  // one pass over X: the nonzeros of a mostly-zero design, whose column statistics then come from them
  const index = nonzeros(X);
  const stats = index && nonzeroColumnStats(index, n, d, w);
  const sum = summarize(stats ? { ...la, columnStats: () => stats } : la, X, y, 1, w, true);
  const off = intercept ? 1 : 0;
  const p = d + off;
  const ybar = sum.muY[0];
  const oneClass = ybar === 0 || ybar === 1;
  if (oneClass && intercept) {
    // the unpenalised intercept diverges to -/+Infinity: no ridge helps
    throw new SlimfitError(
      'E_SEPARATION',
      `y has only one class (all ${ybar}${w ? ' among rows with positive weight' : ''}): nothing to separate, and the intercept diverges to ${ybar === 0 ? '-' : '+'}Infinity with or without ridge (ridge does not penalise the intercept); check y, or fit rows of both classes`,
      { class: ybar },
    );
  }
  if (ridge === 0) {
    if (sum.n < p) throwTooFewRows(sum.n, d, intercept);
    const bad = sum.constant.filter((j) => intercept || sum.constantValue.get(j) === 0);
    if (bad.length > 0) throwConstantColumns(bad, sum.constantValue, intercept);
    if (oneClass) {
      throw new SlimfitError(
        'E_SEPARATION',
        `y has only one class (all ${ybar}${w ? ' among rows with positive weight' : ''}): the classes are completely separated and the estimates diverge; pass ridge > 0 (without an intercept ridge penalises every coefficient) or check y`,
        { class: ybar },
      );
    }
  }
  const mu = intercept ? sum.mu : new Float64Array(d);
  const s = sum.s;
  const inv = s.map((v) => 1 / v);
  const lam = new Float64Array(p);
  for (let j = 0; j < d; j++) lam[j + off] = ridge / (s[j] * s[j]);

  // state: theta (z-units), eta, penalised log-likelihood
  const theta = new Float64Array(p);
  if (intercept) {
    const p0 = Math.min(1 - 1e-12, Math.max(1e-12, ybar));
    theta[0] = Math.log(p0 / (1 - p0));
  }
  // a 0/1 design with few distinct rows is fitted on one row per distinct (x, y), weighted (the same
  // likelihood term by term); the summaries above, and stats.n, stay those of the rows given
  const merged = index && mergeRows(index, n, d, y, w);
  const Xf = merged ? merged.X : X;
  const yf = merged ? merged.y : y;
  const wf = merged ? merged.w : w;
  const nf = Xf.rows;
  const indexF = merged ? nonzeros(merged.X) : index;
  const predictor = linearPredictor(Xf, mu, inv, indexF);
  // the start is one value for every row (Z1 theta = theta_0): no pass over X, one exp and one log1p
  const eta0 = off ? theta[0] : 0;
  // the state at theta (cur) and at the candidate step (nxt), swapped on acceptance: eta, a = e^-|eta|
  // and, on the pass over the nonzeros, the IRLS weights W = w p (1 - p) and r = w (y - p), all from
  // the log-likelihood pass
  const buffers = (): PerRow => ({ eta: new Float64Array(nf), a: new Float64Array(nf), W: indexF ? new Float64Array(nf) : undefined, r: indexF ? new Float64Array(nf) : undefined });
  let cur = buffers();
  let nxt = buffers();
  let ll = constantLogLik(eta0, yf, wf, cur);
  let pen = ll - penalty(theta, lam);
  // the dense pass's buffers, made on first use
  let dense: { Wt: Float64Array; U: Float64Array } | undefined;
  let g: Float64Array = new Float64Array(p);
  let iterations = 0;
  let converged = false;
  let H: Float64Array = new Float64Array(0);
  // the index staged once for every step's pass (released in finally)
  const staged = indexF && la.nonzeroGram ? la.nonzeroGram(indexF, d) : undefined;
  try {
    const sparse = indexF && sparseStepper(staged ? (W, r) => staged.gram(W, r) : jsNonzeroPass(indexF, d), nf, d, mu, inv, off);
    for (;;) {
      const step = sparse && sparse(cur.W!, cur.r!);
      if (step) {
        H = step.H;
        g = step.g;
      } else {
        dense ??= denseBuffers(nf, off);
        H = hessianAndGradient(la, Xf, mu, inv, yf, wf, cur.eta, cur.a, off, dense.Wt, dense.U, g);
      }
      for (let j = 0; j < p; j++) g[j] = g[j] - lam[j] * theta[j];
      // after convergence the loop runs once more so that H is at the estimate
      if (converged || iterations >= maxIter) break;
      if (ridge === 0 && separates(cur.eta, yf, wf)) {
        throw new SlimfitError(
          'E_SEPARATION',
          `the classes are completely separated (after ${iterations} step(s) every row is classified correctly): the maximum-likelihood estimates diverge; pass ridge > 0 (e.g. 1e-3) for finite coefficients`,
          { iterations },
        );
      }
      let delta: Float64Array;
      try {
        delta = newtonStep(la, H, lam, g, p, off);
      } catch (e) {
        // weights p(1-p) underflowing on separated rows make H singular: say why
        if (ridge === 0 && isSlimfitError(e, 'E_SINGULAR') && saturatedRows(cur.eta, yf, wf, merged?.rows) > 0) throw separationError(iterations, saturatedRows(cur.eta, yf, wf, merged?.rows));
        throw e;
      }
      iterations++;
      // step halving on the penalised log-likelihood
      let t = 1;
      let next = theta.map((v, j) => v + delta[j]);
      let llN = logLik(predictor.eta(next, off, nxt.eta), yf, wf, nxt);
      let penN = llN - penalty(next, lam);
      for (let h = 0; h < 30 && !(penN >= pen - 1e-13 * Math.abs(pen)); h++) {
        t /= 2;
        next = theta.map((v, j) => v + t * delta[j]);
        llN = logLik(predictor.eta(next, off, nxt.eta), yf, wf, nxt);
        penN = llN - penalty(next, lam);
      }
      let rel = 0;
      for (let j = 0; j < p; j++) rel = Math.max(rel, (t * Math.abs(delta[j])) / (1 + Math.abs(theta[j])));
      const gain = penN - pen;
      theta.set(next);
      [cur, nxt] = [nxt, cur];
      ll = llN;
      pen = penN;
      // converged: the step is below tol, or at the float64 noise floor (no gain left)
      if (rel <= tol || (rel <= 1e-7 && gain <= 1e-15 * Math.abs(pen))) converged = true;
    }
  } finally {
    staged?.release();
  }
  const eta = cur.eta;
  if (!converged && ridge === 0) {
    const sat = saturatedRows(eta, yf, wf, merged?.rows);
    if (sat > 0) throw separationError(iterations, sat);
  }
  try {
    return finish(la, { H, lam, p, d, off, intercept, mu, s, theta, ll, n: sum.n, sumW: sum.sumW, ybar: sum.muY[0], iterations, converged });
  } catch (e) {
    // a singular Fisher information with rows fitted at probability 0 or 1 is separation (their weights vanished), not collinearity
    if (ridge === 0 && isSlimfitError(e, 'E_SINGULAR') && saturatedRows(eta, yf, wf, merged?.rows) > 0) throw separationError(iterations, saturatedRows(eta, yf, wf, merged?.rows));
    throw e;
  }
}

/** Positive-weight rows fitted at probability 0 or 1 (to float64) on their own outcome's side (rows[i]: how many rows row i stands for). */
function saturatedRows(eta: Float64Array, y: Float64Array, w: Float64Array | undefined, rows?: Int32Array): number {
  let sat = 0;
  for (let i = 0; i < eta.length; i++) {
    if (w && !(w[i] > 0)) continue;
    const e = eta[i];
    if (Math.abs(e) > SATURATED && (e > 0) === (y[i] === 1)) sat += rows ? rows[i] : 1;
  }
  return sat;
}

function separationError(iterations: number, rows: number): SlimfitError {
  return new SlimfitError(
    'E_SEPARATION',
    `quasi-complete separation: after ${iterations} steps ${rows} row(s) are fitted with probability 0 or 1 and the estimates keep growing; pass ridge > 0 for finite coefficients, or drop the separating column`,
    { iterations, rows },
  );
}

/** The dense pass's weights and kernel Y: [1, u] per row with an intercept (Z^T W 1 is H's first row), else u. */
function denseBuffers(n: number, off: number): { Wt: Float64Array; U: Float64Array } {
  const m = off + 1;
  const U = new Float64Array(n * m);
  if (off) for (let i = 0; i < n; i++) U[i * m] = 1;
  return { Wt: new Float64Array(n), U };
}

/**
 * IRLS weights into Wt, the gradient Z1^T w (y - p) into g, and the Hessian
 * Z1^T diag(Wt) Z1 (returned, p*p) at eta, from one la.centredGram pass: its
 * Y (U, n*m with m = off + 1; U[i*m] = 1 with an intercept, set by the caller;
 * a = e^-|eta|) gets u_i = (y_i - p_i) / (p_i (1 - p_i)), so that Z^T Wt u is the gradient.
 * u grows like e^|eta|: past SATURATED the gradient comes from a pass over X.
 */
function hessianAndGradient(
  la: LinAlg,
  X: Matrix,
  mu: Float64Array,
  inv: Float64Array,
  y: Float64Array,
  w: Float64Array | undefined,
  eta: Float64Array,
  a: Float64Array,
  off: number,
  Wt: Float64Array,
  U: Float64Array,
  g: Float64Array,
): Float64Array {
  const { rows: n, cols: d, data } = X;
  const p = d + off;
  const m = off + 1;
  let sumW = 0;
  let sumR = 0;
  let inRange = true;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    const e = eta[i];
    const ai = a[i];
    Wt[i] = (wi * ai) / ((1 + ai) * (1 + ai)); // w p (1 - p), no cancellation
    sumW += Wt[i];
    sumR += wi * (y[i] - (e >= 0 ? 1 / (1 + ai) : ai / (1 + ai))); // sigmoid(e), from a
    // 1/p = 1 + e^-eta and 1/(1 - p) = 1 + e^eta, from a = e^-|eta|
    const near = 1 + ai;
    const far = 1 + 1 / ai;
    U[i * m + off] = y[i] === 1 ? (e >= 0 ? near : far) : -(e >= 0 ? far : near);
    if (Math.abs(e) > SATURATED) inRange = false;
  }
  // outside the range: Y = [1] only (Z^T W 1), or nothing without an intercept
  const km = inRange ? m : off;
  const k = la.centredGram(X, mu, inv, inRange ? U : new Float64Array(n).fill(1), km, Wt);
  const H = new Float64Array(p * p);
  for (let j = 0; j < d; j++) H.set(k.xtx.subarray(j * d, (j + 1) * d), (j + off) * p + off);
  if (off) {
    H[0] = sumW;
    for (let j = 0; j < d; j++) H[j + 1] = H[(j + 1) * p] = k.xty[j * km];
    g[0] = sumR;
  }
  if (inRange) {
    for (let j = 0; j < d; j++) g[j + off] = k.xty[j * m + off];
  } else {
    for (let j = off; j < p; j++) g[j] = 0;
    for (let i = 0; i < n; i++) {
      const r = (w ? w[i] : 1) * (y[i] - sigmoid(eta[i]));
      for (let j = 0; j < d; j++) g[j + off] += r * ((data[i * d + j] - mu[j]) * inv[j]);
    }
  }
  return H;
}

/** Per-row state at one theta: eta, a = e^-|eta|, and (pass over the nonzeros) W = w p (1 - p), r = w (y - p). */
interface PerRow {
  eta: Float64Array;
  a: Float64Array;
  W?: Float64Array;
  r?: Float64Array;
}

/** logLik at eta_i = e for every row: e sum w y - softplus(e) sum w (to rounding); fills the state. */
function constantLogLik(e: number, y: Float64Array, w: Float64Array | undefined, S: PerRow): number {
  const ai = Math.exp(-Math.abs(e));
  S.eta.fill(e);
  S.a.fill(ai);
  const q1 = 1 + ai;
  const wt = ai / (q1 * q1);
  const pr = e >= 0 ? 1 / q1 : ai / q1;
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    sw += wi;
    swy += wi * y[i];
    if (S.W) {
      S.W[i] = wi * wt;
      S.r![i] = wi * (y[i] - pr);
    }
  }
  return e * swy - ((e > 0 ? e : 0) + Math.log1p(ai)) * sw;
}

/**
 * sum w [y eta - log(1 + e^eta)] at eta, into S: a = e^-|eta| (softplus(t)
 * = max(t, 0) + log1p(e^-|t|), bit for bit) and, when S has them, the IRLS
 * weights W = w p (1 - p) (no cancellation) and r = w (y - p), p =
 * sigmoid(eta) from a (bit for bit).
 */
function logLik(eta: Float64Array, y: Float64Array, w: Float64Array | undefined, S: PerRow): number {
  const { a, W, r } = S;
  let ll = 0;
  for (let i = 0; i < eta.length; i++) {
    const e = eta[i];
    const ai = Math.exp(-Math.abs(e));
    a[i] = ai;
    const wi = w ? w[i] : 1;
    if (W) {
      const q1 = 1 + ai;
      W[i] = (wi * ai) / (q1 * q1);
      r![i] = wi * (y[i] - (e >= 0 ? 1 / q1 : ai / q1));
    }
    if (wi === 0) continue;
    ll += wi * (y[i] * e - ((e > 0 ? e : 0) + Math.log1p(ai)));
  }
  return ll;
}

function penalty(theta: Float64Array, lam: Float64Array): number {
  let t = 0;
  for (let j = 0; j < theta.length; j++) t += lam[j] * theta[j] * theta[j];
  return 0.5 * t;
}

/** Every positive-weight row on the correct side of 0 (strictly). */
function separates(eta: Float64Array, y: Float64Array, w: Float64Array | undefined): boolean {
  for (let i = 0; i < eta.length; i++) {
    if (w && !(w[i] > 0)) continue;
    const e = eta[i];
    if (y[i] === 1 ? !(e > 0) : !(e < 0)) return false;
  }
  return true;
}

/** (H + diag(lam))^-1 g, equilibrated; E_SINGULAR naming columns on breakdown. */
function newtonStep(la: LinAlg, H: Float64Array, lam: Float64Array, g: Float64Array, p: number, off: number): Float64Array {
  const Ar = Float64Array.from(H);
  for (let j = 0; j < p; j++) Ar[j * p + j] = Ar[j * p + j] + lam[j];
  const { D, As } = equilibrate(Ar, p);
  const b = g.map((v, j) => v * D[j]);
  let x: Float64Array;
  try {
    x = la.solveSPD(As, b);
  } catch (e) {
    if (e instanceof SlimfitError && e.code === 'E_SINGULAR') {
      const pivot = typeof e.details?.pivot === 'number' ? (e.details.pivot as number) : p - 1;
      throwCollinear(dependentFromPivot(As, p, pivot, (A, r) => la.solveSPD(A, r)), off, 'the weighted Fisher information is singular', false);
    }
    throw e;
  }
  return x.map((v, j) => v * D[j]);
}

interface FinishInput {
  H: Float64Array;
  lam: Float64Array;
  p: number;
  d: number;
  off: number;
  intercept: boolean;
  mu: Float64Array;
  s: Float64Array;
  theta: Float64Array;
  ll: number;
  n: number;
  sumW: number;
  ybar: number;
  iterations: number;
  converged: boolean;
}

function finish(la: LinAlg, F: FinishInput): LogisticModel {
  const { H, lam, p, d, off, intercept, mu, s, theta } = F;
  const Ar = Float64Array.from(H);
  for (let j = 0; j < p; j++) Ar[j * p + j] = Ar[j * p + j] + lam[j];
  const { D, As } = equilibrate(Ar, p);
  const I = new Float64Array(p * p);
  for (let j = 0; j < p; j++) I[j * p + j] = 1;
  const invS = la.solveSPD(As, I);
  const cond = norm1(As, p) * norm1(invS, p);
  if (!(cond < 1e14) && F.lam.every((v) => v === 0)) {
    throwCollinear(dependentFromInverse(invS, p), off, `condition number ~${cond.toExponential(1)} of the Fisher information`, false);
  }
  const Ainv = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) Ainv[i * p + j] = 0.5 * (invS[i * p + j] + invS[j * p + i]) * D[i] * D[j];
  const { V, edf } = ridgeCovariance(Ainv, lam, p);
  const coef = new Float64Array(d);
  const se = new Float64Array(d);
  const z = new Float64Array(d);
  let b0 = intercept ? theta[0] : 0;
  for (let j = 0; j < d; j++) {
    const b = theta[j + off] / s[j];
    coef[j] = b;
    b0 -= mu[j] * b;
    se[j] = Math.sqrt(Math.max(0, V[(j + off) * p + j + off])) / s[j];
    z[j] = b / se[j];
  }
  const ise = intercept ? Math.sqrt(Math.max(0, interceptQuad(V, undefined, mu, s, p))) : NaN;
  const yb = F.ybar;
  const ll0 = intercept ? F.sumW * (yb > 0 && yb < 1 ? yb * Math.log(yb) + (1 - yb) * Math.log(1 - yb) : 0) : -F.sumW * Math.LN2;
  return new LogisticModel({
    d,
    coef,
    intercept: b0,
    fitIntercept: intercept,
    stats: {
      n: F.n,
      iterations: F.iterations,
      converged: F.converged,
      logLikelihood: F.ll,
      deviance: -2 * F.ll,
      nullDeviance: -2 * ll0,
      aic: -2 * F.ll + 2 * edf,
      stdErrors: se,
      zValues: z,
      interceptStdError: ise,
      interceptZValue: intercept ? b0 / ise : NaN,
      condition: cond,
      method: 'irls',
    },
  });
}
