/**
 * What the model schemas are written against. A fitted model has two
 * serialised forms — its own JSON (toJSON/fromJSON) and a .slim model kind —
 * and they differ in one thing only: where the float64 arrays go. The JSON
 * form writes them inline as JSON numbers; the .slim form writes them as F64
 * tensors and leaves them out of the header. A schema says, for each array,
 * its JSON key, its tensor name and its shape, and the form decides; so both
 * forms come from one definition of the fields, with one validation.
 *
 * Also the field checks the schemas share: the writers' (E_SHAPE: the
 * in-memory model is inconsistent) and the readers' (E_FORMAT).
 */
import { SlimfitError } from '../errors.js';
import { decodeArr, decodeNum, encodeArr, encodeNum, formatError, type JsonNum, type JsonObject } from '../json.js';
import type { NumericArray } from '../io/binary.js';
import type { SlimDtype } from '../io/slim-header.js';

/** Where a schema's writer puts a float64 array. */
export interface ArraysOut {
  /**
   * Stores `data` (shape `shape`); returns the members to spread into the
   * JSON object at this point — `{ [key]: numbers }` inline, `{}` when the
   * array went elsewhere. `scalar`: one value, written inline as a bare number.
   */
  put(key: string, tensor: string, shape: number[], data: Float64Array, opts?: { scalar?: boolean }): JsonObject;
}

/** Where a schema's reader finds a float64 array: `obj[key]` inline, or a tensor. `what` names it in errors. */
export interface ArraysIn {
  get(obj: JsonObject, key: string, tensor: string, shape: number[], what: string, opts?: { scalar?: boolean }): Float64Array;
}

/** The JSON form: arrays inline, as JSON numbers. */
export const INLINE_ARRAYS: ArraysOut & ArraysIn = {
  put: (key, _tensor, _shape, data, opts) => ({ [key]: opts?.scalar ? encodeNum(data[0]) : encodeArr(data) }),
  get: (obj, key, _tensor, shape, what, opts) =>
    opts?.scalar ? Float64Array.of(decodeNum(obj[key], what)) : decodeArr(obj[key], shape.reduce((a, b) => a * b, 1), what),
};

/** Tensors a writer adds (a .slim file's data section). */
export interface TensorSink {
  add(name: string, dtype: SlimDtype, shape: number[], data: NumericArray): void;
}

/** Tensors a reader takes, checked for dtype and shape (a .slim file's table). */
export interface TensorSource {
  take(name: string, dtypes: readonly SlimDtype[], shape: readonly number[]): NumericArray;
}

/** The .slim form: float64 arrays as F64 tensors, absent from the JSON. */
export function arraysToTensors(sink: TensorSink): ArraysOut {
  return {
    put: (_key, tensor, shape, data) => {
      sink.add(tensor, 'F64', shape, data);
      return {};
    },
  };
}

export function arraysFromTensors(source: TensorSource): ArraysIn {
  return { get: (_obj, _key, tensor, shape) => source.take(tensor, ['F64'], shape) as Float64Array };
}

// ---------------------------------------------------------------- writers' checks (E_SHAPE)

export function shapeError(message: string): SlimfitError {
  return new SlimfitError('E_SHAPE', message);
}

export function posInt(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw shapeError(`${what} must be a positive integer, got ${String(v)}`);
  return v;
}

export function f64(v: unknown, length: number, what: string): Float64Array {
  if (!(v instanceof Float64Array) || v.length !== length) throw shapeError(`${what} must be a Float64Array of ${length} values`);
  return v;
}

export function bool(v: unknown, what: string): boolean {
  if (typeof v !== 'boolean') throw shapeError(`${what} must be a boolean`);
  return v;
}

export function stats<T>(v: T | undefined): Partial<T> {
  if (typeof v !== 'object' || v === null) throw shapeError('model.stats is missing');
  return v;
}

export function scalar(v: unknown, what: string): JsonNum {
  if (typeof v !== 'number') throw shapeError(`${what} must be a number; is model.stats complete?`);
  return encodeNum(v);
}

// ---------------------------------------------------------------- readers' checks (E_FORMAT)

/** For values a fit always leaves finite (coefficients, intercepts). */
export function finite(a: Float64Array, what: string): Float64Array {
  const i = a.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) throw formatError(`${what}[${i}] is ${a[i]}; a fitted model's coefficients and intercept are always finite`);
  return a;
}

/** A model fitted without an intercept has intercept 0. */
export function checkIntercept(b0: Float64Array, fitIntercept: boolean, at: string): void {
  if (!fitIntercept && b0.some((v) => v !== 0)) {
    throw formatError(`${at}intercept is ${Array.from(b0).join(', ')} but ${at}fitIntercept is false; a model fitted without an intercept has intercept 0`);
  }
}

/** stats.n: the rows with positive weight, an integer >= 1. */
export function rowCount(v: unknown, what: string): number {
  const n = decodeNum(v, what);
  if (!Number.isInteger(n) || n < 1) throw formatError(`${what} (rows with positive weight) must be an integer >= 1, got ${String(v)}`);
  return n;
}

/** stats.condition: a condition number, never negative. */
export function conditionNumber(v: unknown, what: string): number {
  const c = decodeNum(v, what);
  if (c < 0) throw formatError(`${what} is a condition number and cannot be negative, got ${String(v)}`);
  return c;
}
