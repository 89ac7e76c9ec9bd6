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
import { toMatrix, type MatrixInput } from '../validate.js';
import type { LinearModelLike } from './model.js';

export interface CalibrationHessian {
  /** d x d. */
  H: Float64Array;
  /** Column means used to centre X (intercept models), else undefined. */
  mean: Float64Array | undefined;
}

export function calibrationHessian(engine: Engine, model: LinearModelLike, X: MatrixInput, logistic: boolean): CalibrationHessian {
  const M = toMatrix(X, 'X');
  const d = model.d;
  if (M.cols !== d) throw new SlimfitError('E_SHAPE', `calibration X has ${M.cols} columns but the model has ${d}`);
  const n = M.rows;
  let weights: Float64Array | undefined;
  if (logistic) {
    const b0 = typeof model.intercept === 'number' ? model.intercept : model.intercept[0]!;
    weights = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let t = b0;
      for (let j = 0; j < d; j++) t += M.data[i * d + j]! * model.coef[j]!;
      const p = 1 / (1 + Math.exp(-t));
      weights[i] = Math.max(p * (1 - p), 1e-12);
    }
  }
  let data = M.data;
  let mean: Float64Array | undefined;
  if (model.fitIntercept) {
    mean = new Float64Array(d);
    let sw = 0;
    for (let i = 0; i < n; i++) {
      const wi = weights ? weights[i]! : 1;
      sw += wi;
      for (let j = 0; j < d; j++) mean[j]! += wi * M.data[i * d + j]!;
    }
    for (let j = 0; j < d; j++) mean[j]! /= sw;
    data = new Float64Array(M.data.length);
    for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) data[i * d + j] = M.data[i * d + j]! - mean[j]!;
  }
  const g = engine.gram({ rows: n, cols: d, data }, undefined, weights ? { weights } : {});
  return { H: g.xtx, mean };
}
