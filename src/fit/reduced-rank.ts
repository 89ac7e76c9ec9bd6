/**
 * reducedRank: reduced-rank regression, the encoder/decoder of a multi-output
 * linear model made exact (Izenman 1975; rrpack's `rrr`).
 *
 * With B the least-squares (or ridge) coefficients (d x q) and F = (X - mean X) B
 * the centred fitted values, let V_r be the top r eigenvectors of the q x q
 * matrix M = F^T F (+ ridge B^T B), i.e. the top r right singular vectors of
 * the fitted values. Then B_r = B V_r V_r^T is the rank-r coefficient matrix
 * minimising ||Y - X B_r||_F; it is stored as encoder B V_r (d x r) and
 * decoder V_r^T (r x q), intercept mean(Y) - mean(X) B_r. With ridge > 0 this
 * is reduced-rank ridge regression (Mukherjee & Zhu 2011): the same
 * projection, taken from the SVD of the fitted values of the ridge problem
 * written as least squares on X augmented by sqrt(ridge) I (hence the
 * ridge B^T B term). With one output, rank 1 is plain least squares.
 *
 * M's eigenproblem is solved by cyclic Jacobi (sym-eigen.ts: orthogonality
 * and residual ~ q eps); the training error at every rank costs one more
 * pass of n q^2 flops, and gives the GCV and BIC used by rank 'gcv' / 'bic'
 * with rrpack's degrees of freedom r (d + q - r) (plus q for the intercepts).
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { toLinAlg, type LinAlg } from '../ops/linalg.js';
import { checkOptions, optionKeys } from '../options.js';
import { describeValue, type MatrixInput } from '../validate.js';
import type { RankRule } from '../models/reduced-rank-schema.js';
import { toDesign, toResponse } from './design.js';
import { fitLinear } from './linear.js';
import { ReducedRankModel } from './reduced-rank-model.js';
import { symmetricEigen } from './sym-eigen.js';

export interface ReducedRankOptions {
  /** Fit intercepts (default true); the rank constraint applies to the slopes only. */
  intercept?: boolean;
  /** L2 penalty on the coefficients, as fitLinear's (default 0): reduced-rank ridge. */
  ridge?: number;
}

const REDUCED_RANK_OPTION_KEYS = /* @__PURE__ */ optionKeys<ReducedRankOptions>()(['intercept', 'ridge']);

/** A rank: an integer in [1, min(d, q)], or 'gcv' / 'bic' to choose it. */
export type RankChoice = number | 'gcv' | 'bic';

export function reducedRank(engine: Engine | LinAlg, X: MatrixInput, Y: MatrixInput | ArrayLike<number>, rank: RankChoice, options?: ReducedRankOptions | null): ReducedRankModel {
  const la = toLinAlg(engine);
  const opts = checkOptions('reducedRank', options, REDUCED_RANK_OPTION_KEYS);
  const { X: Xm } = toDesign(X, 'X');
  const { rows: n, cols: d, data } = Xm;
  const R = toResponse(Y, n, 'Y');
  const q = R.m;
  const kmax = Math.min(d, q);
  if (rank !== 'gcv' && rank !== 'bic') {
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1 || rank > kmax) {
      throw new SlimfitError('E_RANGE', `rank must be an integer from 1 to min(d, q) = ${kmax} (d = ${d} columns, q = ${q} outputs), or 'gcv' / 'bic', got ${describeValue(rank)}`);
    }
  }
  const ridge = opts.ridge ?? 0;
  const ols = fitLinear(la, Xm, { rows: n, cols: q, data: R.Y }, { intercept: opts.intercept ?? true, ridge });
  const intercept = ols.fitIntercept;
  const B = ols.coef;
  const b0 = ols.intercept as Float64Array;
  const mu = new Float64Array(d);
  if (intercept) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += data[i * d + j];
    for (let j = 0; j < d; j++) mu[j] /= n;
  }
  // F = (X - mu) B, and the least-squares residuals E = Y - b0 - X B.
  const F = new Float64Array(n * q);
  const E = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < q; t++) {
      let f = 0;
      let p = b0[t];
      for (let j = 0; j < d; j++) {
        const x = data[i * d + j];
        const b = B[j * q + t];
        f += (x - mu[j]) * b;
        p += x * b;
      }
      F[i * q + t] = f;
      E[i * q + t] = R.Y[i * q + t] - p;
    }
  }
  const M = la.gram({ rows: n, cols: q, data: F }).xtx;
  if (ridge > 0) {
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += B[j * q + a] * B[j * q + b];
      M[a * q + b] += ridge * s;
    }
  }
  const { values, vectors: V } = symmetricEigen(M, q);
  const singularValues = Float64Array.from({ length: kmax }, (_, k) => Math.sqrt(Math.max(0, values[k])));

  // Training SSE at each rank: Y - fit_r = E + F (I - V_r V_r^T), peeled one direction at a time.
  const sse = new Float64Array(kmax);
  const t = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < q; c++) t[c] = E[i * q + c] + F[i * q + c];
    for (let k = 0; k < kmax; k++) {
      let g = 0;
      for (let c = 0; c < q; c++) g += F[i * q + c] * V[c * q + k];
      let s = 0;
      for (let c = 0; c < q; c++) {
        t[c] -= g * V[c * q + k];
        s += t[c] * t[c];
      }
      sse[k] += s;
    }
  }
  const N = n * q;
  const gcv = new Float64Array(kmax);
  const bic = new Float64Array(kmax);
  for (let k = 0; k < kmax; k++) {
    const r = k + 1;
    const df = r * (d + q - r) + (intercept ? q : 0);
    gcv[k] = N > df ? (N * sse[k]) / ((N - df) * (N - df)) : Infinity;
    bic[k] = N * Math.log(sse[k] / N) + Math.log(N) * df;
  }
  const rankBy: RankRule = rank === 'gcv' || rank === 'bic' ? rank : 'fixed';
  const r = rankBy === 'fixed' ? (rank as number) : argmin(rankBy === 'gcv' ? gcv : bic) + 1;

  const encoder = new Float64Array(d * r);
  for (let j = 0; j < d; j++) for (let k = 0; k < r; k++) {
    let s = 0;
    for (let c = 0; c < q; c++) s += B[j * q + c] * V[c * q + k];
    encoder[j * r + k] = s;
  }
  const decoder = new Float64Array(r * q);
  for (let k = 0; k < r; k++) for (let c = 0; c < q; c++) decoder[k * q + c] = V[c * q + k];
  // intercept_r = b0 + mu (B - B_r): the same mean prediction as the full fit.
  const b0r = Float64Array.from(b0);
  if (intercept) {
    for (let c = 0; c < q; c++) {
      let s = 0;
      for (let j = 0; j < d; j++) {
        let br = 0;
        for (let k = 0; k < r; k++) br += encoder[j * r + k] * decoder[k * q + c];
        s += mu[j] * (B[j * q + c] - br);
      }
      b0r[c] += s;
    }
  }
  return new ReducedRankModel({ d, outputs: q, rank: r, encoder, decoder, intercept: b0r, fitIntercept: intercept, ridge, singularValues, stats: { n, rankBy, sse, gcv, bic } });
}

/** First index of the smallest value (NaN never wins). */
function argmin(a: Float64Array): number {
  let best = 0;
  for (let k = 1; k < a.length; k++) if (a[k] < a[best] || Number.isNaN(a[best])) best = k;
  return best;
}
