/**
 * The checks a model passed to compressModel, compressionReport or
 * calibrationHessian gets before any field is read: a fitted LinearModel,
 * LogisticModel or a plain object with the same fields (LinearModelLike).
 */
import { SlimfitError } from '../errors.js';
import { assertFinite, describeValue } from '../validate.js';
import type { LinearModelLike } from './model.js';

/** Throws E_SHAPE for a missing or mis-shaped field, E_NONFINITE for a NaN/±Infinity coefficient or intercept. */
export function checkModelLike(model: unknown, what = 'model'): asserts model is LinearModelLike {
  if (typeof model !== 'object' || model === null) {
    throw new SlimfitError('E_SHAPE', `${what} must be a fitted LinearModel or LogisticModel (or { d, outputs?, coef, intercept, fitIntercept }), got ${describeValue(model)}`);
  }
  const o = model as Record<string, unknown>;
  const d = o.d;
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) throw new SlimfitError('E_SHAPE', `${what}.d must be a positive integer (the number of input columns), got ${describeValue(d)}`);
  const m = o.outputs === undefined ? 1 : o.outputs;
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 1) throw new SlimfitError('E_SHAPE', `${what}.outputs must be a positive integer, got ${describeValue(m)}`);
  if (!(o.coef instanceof Float64Array)) throw new SlimfitError('E_SHAPE', `${what}.coef must be a Float64Array of d * outputs = ${d * m} values, got ${describeValue(o.coef)}`);
  if (o.coef.length !== d * m) throw new SlimfitError('E_SHAPE', `${what}.coef has ${o.coef.length} values, expected d * outputs = ${d * m}`);
  assertFinite(o.coef, `${what}.coef`);
  const b = o.intercept;
  if (typeof b === 'number') {
    if (m !== 1) throw new SlimfitError('E_SHAPE', `${what}.intercept is one number but the model has ${m} outputs; give a Float64Array of ${m}`);
    if (!Number.isFinite(b)) throw new SlimfitError('E_NONFINITE', `${what}.intercept is ${b}; it must be finite`);
  } else if (b instanceof Float64Array) {
    if (b.length !== m) throw new SlimfitError('E_SHAPE', `${what}.intercept has ${b.length} values but the model has ${m} output(s)`);
    assertFinite(b, `${what}.intercept`);
  } else {
    throw new SlimfitError('E_SHAPE', `${what}.intercept must be a number (one output) or a Float64Array of ${m}, got ${describeValue(b)}`);
  }
  if (typeof o.fitIntercept !== 'boolean') throw new SlimfitError('E_SHAPE', `${what}.fitIntercept must be true or false, got ${describeValue(o.fitIntercept)}`);
}
