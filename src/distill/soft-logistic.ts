/**
 * The logistic student's fit: Newton's method on Hinton's distillation loss,
 * which for a two-class model with student logit z = b0 + x . b reads, per row,
 *
 *   loss_i(z) = a_i CE(y_i, sigmoid(z)) + (1 - a_i) T^2 CE(q_i, sigmoid(z / T)),
 *   CE(u, p) = -[u log p + (1 - u) log(1 - p)],   q_i = sigmoid(t_i / T),
 *
 * t_i the teacher's logit, a_i = alpha on labelled rows and 0 on unlabelled
 * ones. Each term is convex in z, so the sum is convex in (b0, b), and
 *   d loss_i / dz   = -[a_i (y_i - sigmoid(z)) + (1 - a_i) T (q_i - sigmoid(z / T))],
 *   d2 loss_i / dz2 = a_i p (1 - p) + (1 - a_i) p_T (1 - p_T),   p_T = sigmoid(z / T).
 * At T = 1 this is logistic regression on the fractional labels
 * a_i y_i + (1 - a_i) q_i (IRLS with those labels); as T grows the soft term
 * tends to (z - t)^2 / 8 (the Taylor expansion of T^2 CE at z / T -> 0), i.e.
 * least squares on the teacher's logits.
 *
 * Each step is a weighted normal-equations solve through LinAlg (gram with
 * the row weights above, solveSPD) on [1, (X - mu) / s] (centred, scaled to
 * unit sd so the Hessian is well conditioned), halved until the loss drops.
 * Ridge penalises (ridge / 2) |b|^2 in the units of X (not the intercept),
 * as fitLogistic's does.
 */
import { SlimfitError } from '../errors.js';
import type { LinAlg } from '../ops/linalg.js';
import type { Matrix } from '../types.js';
import { LogisticModel, sigmoid, softplus } from '../fit/logistic-model.js';
import { equilibrate } from '../fit/normal.js';

export interface SoftLogisticInput {
  X: Matrix;
  /** Teacher logits t_i (may be +-Infinity for a probability of 1 or 0). */
  teacher: Float64Array;
  /** Hard labels 0/1; NaN marks an unlabelled row (soft target only). Omitted: every row unlabelled. */
  y: Float64Array | undefined;
  alpha: number;
  temperature: number;
  ridge: number;
  maxIter: number;
  tol: number;
}

export interface SoftLogisticFit {
  model: LogisticModel;
  /** The distillation loss at the estimate (sum over rows, without the ridge penalty). */
  loss: number;
}

export function fitSoftLogistic(la: LinAlg, I: SoftLogisticInput): SoftLogisticFit {
  const { X, teacher, y, alpha, temperature: T, ridge, maxIter, tol } = I;
  const n = X.rows;
  const d = X.cols;
  const p = d + 1;
  // per-row weight of the hard term, and the soft targets
  const a = new Float64Array(n);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = y !== undefined && !Number.isNaN(y[i]) ? alpha : 0;
    q[i] = sigmoid(teacher[i] / T);
  }
  const mu = new Float64Array(d);
  const s = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += X.data[i * d + j];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (X.data[i * d + j] - m) ** 2;
    const sd = Math.sqrt(v / n);
    if (!(sd > 0)) throw new SlimfitError('E_SINGULAR', `student column ${j} is constant on the transfer set: it duplicates the intercept; leave it out`, { columns: [j] });
    mu[j] = m;
    s[j] = sd;
  }
  const Z = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    Z[i * p] = 1;
    for (let j = 0; j < d; j++) Z[i * p + 1 + j] = (X.data[i * d + j] - mu[j]) / s[j];
  }
  const Zm: Matrix = { rows: n, cols: p, data: Z };
  const lam = new Float64Array(p);
  for (let j = 0; j < d; j++) lam[j + 1] = ridge / (s[j] * s[j]);

  const lossAt = (eta: Float64Array, theta: Float64Array): number => {
    let L = 0;
    for (let i = 0; i < n; i++) {
      const z = eta[i];
      if (a[i] > 0) L += a[i] * (softplus(z) - y![i] * z);
      if (a[i] < 1) L += (1 - a[i]) * T * T * (softplus(z / T) - (q[i] * z) / T);
    }
    let pen = 0;
    for (let j = 0; j < p; j++) pen += lam[j] * theta[j] * theta[j];
    return L + 0.5 * pen;
  };
  const predictor = (theta: Float64Array): Float64Array => {
    const eta = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let j = 0; j < p; j++) t += Z[i * p + j] * theta[j];
      eta[i] = t;
    }
    return eta;
  };

  const theta = new Float64Array(p);
  let eta = predictor(theta);
  let loss = lossAt(eta, theta);
  const W = new Float64Array(n);
  const g = new Float64Array(p);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const z = eta[i];
      const pr = sigmoid(z);
      const pT = sigmoid(z / T);
      const r = a[i] > 0 ? a[i] * (y![i] - pr) + (1 - a[i]) * T * (q[i] - pT) : T * (q[i] - pT);
      W[i] = a[i] * pr * (1 - pr) + (1 - a[i]) * pT * (1 - pT);
      for (let j = 0; j < p; j++) g[j] += r * Z[i * p + j];
    }
    for (let j = 0; j < p; j++) g[j] -= lam[j] * theta[j];
    const H = la.gram(Zm, undefined, { weights: W }).xtx;
    for (let j = 0; j < p; j++) H[j * p + j] += lam[j];
    const { D, As } = equilibrate(H, p);
    const delta = la.solveSPD(As, g.map((v, j) => v * D[j])).map((v, j) => v * D[j]);
    iterations++;
    let t = 1;
    let next = theta.map((v, j) => v + delta[j]);
    let etaN = predictor(next);
    let lossN = lossAt(etaN, next);
    for (let h = 0; h < 30 && !(lossN <= loss + 1e-13 * Math.abs(loss)); h++) {
      t /= 2;
      next = theta.map((v, j) => v + t * delta[j]);
      etaN = predictor(next);
      lossN = lossAt(etaN, next);
    }
    let rel = 0;
    for (let j = 0; j < p; j++) rel = Math.max(rel, (t * Math.abs(delta[j])) / (1 + Math.abs(theta[j])));
    const gain = loss - lossN;
    theta.set(next);
    eta = etaN;
    loss = lossN;
    if (rel <= tol || (rel <= 1e-7 && gain <= 1e-15 * Math.abs(loss))) {
      converged = true;
      break;
    }
  }
  if (!converged) {
    throw new SlimfitError(
      'E_CONVERGENCE',
      `the distilled student did not converge in ${maxIter} Newton steps (teacher probabilities of exactly 0 or 1 on separable rows let the coefficients grow without bound); pass student.ridge > 0 or a larger maxIter`,
      { iterations },
    );
  }
  const coef = new Float64Array(d);
  let b0 = theta[0];
  for (let j = 0; j < d; j++) {
    coef[j] = theta[j + 1] / s[j];
    b0 -= mu[j] * coef[j];
  }
  let penalty = 0;
  for (let j = 0; j < p; j++) penalty += lam[j] * theta[j] * theta[j];
  const objective = loss - 0.5 * penalty;
  const nan = new Float64Array(d).fill(NaN);
  // The fit is on soft targets, not Bernoulli outcomes: Wald standard errors and deviances would not
  // mean what they mean for fitLogistic, so they are NaN; logLikelihood is minus the distillation loss.
  return {
    model: new LogisticModel({
      d,
      coef,
      intercept: b0,
      fitIntercept: true,
      stats: {
        n,
        iterations,
        converged,
        logLikelihood: -objective,
        deviance: NaN,
        nullDeviance: NaN,
        aic: NaN,
        stdErrors: nan,
        zValues: Float64Array.from(nan),
        interceptStdError: NaN,
        interceptZValue: NaN,
        condition: NaN,
        method: 'irls',
      },
    }),
    loss: objective,
  };
}
