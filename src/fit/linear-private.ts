/**
 * Differentially private least squares (docs/PRIVACY.md): clip the rows to
 * the bounds, form the normal equations of [1, x] (or x) once, and hand them
 * to sufficient-statistics perturbation (src/privacy/adassp.ts). The model
 * keeps only what the noisy release determines: coefficients, the ridge and
 * the condition of the noisy system. Its data statistics (R^2, residual SD,
 * standard errors, t values) would be computed from the exact rows and are
 * NaN; n and the clipped-row count are exact and published (not protected).
 */
import type { LinAlg } from '../ops/linalg.js';
import type { Matrix } from '../types.js';
import { clipRow, clipValue, dataBounds } from '../privacy/clip.js';
import { noiseStream } from '../privacy/noise.js';
import { privateNormalSolve } from '../privacy/adassp.js';
import type { LinearPrivacyMethod, ResolvedLinearPrivacy } from '../privacy/options.js';
import type { PrivacyReport } from '../privacy/report.js';
import { LinearModel } from './model.js';
import type { LinearStats } from './stats.js';

export interface PrivateNormalEquations {
  /** p x p Gram of the clipped rows [1, x] (or x without intercept). */
  G: Float64Array;
  /** p cross products with the clipped y. */
  c: Float64Array;
  d: number;
  n: number;
  intercept: boolean;
  clippedRows: number;
}

export interface PrivateBudget {
  epsilon: number;
  delta: number;
  method: LinearPrivacyMethod;
  seed: number | undefined;
  boundX: number;
  boundY: number;
  boundsFromData: boolean;
}

/** fitLinear's private path: X validated, y a vector of n values. */
export function fitLinearPrivate(la: LinAlg, X: Matrix, y: Float64Array, intercept: boolean, o: ResolvedLinearPrivacy): LinearModel<number> {
  const { rows: n, cols: d } = X;
  const data = Float64Array.from(X.data.subarray(0, n * d));
  const fromData = o.boundX === undefined || o.boundY === undefined ? dataBounds(data, n, d, y) : undefined;
  const boundX = o.boundX ?? fromData!.boundX;
  const boundY = o.boundY ?? fromData!.boundY;
  const off = intercept ? 1 : 0;
  const q = d + off + 1;
  const M = new Float64Array(n * q);
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const rowClipped = clipRow(data, i * d, d, boundX);
    const yi = clipValue(y[i], boundY);
    if (rowClipped || yi !== y[i]) clipped++;
    if (intercept) M[i * q] = 1;
    M.set(data.subarray(i * d, i * d + d), i * q + off);
    M[i * q + q - 1] = yi;
  }
  const full = la.gram({ rows: n, cols: q, data: M }).xtx;
  const p = d + off;
  const G = new Float64Array(p * p);
  const c = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j < p; j++) G[i * p + j] = full[i * q + j];
    c[i] = full[i * q + q - 1];
  }
  return privateLinearModel(
    { G, c, d, n, intercept, clippedRows: clipped },
    { epsilon: o.epsilon, delta: o.delta, method: o.method, seed: o.seed, boundX, boundY, boundsFromData: fromData !== undefined },
  );
}

/** The private model from clipped normal equations (fitLinear and LinearAccumulator.fit alike). */
export function privateLinearModel(E: PrivateNormalEquations, B: PrivateBudget): LinearModel<number> {
  const { d, n, intercept } = E;
  const off = intercept ? 1 : 0;
  const p = d + off;
  const noise = noiseStream(B.seed);
  const boundZ = intercept ? Math.sqrt(B.boundX * B.boundX + 1) : B.boundX;
  const sol = privateNormalSolve({ G: E.G, c: E.c, p, boundZ, boundY: B.boundY, epsilon: B.epsilon, delta: B.delta, method: B.method, noise });
  const coef = sol.theta.slice(off);
  const report: PrivacyReport = {
    private: !B.boundsFromData && !noise.seeded,
    mechanism: B.method,
    neighbouring: 'add-remove',
    epsilon: B.epsilon,
    delta: B.delta,
    rho: sol.rho,
    boundX: B.boundX,
    boundY: B.boundY,
    boundsFromData: B.boundsFromData,
    seeded: noise.seeded,
    clippedRows: E.clippedRows,
    ridge: sol.ridge,
    projected: sol.projected,
  };
  const nan = new Float64Array(d).fill(NaN);
  const stats: LinearStats<number> = {
    n,
    dof: n - p,
    rSquared: NaN,
    residualSd: NaN,
    stdErrors: nan,
    tValues: nan.slice(),
    interceptStdError: NaN,
    interceptTValue: NaN,
    condition: sol.condition,
    method: 'noisy-normal',
    refinementSteps: 0,
    privacy: report,
  };
  return new LinearModel<number>({ d, outputs: 1, coef, intercept: intercept ? sol.theta[0] : 0, fitIntercept: intercept, stats });
}
