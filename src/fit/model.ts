/**
 * A fitted linear model: y ≈ intercept + X coef. Plain data, independent of
 * the engine that fitted it: predict() runs in plain float64 JS, and
 * toJSON()/fromJSON() round-trip every number bit-exactly (non-finite values
 * and -0 travel as strings).
 */
import { SlimfitError } from '../errors.js';
import { toMatrix, type MatrixInput } from '../validate.js';
import type { LinearMethod, LinearStats } from './stats.js';

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

/** A JSON number, or a string for NaN / ±Infinity / -0. */
export type JsonNum = number | string;

export function encodeNum(v: number): JsonNum {
  if (Object.is(v, -0)) return '-0';
  return Number.isFinite(v) ? v : String(v);
}

export function decodeNum(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === '-0') return -0;
  if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
  throw new SlimfitError('E_FORMAT', `${what} is not a number (${JSON.stringify(v)})`);
}

export function encodeArr(a: ArrayLike<number> | number): JsonNum[] {
  if (typeof a === 'number') return [encodeNum(a)];
  return Array.from(a, encodeNum);
}

export function decodeArr(v: unknown, len: number, what: string): Float64Array {
  if (!Array.isArray(v) || v.length !== len) throw new SlimfitError('E_FORMAT', `${what} must be an array of ${len} numbers`);
  return Float64Array.from(v, (x, i) => decodeNum(x, `${what}[${i}]`));
}

/** decodeArr for values a fit always leaves finite (coefficients, intercepts): E_FORMAT on NaN/±Infinity. */
export function decodeFiniteArr(v: unknown, len: number, what: string): Float64Array {
  const a = decodeArr(v, len, what);
  const i = a.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) throw new SlimfitError('E_FORMAT', `${what}[${i}] is ${a[i]}; a fitted model's coefficients and intercept are always finite`);
  return a;
}

/** E_FORMAT unless v is a boolean (JSON true/false, not "false" or 0). */
export function decodeBool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw new SlimfitError('E_FORMAT', `${what} must be true or false, got ${JSON.stringify(v) ?? String(v)}`);
  return v;
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
        let t = b0[k] as number;
        for (let j = 0; j < d; j++) t += (data[i * d + j] as number) * (b[j * m + k] as number);
        out[i * m + k] = t;
      }
    }
    return out;
  }

  toJSON(): LinearModelJSON {
    const st = this.stats;
    return {
      format: 'slimfit.linear',
      version: 1,
      d: this.d,
      outputs: this.outputs,
      vector: typeof this.intercept === 'number',
      fitIntercept: this.fitIntercept,
      coef: encodeArr(this.coef),
      intercept: encodeArr(this.intercept),
      stats: {
        n: encodeNum(st.n),
        dof: encodeNum(st.dof),
        rSquared: encodeArr(st.rSquared),
        residualSd: encodeArr(st.residualSd),
        stdErrors: encodeArr(st.stdErrors),
        tValues: encodeArr(st.tValues),
        interceptStdError: encodeArr(st.interceptStdError),
        interceptTValue: encodeArr(st.interceptTValue),
        condition: encodeNum(st.condition),
        method: st.method,
        refinementSteps: st.refinementSteps,
      },
    };
  }

  /** Rebuilds a model from toJSON() output (or its JSON string); E_FORMAT on anything malformed. */
  static fromJSON(json: LinearModelJSON | string): LinearModel {
    let j: LinearModelJSON;
    try {
      j = typeof json === 'string' ? (JSON.parse(json) as LinearModelJSON) : json;
    } catch (e) {
      throw new SlimfitError('E_FORMAT', `model JSON does not parse: ${(e as Error).message}`);
    }
    if (!j || typeof j !== 'object' || j.format !== 'slimfit.linear' || j.version !== 1) {
      throw new SlimfitError('E_FORMAT', 'not a slimfit linear model (expected format "slimfit.linear", version 1)');
    }
    const { d, outputs: m } = j;
    if (!Number.isInteger(d) || d < 1 || !Number.isInteger(m) || m < 1 || typeof j.vector !== 'boolean' || (j.vector && m !== 1)) {
      throw new SlimfitError('E_FORMAT', `bad model dimensions (d = ${d}, outputs = ${m})`);
    }
    const fitIntercept = decodeBool(j.fitIntercept, 'fitIntercept');
    const st = j.stats;
    if (!st || typeof st !== 'object') throw new SlimfitError('E_FORMAT', 'model JSON has no stats');
    const methods: LinearMethod[] = ['cholesky', 'cholesky+refine', 'dd-cholesky+refine', 'dd-cholesky'];
    if (!methods.includes(st.method)) throw new SlimfitError('E_FORMAT', `unknown method ${JSON.stringify(st.method)}`);
    const one = (v: unknown, what: string): number | Float64Array => {
      const a = decodeArr(v, m, what);
      return j.vector ? (a[0] as number) : a;
    };
    const coef = decodeFiniteArr(j.coef, d * m, 'coef');
    const b0 = decodeFiniteArr(j.intercept, m, 'intercept');
    if (!fitIntercept && b0.some((v) => v !== 0)) {
      throw new SlimfitError('E_FORMAT', `intercept is ${Array.from(b0).join(', ')} but fitIntercept is false; a model fitted without an intercept has intercept 0`);
    }
    const n = decodeNum(st.n, 'stats.n');
    if (!Number.isInteger(n) || n < 1) throw new SlimfitError('E_FORMAT', `stats.n (rows with positive weight) must be an integer >= 1, got ${String(st.n)}`);
    const dof = decodeNum(st.dof, 'stats.dof');
    if (!Number.isFinite(dof) || dof > n) throw new SlimfitError('E_FORMAT', `stats.dof must be a finite number <= stats.n (${n}), got ${String(st.dof)}`);
    const condition = decodeNum(st.condition, 'stats.condition');
    if (condition < 0) throw new SlimfitError('E_FORMAT', `stats.condition is a condition number and cannot be negative, got ${String(st.condition)}`);
    if (typeof st.refinementSteps !== 'number' || !Number.isInteger(st.refinementSteps) || st.refinementSteps < 0) {
      throw new SlimfitError('E_FORMAT', `stats.refinementSteps must be a non-negative integer, got ${JSON.stringify(st.refinementSteps)}`);
    }
    const stats: LinearStats = {
      n,
      dof,
      rSquared: one(st.rSquared, 'stats.rSquared'),
      residualSd: one(st.residualSd, 'stats.residualSd'),
      stdErrors: decodeArr(st.stdErrors, d * m, 'stats.stdErrors'),
      tValues: decodeArr(st.tValues, d * m, 'stats.tValues'),
      interceptStdError: one(st.interceptStdError, 'stats.interceptStdError'),
      interceptTValue: one(st.interceptTValue, 'stats.interceptTValue'),
      condition,
      method: st.method,
      refinementSteps: st.refinementSteps,
    };
    return new LinearModel({ d, outputs: m, coef, intercept: j.vector ? (b0[0] as number) : b0, fitIntercept, stats });
  }
}
