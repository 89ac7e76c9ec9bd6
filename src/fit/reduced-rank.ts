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
 * M comes from the centred moments X^T X and X^T Y (one more centredGram on
 * the kernels after the fit), and its eigenproblem is solved by cyclic Jacobi
 * (sym-eigen.ts: orthogonality and residual ~ q eps). The training error at
 * every rank comes from the same moments (or, when some rank fits to within
 * 1e-4 of the total sum of squares and the moments would cancel, from one
 * pass over the rows), and gives the GCV and BIC used by rank 'gcv' / 'bic'
 * with rrpack's degrees of freedom r (d + q - r) (plus q for the intercepts).
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { toLinAlg, type LinAlg } from '../ops/linalg.js';
import { checkOptions, optionKeys } from '../options.js';
import type { Matrix } from '../types.js';
import { describeValue, type MatrixInput } from '../validate.js';
import type { RankRule } from '../models/reduced-rank-schema.js';
import { toDesign, toResponse } from './design.js';
import { fitLinear } from './linear.js';
import { ReducedRankModel } from './reduced-rank-model.js';
import { symmetricEigen } from '../sym-eigen.js';

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
  // Centred moments on the kernels: A = Xc^T Xc, C = Xc^T Y (= Xc^T Yc), with Xc = X - mu (mu = 0 without an intercept).
  const { xtx: A, xty: C } = la.centredGram(Xm, mu, new Float64Array(d).fill(1), R.Y, q);
  const AB = new Float64Array(d * q);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) {
    const v = A[a * d + b];
    for (let t = 0; t < q; t++) AB[a * q + t] += v * B[b * q + t];
  }
  // M0 = F^T F = B^T A B (F the centred fitted values), BC = B^T C; M adds ridge B^T B (the augmented rows).
  const M0 = crossProduct(B, AB, d, q);
  const BC = crossProduct(B, C, d, q);
  const M = Float64Array.from(M0);
  if (ridge > 0) {
    const BB = crossProduct(B, B, d, q);
    for (let i = 0; i < q * q; i++) M[i] += ridge * BB[i];
  }
  const { values, vectors: V } = symmetricEigen(M, q);
  const singularValues = Float64Array.from({ length: kmax }, (_, k) => Math.sqrt(Math.max(0, values[k])));
  const sse = rankSse(R.Y, n, q, intercept, V, M0, BC, kmax) ?? measuredSse(Xm, R.Y, mu, B, b0, V, kmax);
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

  const { encoder, decoder, intercept: b0r } = factors(B, b0, mu, V, d, q, r, intercept);
  return new ReducedRankModel({ d, outputs: q, rank: r, encoder, decoder, intercept: b0r, fitIntercept: intercept, ridge, singularValues, stats: { n, rankBy, sse, gcv, bic } });
}

/** encoder B V_r, decoder V_r^T and intercept b0 + mu (B - B_r) (the same mean prediction as B). */
function factors(B: Float64Array, b0: Float64Array, mu: Float64Array, V: Float64Array, d: number, q: number, r: number, intercept: boolean) {
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
  return { encoder, decoder, intercept: b0r };
}

/**
 * The rank-r projection of an already fitted multi-output linear model
 * (coef d x q, intercepts) on the top r right singular vectors of its centred
 * fitted values on rows X (calibration data; no targets needed): the same
 * B_r = B V_r V_r^T as reducedRank gives when X are its training rows. Its
 * stats carry no training error (sse, gcv and bic are NaN; rankBy 'fixed').
 */
export function projectRank(engine: Engine | LinAlg, model: { d: number; outputs?: number; coef: Float64Array; intercept: number | Float64Array; fitIntercept: boolean }, X: MatrixInput, rank: number): ReducedRankModel {
  const la = toLinAlg(engine);
  const { X: Xm } = toDesign(X, 'X');
  const { rows: n, cols: d, data } = Xm;
  const q = model.outputs ?? 1;
  if (d !== model.d) throw new SlimfitError('E_SHAPE', `X has ${d} columns but the model has ${model.d}`);
  const kmax = Math.min(d, q);
  if (!Number.isInteger(rank) || rank < 1 || rank > kmax) throw new SlimfitError('E_RANGE', `rank must be an integer from 1 to min(d, q) = ${kmax}, got ${describeValue(rank)}`);
  const B = model.coef;
  const b0 = typeof model.intercept === 'number' ? Float64Array.of(model.intercept) : Float64Array.from(model.intercept);
  const mu = new Float64Array(d);
  if (model.fitIntercept) {
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mu[j] += data[i * d + j];
    for (let j = 0; j < d; j++) mu[j] /= n;
  }
  const A = la.centredGram(Xm, mu, new Float64Array(d).fill(1), new Float64Array(n), 1).xtx;
  const AB = new Float64Array(d * q);
  for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) for (let t = 0; t < q; t++) AB[a * q + t] += A[a * d + b] * B[b * q + t];
  const { values, vectors: V } = symmetricEigen(crossProduct(B, AB, d, q), q);
  const f = factors(B, b0, mu, V, d, q, rank, model.fitIntercept);
  const none = new Float64Array(kmax).fill(NaN);
  return new ReducedRankModel({
    d,
    outputs: q,
    rank,
    ...f,
    fitIntercept: model.fitIntercept,
    ridge: 0,
    singularValues: Float64Array.from({ length: kmax }, (_, k) => Math.sqrt(Math.max(0, values[k]))),
    stats: { n, rankBy: 'fixed', sse: none, gcv: none, bic: none },
  });
}

/** B^T G for B, G both d x q row-major: q x q. */
function crossProduct(B: Float64Array, G: Float64Array, d: number, q: number): Float64Array {
  const out = new Float64Array(q * q);
  for (let j = 0; j < d; j++) for (let a = 0; a < q; a++) {
    const b = B[j * q + a];
    for (let c = 0; c < q; c++) out[a * q + c] += b * G[j * q + c];
  }
  return out;
}

/**
 * SSE at ranks 1..kmax from the moments: ||Yc - Xc B V_r V_r^T||^2 =
 * yy - sum_{k <= r} (2 v_k^T B^T C v_k - v_k^T M0 v_k). Its rounding error is
 * ~1e-16 yy, so undefined (measure instead) when some rank fits to within 1e-4 yy.
 */
function rankSse(Y: Float64Array, n: number, q: number, intercept: boolean, V: Float64Array, M0: Float64Array, BC: Float64Array, kmax: number): Float64Array | undefined {
  const muY = new Float64Array(q);
  if (intercept) {
    for (let i = 0; i < n; i++) for (let t = 0; t < q; t++) muY[t] += Y[i * q + t];
    for (let t = 0; t < q; t++) muY[t] /= n;
  }
  let yy = 0;
  for (let i = 0; i < n; i++) for (let t = 0; t < q; t++) yy += (Y[i * q + t] - muY[t]) ** 2;
  const quad = (S: Float64Array, k: number): number => {
    let s = 0;
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) s += V[a * q + k] * S[a * q + b] * V[b * q + k];
    return s;
  };
  const sse = new Float64Array(kmax);
  let acc = yy;
  for (let k = 0; k < kmax; k++) {
    acc -= 2 * quad(BC, k) - quad(M0, k);
    if (!(acc >= 1e-4 * yy)) return undefined;
    sse[k] = acc;
  }
  return sse;
}

/** SSE at ranks 1..kmax measured on the rows: Y - fit_r = E + F (I - V_r V_r^T), E the full fit's residuals, F its centred fitted values. */
function measuredSse(X: Matrix, Y: Float64Array, mu: Float64Array, B: Float64Array, b0: Float64Array, V: Float64Array, kmax: number): Float64Array {
  const { rows: n, cols: d, data } = X;
  const q = b0.length;
  // F + mu B + b0 is the full fit's prediction.
  const c0 = Float64Array.from(b0);
  for (let j = 0; j < d; j++) for (let t = 0; t < q; t++) c0[t] += mu[j] * B[j * q + t];
  const sse = new Float64Array(kmax);
  const f = new Float64Array(q);
  const r = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    f.fill(0);
    for (let j = 0; j < d; j++) {
      const x = data[i * d + j] - mu[j];
      if (x !== 0) for (let t = 0; t < q; t++) f[t] += x * B[j * q + t];
    }
    // r starts as E + F = Y - c0.
    for (let t = 0; t < q; t++) r[t] = Y[i * q + t] - c0[t];
    for (let k = 0; k < kmax; k++) {
      let g = 0;
      for (let t = 0; t < q; t++) g += f[t] * V[t * q + k];
      let s = 0;
      for (let t = 0; t < q; t++) {
        r[t] -= g * V[t * q + k];
        s += r[t] * r[t];
      }
      sse[k] += s;
    }
  }
  return sse;
}

/** First index of the smallest value (NaN never wins). */
function argmin(a: Float64Array): number {
  let best = 0;
  for (let k = 1; k < a.length; k++) if (a[k] < a[best] || Number.isNaN(a[best])) best = k;
  return best;
}
