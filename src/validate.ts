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

/** Throws E_NONFINITE naming the first NaN/±Infinity in `a`. */
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
    const cols = rows > 0 ? (x[0] as readonly number[]).length : 0;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const r = x[i] as readonly number[];
      if (!Array.isArray(r) || r.length !== cols) {
        throw new SlimfitError('E_SHAPE', `${what} is ragged: row 0 has ${cols} values but row ${i} has ${Array.isArray(r) ? r.length : 'none'}`, {
          row: i,
        });
      }
      for (let j = 0; j < cols; j++) data[i * cols + j] = r[j] as number;
    }
    m = { rows, cols, data };
  } else {
    throw new SlimfitError('E_SHAPE', `${what} must be number[][] or { rows, cols, data: Float64Array }`);
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
    throw new SlimfitError('E_SHAPE', `${what} must be an array of numbers`);
  }
  if (expectedLength !== undefined && v.length !== expectedLength) {
    throw new SlimfitError('E_SHAPE', `${what} has length ${v.length} but ${expectedLength} was expected`);
  }
  const out = v instanceof Float64Array ? v : Float64Array.from(v);
  assertFinite(out, what);
  return out;
}

/** Validates per-row weights: finite, >= 0, not all zero. */
export function toWeights(w: ArrayLike<number>, n: number, what = 'weights'): Float64Array {
  const out = toVector(w, what, n);
  let any = false;
  for (let i = 0; i < out.length; i++) {
    const v = out[i] as number;
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
