/**
 * A fitted linear model: y ≈ intercept + X coef. Plain data, independent of
 * the engine that fitted it: predict() runs in plain float64 JS, and
 * toJSON()/fromJSON() round-trip every number bit-exactly (non-finite values
 * and -0 travel as strings). The fields, their checks and their encoding are
 * src/models/linear-schema.ts, shared with the .slim "linear" kind.
 */
import { SlimfitError } from '../errors.js';
import { formatError, isPlainObject, parseJson, type JsonNum } from '../json.js';
import { INLINE_ARRAYS } from '../models/fields.js';
import { readLinear, writeLinear } from '../models/linear-schema.js';
import { toMatrix, type MatrixInput } from '../validate.js';
import type { LinearMethod, LinearStats } from './stats.js';

export type { JsonNum };

export interface LinearModelJSON {
  format: 'slimfit.linear';
  version: 1;
  d: number;
  outputs: number;
  /** true when fitted from a vector y (scalar intercept and statistics). */
  vector: boolean;
  fitIntercept: boolean;
  coef: JsonNum[];
  intercept: JsonNum[];
  stats: {
    n: JsonNum;
    dof: JsonNum;
    rSquared: JsonNum[];
    residualSd: JsonNum[];
    stdErrors: JsonNum[];
    tValues: JsonNum[];
    interceptStdError: JsonNum[];
    interceptTValue: JsonNum[];
    condition: JsonNum;
    method: LinearMethod;
    refinementSteps: number;
  };
}

/** y ≈ intercept + X coef; S is number (vector y) or Float64Array (matrix y). */
export class LinearModel<S extends number | Float64Array = number | Float64Array> {
  /** Number of X columns. */
  readonly d: number;
  /** Number of outputs m (1 for a vector y). */
  readonly outputs: number;
  /** Coefficients, d (vector y) or d*m row-major (coef[j*m + k]: column j, output k). */
  readonly coef: Float64Array;
  /** The intercept (0 when fitted without one); a Float64Array(m) for a matrix y. */
  readonly intercept: S;
  readonly fitIntercept: boolean;
  readonly stats: LinearStats<S>;

  constructor(init: { d: number; outputs: number; coef: Float64Array; intercept: S; fitIntercept: boolean; stats: LinearStats<S> }) {
    this.d = init.d;
    this.outputs = init.outputs;
    this.coef = init.coef;
    this.intercept = init.intercept;
    this.fitIntercept = init.fitIntercept;
    this.stats = init.stats;
  }

  /** Predictions for X (n x d): n values, or n*m row-major for multi-output. */
  predict(X: MatrixInput): Float64Array {
    const M = toMatrix(X, 'X', { allowEmpty: true });
    if (M.cols !== this.d && M.rows > 0) {
      throw new SlimfitError('E_SHAPE', `X has ${M.cols} columns but the model was fitted on ${this.d}`);
    }
    const { rows: n, data } = M;
    const d = this.d;
    const m = this.outputs;
    const b = this.coef;
    const b0 = typeof this.intercept === 'number' ? Float64Array.of(this.intercept) : (this.intercept as Float64Array);
    const out = new Float64Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < m; k++) {
        let t = b0[k];
        for (let j = 0; j < d; j++) t += data[i * d + j] * b[j * m + k];
        out[i * m + k] = t;
      }
    }
    return out;
  }

  /** E_SHAPE when the model is inconsistent (e.g. built by hand with incomplete stats). */
  toJSON(): LinearModelJSON {
    return { format: 'slimfit.linear', version: 1, ...writeLinear(this, INLINE_ARRAYS) } as unknown as LinearModelJSON;
  }

  /** Rebuilds a model from toJSON() output (or its JSON string); E_FORMAT on anything malformed. */
  static fromJSON(json: LinearModelJSON | string): LinearModel {
    const j = typeof json === 'string' ? parseJson(json, 'model JSON') : json;
    if (!isPlainObject(j) || j.format !== 'slimfit.linear' || j.version !== 1) {
      throw formatError('not a slimfit linear model (expected format "slimfit.linear", version 1)');
    }
    return new LinearModel(readLinear(j, INLINE_ARRAYS, ''));
  }
}
