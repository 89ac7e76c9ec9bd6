/**
 * LinearModel's serialised fields, their validation and their encoding: the
 * one definition behind LinearModel.toJSON/fromJSON and the .slim "linear"
 * kind (docs/FORMAT.md §1.6.1). Members in this order; the four float64
 * arrays travel through ArraysOut/ArraysIn (inline in JSON, F64 tensors in
 * .slim), everything else is JSON in both forms.
 */
import type { LinearMethod, LinearStats } from '../fit/stats.js';
import { decodeArr, decodeNum, encodeArr, formatError, getBool, getEnum, getInt, getObject, type JsonNum, type JsonObject } from '../json.js';
import { bool, checkIntercept, conditionNumber, f64, finite, posInt, rowCount, scalar, shapeError, stats, type ArraysIn, type ArraysOut } from './fields.js';
import { readPrivacy, writePrivacy } from './privacy-schema.js';

export const LINEAR_METHODS = ['cholesky', 'cholesky+refine', 'dd-cholesky+refine', 'dd-cholesky', 'noisy-normal', 'dual-cholesky'] as const satisfies readonly LinearMethod[];

/** A linear model's data (what LinearModel's constructor takes). */
export interface LinearFields {
  d: number;
  outputs: number;
  coef: Float64Array;
  /** A number for a model fitted on a vector y, else Float64Array(outputs). */
  intercept: number | Float64Array;
  fitIntercept: boolean;
  stats: LinearStats;
}

/** Writes a model's members; E_SHAPE when the in-memory model is inconsistent (incomplete stats, wrong lengths). */
export function writeLinear(model: LinearFields, arrays: ArraysOut): JsonObject {
  const d = posInt(model.d, 'model.d');
  const m = posInt(model.outputs, 'model.outputs');
  const vector = typeof model.intercept === 'number';
  if (vector && m !== 1) throw shapeError(`model.intercept is a number but the model has ${m} outputs`);
  const st = stats(model.stats);
  const fitIntercept = bool(model.fitIntercept, 'model.fitIntercept');
  if (typeof st.method !== 'string') throw shapeError('model.stats.method is missing');
  if (!Number.isInteger(st.refinementSteps) || st.refinementSteps! < 0) throw shapeError('model.stats.refinementSteps must be a non-negative integer');
  /** A per-output statistic: a number (vector model) or Float64Array(m). */
  const perOutput = (key: 'rSquared' | 'residualSd' | 'interceptStdError' | 'interceptTValue'): JsonNum[] => {
    const v = st[key];
    if (!vector) return encodeArr(f64(v, m, `model.stats.${key}`));
    if (typeof v !== 'number') throw shapeError(`model.stats.${key} must be a number (model fitted on a vector y); is model.stats complete?`);
    return encodeArr(v);
  };
  return {
    d,
    outputs: m,
    vector,
    fitIntercept,
    ...arrays.put('coef', 'coef', [d, m], f64(model.coef, d * m, 'model.coef')),
    ...arrays.put('intercept', 'intercept', [m], vector ? Float64Array.of(model.intercept as number) : f64(model.intercept, m, 'model.intercept')),
    stats: {
      n: scalar(st.n, 'model.stats.n'),
      dof: scalar(st.dof, 'model.stats.dof'),
      rSquared: perOutput('rSquared'),
      residualSd: perOutput('residualSd'),
      ...arrays.put('stdErrors', 'std_errors', [d, m], f64(st.stdErrors, d * m, 'model.stats.stdErrors')),
      ...arrays.put('tValues', 't_values', [d, m], f64(st.tValues, d * m, 'model.stats.tValues')),
      interceptStdError: perOutput('interceptStdError'),
      interceptTValue: perOutput('interceptTValue'),
      condition: scalar(st.condition, 'model.stats.condition'),
      method: st.method,
      refinementSteps: st.refinementSteps,
      ...(st.privacy !== undefined ? { privacy: writePrivacy(st.privacy) } : {}),
    },
  };
}

/**
 * Reads and validates a model's members (`at` prefixes member names in
 * messages: "" for the model's own JSON, "model." in a .slim header);
 * E_FORMAT on anything a fit cannot have produced.
 */
export function readLinear(j: JsonObject, arrays: ArraysIn, at: string): LinearFields {
  const d = getInt(j.d, `${at}d`, 1);
  const m = getInt(j.outputs, `${at}outputs`, 1);
  const vector = getBool(j.vector, `${at}vector`);
  if (vector && m !== 1) throw formatError(`${at}vector is true but ${at}outputs is ${m}`);
  const fitIntercept = getBool(j.fitIntercept, `${at}fitIntercept`);
  const st = getObject(j.stats, `${at}stats`);
  const perOutput = (key: string): number | Float64Array => {
    const a = decodeArr(st[key], m, `${at}stats.${key}`);
    return vector ? a[0] : a;
  };
  const coef = finite(arrays.get(j, 'coef', 'coef', [d, m], `${at}coef`), `${at}coef`);
  const b0 = finite(arrays.get(j, 'intercept', 'intercept', [m], `${at}intercept`), `${at}intercept`);
  checkIntercept(b0, fitIntercept, at);
  const n = rowCount(st.n, `${at}stats.n`);
  const dof = decodeNum(st.dof, `${at}stats.dof`);
  if (!Number.isFinite(dof) || dof > n) throw formatError(`${at}stats.dof must be a finite number <= ${at}stats.n (${n}), got ${String(st.dof)}`);
  const condition = conditionNumber(st.condition, `${at}stats.condition`);
  const stats: LinearStats = {
    n,
    dof,
    rSquared: perOutput('rSquared'),
    residualSd: perOutput('residualSd'),
    stdErrors: arrays.get(st, 'stdErrors', 'std_errors', [d, m], `${at}stats.stdErrors`),
    tValues: arrays.get(st, 'tValues', 't_values', [d, m], `${at}stats.tValues`),
    interceptStdError: perOutput('interceptStdError'),
    interceptTValue: perOutput('interceptTValue'),
    condition,
    method: getEnum(st.method, `${at}stats.method`, LINEAR_METHODS),
    refinementSteps: getInt(st.refinementSteps, `${at}stats.refinementSteps`),
    ...(st.privacy !== undefined ? { privacy: readPrivacy(st.privacy, `${at}stats.privacy`) } : {}),
  };
  return { d, outputs: m, coef, intercept: vector ? b0[0] : b0, fitIntercept, stats };
}
