/**
 * Differentially private logistic regression by objective perturbation
 * (src/privacy/objective.ts, docs/PRIVACY.md). Rows are clipped to
 * ||x|| <= B_X and scaled into the unit ball: z = [1, x / B_X] / sqrt(2) with
 * an intercept, x / B_X without; then Newton's method minimises the
 * perturbed, strongly convex objective
 *   J(f) = (1/n) sum [log(1 + e^eta_i) - y_i eta_i] + (L/2)||f||^2 + (1/n) b.f,
 * eta_i = f.z_i, L = Lambda + Delta: the IRLS step of logistic.ts with the
 * linear term b/n added to the gradient and L on every coefficient (the
 * guarantee needs the intercept regularised too). H = (1/n) Z^T W Z + L I is
 * positive definite, so every step is a plain solveSPD, halved while it does
 * not lower J. The data statistics (deviance, AIC, standard errors, the
 * Fisher information's condition) are NaN: they would come from the exact
 * rows. n and the iteration count are exact and not protected.
 */
import type { LinAlg } from '../ops/linalg.js';
import type { Matrix } from '../types.js';
import { clipRow, dataBounds } from '../privacy/clip.js';
import { noiseStream } from '../privacy/noise.js';
import { objectivePerturbation } from '../privacy/objective.js';
import type { ResolvedLogisticPrivacy } from '../privacy/options.js';
import { LogisticModel, sigmoid, softplus } from './logistic-model.js';

export function fitLogisticPrivate(la: LinAlg, X: Matrix, y: Float64Array, intercept: boolean, o: ResolvedLogisticPrivacy, maxIter: number, tol: number): LogisticModel {
  const { rows: n, cols: d } = X;
  const data = Float64Array.from(X.data.subarray(0, n * d));
  const boundX = o.boundX ?? dataBounds(data, n, d).boundX;
  const off = intercept ? 1 : 0;
  const p = d + off;
  const scale = intercept ? Math.SQRT1_2 : 1;
  const Z = new Float64Array(n * p);
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    if (clipRow(data, i * d, d, boundX)) clipped++;
    if (intercept) Z[i * p] = scale;
    for (let j = 0; j < d; j++) Z[i * p + off + j] = (data[i * d + j] / boundX) * scale;
  }
  const noise = noiseStream(o.seed);
  const { b, extraRidge } = objectivePerturbation(n, p, o.epsilon, o.regularization, noise);
  const L = o.regularization + extraRidge;
  const Zm: Matrix = { rows: n, cols: p, data: Z };
  const f = new Float64Array(p);
  const eta = (th: Float64Array): Float64Array => {
    const e = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let j = 0; j < p; j++) t += Z[i * p + j] * th[j];
      e[i] = t;
    }
    return e;
  };
  const objective = (th: Float64Array, e: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += softplus(e[i]) - y[i] * e[i];
    let r = 0;
    for (let j = 0; j < p; j++) r += 0.5 * L * th[j] * th[j] + (b[j] * th[j]) / n;
    return s / n + r;
  };
  let e = eta(f);
  let J = objective(f, e);
  const W = new Float64Array(n);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIter) {
    const g = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const pr = sigmoid(e[i]);
      const a = Math.exp(-Math.abs(e[i]));
      W[i] = a / ((1 + a) * (1 + a)) / n;
      const r = (pr - y[i]) / n;
      for (let j = 0; j < p; j++) g[j] += r * Z[i * p + j];
    }
    for (let j = 0; j < p; j++) g[j] = -(g[j] + L * f[j] + b[j] / n);
    const H = la.gram(Zm, undefined, { weights: W }).xtx;
    for (let j = 0; j < p; j++) H[j * p + j] += L;
    const step = la.solveSPD(H, g);
    iterations++;
    let t = 1;
    let next = f.map((v, j) => v + step[j]);
    let eN = eta(next);
    let JN = objective(next, eN);
    for (let h = 0; h < 30 && !(JN <= J + 1e-15 * Math.abs(J)); h++) {
      t /= 2;
      next = f.map((v, j) => v + t * step[j]);
      eN = eta(next);
      JN = objective(next, eN);
    }
    let rel = 0;
    for (let j = 0; j < p; j++) rel = Math.max(rel, (t * Math.abs(step[j])) / (1 + Math.abs(f[j])));
    const gain = J - JN;
    f.set(next);
    e = eN;
    J = JN;
    // converged: the step is below tol, or at the float64 noise floor (no gain left)
    if (rel <= tol || (rel <= 1e-7 && gain <= 1e-15 * Math.abs(J))) {
      converged = true;
      break;
    }
  }
  const coef = new Float64Array(d);
  for (let j = 0; j < d; j++) coef[j] = (f[j + off] * scale) / boundX;
  const nan = new Float64Array(d).fill(NaN);
  return new LogisticModel({
    d,
    coef,
    intercept: intercept ? f[0] * scale : 0,
    fitIntercept: intercept,
    stats: {
      n,
      iterations,
      converged,
      logLikelihood: NaN,
      deviance: NaN,
      nullDeviance: NaN,
      aic: NaN,
      stdErrors: nan,
      zValues: nan.slice(),
      interceptStdError: NaN,
      interceptZValue: NaN,
      condition: NaN,
      method: 'irls',
      privacy: {
        private: o.boundX !== undefined && !noise.seeded,
        mechanism: 'objective-perturbation',
        neighbouring: 'replace-one',
        epsilon: o.epsilon,
        delta: 0,
        rho: NaN,
        boundX,
        boundY: NaN,
        boundsFromData: o.boundX === undefined,
        seeded: noise.seeded,
        clippedRows: clipped,
        ridge: L,
        projected: false,
      },
    },
  });
}
