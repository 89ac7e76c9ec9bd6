/**
 * LogisticModel's serialised fields, their validation and their encoding:
 * the one definition behind LogisticModel.toJSON/fromJSON and the .slim
 * "logistic" kind (docs/FORMAT.md §1.6.2). The float64 arrays travel through
 * ArraysOut/ArraysIn; the intercept is a bare JSON number in the model's own
 * JSON and a one-element tensor in .slim.
 */
import type { LogisticStats } from '../fit/logistic-model.js';
import { decodeNum, getBool, getEnum, getInt, getObject, type JsonNum, type JsonObject } from '../json.js';
import { bool, checkIntercept, conditionNumber, f64, finite, posInt, rowCount, scalar, shapeError, stats, type ArraysIn, type ArraysOut } from './fields.js';
import { readPrivacy, writePrivacy } from './privacy-schema.js';

/** The statistics stored as one JSON number each, in this order. */
const SCALARS = ['n', 'iterations', 'logLikelihood', 'deviance', 'nullDeviance', 'aic', 'interceptStdError', 'interceptZValue', 'condition'] as const;

/** A logistic model's data (what LogisticModel's constructor takes). */
export interface LogisticFields {
  d: number;
  coef: Float64Array;
  intercept: number;
  fitIntercept: boolean;
  stats: LogisticStats;
}

/** Writes a model's members; E_SHAPE when the in-memory model is inconsistent. */
export function writeLogistic(model: LogisticFields, arrays: ArraysOut): JsonObject {
  const d = posInt(model.d, 'model.d');
  const st = stats(model.stats);
  if (typeof model.intercept !== 'number') throw shapeError('model.intercept must be a number');
  const fitIntercept = bool(model.fitIntercept, 'model.fitIntercept');
  const converged = bool(st.converged, 'model.stats.converged');
  const scal = {} as Record<(typeof SCALARS)[number], JsonNum>;
  for (const k of SCALARS) scal[k] = scalar(st[k], `model.stats.${k}`);
  return {
    d,
    fitIntercept,
    ...arrays.put('coef', 'coef', [d], f64(model.coef, d, 'model.coef')),
    ...arrays.put('intercept', 'intercept', [1], Float64Array.of(model.intercept), { scalar: true }),
    stats: {
      ...scal,
      ...arrays.put('stdErrors', 'std_errors', [d], f64(st.stdErrors, d, 'model.stats.stdErrors')),
      ...arrays.put('zValues', 'z_values', [d], f64(st.zValues, d, 'model.stats.zValues')),
      converged,
      method: 'irls',
      ...(st.privacy !== undefined ? { privacy: writePrivacy(st.privacy) } : {}),
    },
  };
}

/** Reads and validates a model's members (`at` as in readLinear); E_FORMAT on anything a fit cannot have produced. */
export function readLogistic(j: JsonObject, arrays: ArraysIn, at: string): LogisticFields {
  const d = getInt(j.d, `${at}d`, 1);
  const fitIntercept = getBool(j.fitIntercept, `${at}fitIntercept`);
  const st = getObject(j.stats, `${at}stats`);
  const scal = {} as Record<(typeof SCALARS)[number], number>;
  for (const k of SCALARS) scal[k] = decodeNum(st[k], `${at}stats.${k}`);
  rowCount(st.n, `${at}stats.n`);
  getInt(scal.iterations, `${at}stats.iterations`);
  conditionNumber(st.condition, `${at}stats.condition`);
  const converged = getBool(st.converged, `${at}stats.converged`);
  const method = getEnum(st.method, `${at}stats.method`, ['irls'] as const);
  const coef = finite(arrays.get(j, 'coef', 'coef', [d], `${at}coef`), `${at}coef`);
  const b0 = finite(arrays.get(j, 'intercept', 'intercept', [1], `${at}intercept`, { scalar: true }), `${at}intercept`);
  checkIntercept(b0, fitIntercept, at);
  const stdErrors = arrays.get(st, 'stdErrors', 'std_errors', [d], `${at}stats.stdErrors`);
  const zValues = arrays.get(st, 'zValues', 'z_values', [d], `${at}stats.zValues`);
  const privacy = st.privacy !== undefined ? { privacy: readPrivacy(st.privacy, `${at}stats.privacy`) } : {};
  return { d, coef, intercept: b0[0], fitIntercept, stats: { ...scal, stdErrors, zValues, converged, method, ...privacy } };
}
