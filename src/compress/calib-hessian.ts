/**
 * The Hessian a model's compression error is measured in, from calibration
 * data X (n x d):
 *  - linear model: H = X^T X, so (w - w')^T H (w - w') = ||X (w - w')||^2,
 *    the squared change of the outputs on X;
 *  - logistic model: H = X^T diag(p (1 - p)) X with p the float model's
 *    probabilities (the Fisher information: the second-order change of the
 *    log-likelihood).
 * With an intercept, X is centred first (weighted means for logistic) and
 * the caller moves the intercept by mean(X) . (w - w'): the mean part of the
 * error is then absorbed exactly and H only has to rank the rest.
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { gram } from '../ops/gram.js';
import { describeValue, toMatrix, type MatrixInput } from '../validate.js';
import { checkModelLike } from './model-like.js';
import type { LinearModelLike } from './model.js';

export interface CalibrationHessian {
  /** d x d. */
  H: Float64Array;
  /** Column means used to centre X (intercept models), else undefined. */
  mean: Float64Array | undefined;
}

/**
 * The float model's per-row weights on X: p (1 - p) for a logistic model
 * (floored at 1e-12), undefined (all 1) for a linear one.
 */
function rowWeights(model: LinearModelLike, M: { rows: number; data: Float64Array }, d: number, logistic: boolean): Float64Array | undefined {
  if (!logistic) return undefined;
  const n = M.rows;
  const b0 = typeof model.intercept === 'number' ? model.intercept : model.intercept[0];
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = b0;
    for (let j = 0; j < d; j++) t += M.data[i * d + j] * model.coef[j];
    const p = 1 / (1 + Math.exp(-t));
    weights[i] = Math.max(p * (1 - p), 1e-12);
  }
  return weights;
}

function checkedX(model: LinearModelLike, X: MatrixInput) {
  const M = toMatrix(X, 'X');
  if (M.cols !== model.d) throw new SlimfitError('E_SHAPE', `calibration X has ${M.cols} columns but the model has ${model.d}`);
  return M;
}

function columnMeans(M: { rows: number; data: Float64Array }, d: number, weights: Float64Array | undefined): Float64Array {
  const n = M.rows;
  const mean = new Float64Array(d);
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const wi = weights ? weights[i] : 1;
    sw += wi;
    for (let j = 0; j < d; j++) mean[j] += wi * M.data[i * d + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= sw;
  return mean;
}

/**
 * Only the mean that calibrationHessian centres X with (weighted by p(1 - p)
 * for logistic), for the intercept correction of round-to-nearest: the
 * same correction GPTQ gets, without forming H. Undefined without an intercept.
 */
export function calibrationMean(model: LinearModelLike, X: MatrixInput, logistic: boolean): Float64Array | undefined {
  if (!model.fitIntercept) return undefined;
  const M = checkedX(model, X);
  return columnMeans(M, model.d, rowWeights(model, M, model.d, logistic));
}

export function calibrationHessian(engine: Engine, model: LinearModelLike, X: MatrixInput, logistic: boolean): CalibrationHessian {
  checkModelLike(model);
  if (typeof logistic !== 'boolean') throw new SlimfitError('E_RANGE', `logistic must be true or false (whether the model is a LogisticModel), got ${describeValue(logistic)}`);
  const M = checkedX(model, X);
  const d = model.d;
  const n = M.rows;
  const weights = rowWeights(model, M, d, logistic);
  let data = M.data;
  let mean: Float64Array | undefined;
  if (model.fitIntercept) {
    mean = columnMeans(M, d, weights);
    data = new Float64Array(M.data.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = M.data[i * d + j] - mean[j];
  }
  const g = gram(engine, { rows: n, cols: d, data }, undefined, weights ? { weights } : {});
  return { H: g.xtx, mean };
}
