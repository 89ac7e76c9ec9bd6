/**
 * Input validation shared by every public entry point. Everything is checked
 * before any byte touches linear memory, and every failure is a SlimfitError
 * whose message names the argument and the first offending index.
 */
import { SlimfitError } from './errors.js';
import type { Matrix } from './types.js';

/** A matrix as users hand it over: row-major typed storage or nested arrays. */
export type MatrixInput = Matrix | readonly (readonly number[])[];

function isMatrix(x: unknown): x is Matrix {
  return typeof x === 'object' && x !== null && 'data' in x && 'rows' in x && 'cols' in x;
}

/**
 * Throws unless `a` holds numbers: E_SHAPE for something without a length, a
 * BigInt typed array or a DataView; for a plain array, E_SHAPE for a nested
 * array and E_NONFINITE for any other element that is not a number (null,
 * "2", true), which Float64Array.from would silently turn into 0, 2 and 1.
 * Number typed arrays pass in constant time.
 */
export function assertNumbers(a: unknown, what: string): asserts a is ArrayLike<number> {
  if (a === null || typeof a !== 'object' || typeof (a as ArrayLike<unknown>).length !== 'number') {
    throw new SlimfitError('E_SHAPE', `${what} must be an array of numbers, got ${describeValue(a)}`);
  }
  if (ArrayBuffer.isView(a)) {
    if (a instanceof BigInt64Array || a instanceof BigUint64Array || a instanceof DataView) {
      throw new SlimfitError('E_SHAPE', `${what} must be an array of numbers or a number typed array (Float64Array, Float32Array, ...), got ${describeValue(a)}; convert BigInts with Float64Array.from(${what}, Number) if they are exact`);
    }
    return;
  }
  const v = a as ArrayLike<unknown>;
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number') {
      if (Array.isArray(x)) throw new SlimfitError('E_SHAPE', `${what}[${i}] is an array; ${what} must be a flat array of numbers`, { index: i });
      notANumber(x, `${what}[${i}]`);
    }
  }
}

/** Throws E_NONFINITE naming the first NaN/±Infinity in `a`, which must hold numbers (a plain array from a user: assertNumbers first). */
export function assertFinite(a: ArrayLike<number>, what: string, cols?: number): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    // v - v is 0 for finite v and NaN for NaN/±Infinity: one test for both.
    if (v - v !== 0) {
      const where = cols ? `row ${Math.floor(i / cols)}, column ${i % cols}` : `index ${i}`;
      throw new SlimfitError('E_NONFINITE', `${what} has a non-finite value (${v}) at ${where}; remove or impute it first`, {
        index: i,
      });
    }
  }
}

/**
 * A short description of a bad value for messages: `null`, `undefined`,
 * `"1" (a string)`, `number 3`, `boolean true`, `an array of 2`, `an object`,
 * `[object Map]`. The one description every message uses, for arguments and
 * for parsed JSON alike (src/json.ts says "nothing" for a missing member).
 */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)} (a string)`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  const proto: unknown = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (proto === Object.prototype || proto === null) return 'an object';
  return Object.prototype.toString.call(v);
}

/**
 * An options argument: undefined and null both mean "all defaults" ({});
 * anything else that is not a plain object (a number, string, array) is E_RANGE.
 */
export function toOptions<T extends object>(o: T | null | undefined, what = 'options'): T {
  if (o === undefined || o === null) return {} as T;
  if (typeof o !== 'object' || Array.isArray(o)) {
    throw new SlimfitError('E_RANGE', `${what} must be an object such as { ridge: 0.1 } (or omitted), got ${describeValue(o)}`);
  }
  return o;
}

/** Throws E_NONFINITE for an element of a plain array that is not a number (null, a string, ...). */
function notANumber(v: unknown, where: string): never {
  throw new SlimfitError('E_NONFINITE', `${where} is ${describeValue(v)}, not a number; every value must be a finite number`);
}

function assertCount(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 0) throw new SlimfitError('E_SHAPE', `${what} must be a non-negative integer, got ${v}`);
}

/**
 * Normalises a matrix argument to a row-major Float64 `Matrix`, validating
 * shape and (unless the caller checks it later, in linear memory) finiteness. A `Matrix` whose data is already a Float64Array is
 * returned as is (no copy); nested arrays are copied once.
 */
export function toMatrix(x: MatrixInput, what: string, opts: { allowEmpty?: boolean; skipFiniteCheck?: boolean } = {}): Matrix {
  let m: Matrix;
  if (isMatrix(x)) {
    assertCount(x.rows, `${what}.rows`);
    assertCount(x.cols, `${what}.cols`);
    if (!(x.data instanceof Float64Array)) {
      throw new SlimfitError('E_SHAPE', `${what}.data must be a Float64Array (row-major), got ${Object.prototype.toString.call(x.data)}`);
    }
    if (x.data.length !== x.rows * x.cols) {
      throw new SlimfitError('E_SHAPE', `${what}.data has ${x.data.length} values but rows*cols = ${x.rows}*${x.cols} = ${x.rows * x.cols}`);
    }
    m = x;
  } else if (Array.isArray(x)) {
    const rows = x.length;
    const first: unknown = x[0];
    if (rows > 0 && !Array.isArray(first)) {
      const hint =
        typeof first === 'number'
          ? ` (it looks like a flat list of values; for one column wrap each value in its own row: [[${x
              .slice(0, 3)
              .map((v) => String(v))
              .join('], [')}]${rows > 3 ? ', ...' : ''}])`
          : '';
      throw new SlimfitError(
        'E_SHAPE',
        `${what} must be a matrix — { rows, cols, data: Float64Array } or number[][] (an array of rows) — but ${what}[0] is ${describeValue(first)}${hint}`,
        { row: 0 },
      );
    }
    const cols = rows > 0 ? (first as readonly number[]).length : 0;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const r: unknown = x[i];
      if (!Array.isArray(r)) {
        throw new SlimfitError('E_SHAPE', `${what}[${i}] is ${describeValue(r)}; every row of ${what} must be an array of ${cols} number(s)`, { row: i });
      }
      if (r.length !== cols) {
        throw new SlimfitError('E_SHAPE', `${what} is ragged: row 0 has ${cols} values but row ${i} has ${r.length}; every row needs the same number of columns`, {
          row: i,
        });
      }
      for (let j = 0; j < cols; j++) {
        const v: unknown = r[j];
        if (typeof v !== 'number') notANumber(v, `${what}[${i}][${j}]`);
        data[i * cols + j] = v;
      }
    }
    m = { rows, cols, data };
  } else {
    throw new SlimfitError('E_SHAPE', `${what} must be a matrix — { rows, cols, data: Float64Array } or number[][] (an array of rows) — got ${describeValue(x)}`);
  }
  if (!opts.allowEmpty && (m.rows === 0 || m.cols === 0)) {
    throw new SlimfitError('E_SHAPE', `${what} is empty (${m.rows} x ${m.cols}); it needs at least one row and one column`);
  }
  // Engine paths check finiteness in linear memory with a SIMD kernel instead.
  if (!opts.skipFiniteCheck) assertFinite(m.data, what, m.cols);
  return m;
}

/** A vector argument as Float64Array (copied only if it is not one already). */
export function toVector(v: ArrayLike<number>, what: string, expectedLength?: number): Float64Array {
  if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') {
    throw new SlimfitError('E_SHAPE', `${what} must be an array of numbers, got ${describeValue(v)}`);
  }
  if (expectedLength !== undefined && v.length !== expectedLength) {
    throw new SlimfitError('E_SHAPE', `${what} has length ${v.length} but ${expectedLength} was expected`);
  }
  assertNumbers(v, what);
  const out = v instanceof Float64Array ? v : Float64Array.from(v);
  assertFinite(out, what);
  return out;
}

/** Validates per-row weights: finite, >= 0, not all zero. */
export function toWeights(w: ArrayLike<number>, n: number, what = 'weights'): Float64Array {
  const out = toVector(w, what, n);
  let any = false;
  for (let i = 0; i < out.length; i++) {
    const v = out[i];
    if (v < 0) throw new SlimfitError('E_RANGE', `${what}[${i}] is negative (${v}); weights must be >= 0`, { index: i });
    if (v > 0) any = true;
  }
  if (n > 0 && !any) throw new SlimfitError('E_RANGE', `${what} are all zero; at least one row needs a positive weight`);
  return out;
}

/** Checks a numeric option lies in [lo, hi] (inclusive unless stated) and is finite. */
export function assertOption(
  value: number,
  name: string,
  lo: number,
  hi: number,
  opts: { integer?: boolean; loOpen?: boolean; hiOpen?: boolean } = {},
): void {
  const bad =
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (opts.integer && !Number.isInteger(value)) ||
    (opts.loOpen ? value <= lo : value < lo) ||
    (opts.hiOpen ? value >= hi : value > hi);
  if (bad) {
    const range = `${opts.loOpen ? '(' : '['}${lo}, ${hi}${opts.hiOpen ? ')' : ']'}`;
    throw new SlimfitError('E_RANGE', `${name} must be ${opts.integer ? 'an integer ' : ''}in ${range}, got ${String(value)}`);
  }
}
