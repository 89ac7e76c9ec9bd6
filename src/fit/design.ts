/**
 * Design-matrix and response inputs for the fitting functions.
 *
 * A design may carry an optional low-order part `lo` (same layout as `data`):
 * the exact design is then data + lo elementwise. That is how entries that are
 * not representable in float64 (raw polynomial powers x^k) reach the accurate
 * path without being rounded first — rounding x^10 to float64 alone perturbs
 * NIST Filip's solution in its 8th digit. The fast path reads `data` only; the
 * refinement and double-double paths read both. See `polynomialDesign`.
 */
import { SlimfitError } from '../errors.js';
import type { Matrix } from '../types.js';
import { assertFinite, assertOption, toMatrix, toVector, type MatrixInput } from '../validate.js';
import { SPLITTER } from './dd.js';

/** A row-major matrix with an optional low-order part: exact value = data[i] + lo[i]. */
export interface DesignMatrix extends Matrix {
  lo?: Float64Array;
}

export type DesignInput = MatrixInput | DesignMatrix;

export interface Design {
  X: Matrix;
  /** Low-order part, or undefined when the design is exactly `X.data`. */
  lo: Float64Array | undefined;
}

/**
 * Validates a design (shape, finiteness, `lo` shape) without copying typed
 * input. `deferFinite`: skip the finiteness scan of `data` because the caller
 * scans every value anyway (summarize() then reports the first bad index).
 */
export function toDesign(x: DesignInput, what = 'X', opts: { allowEmpty?: boolean; deferFinite?: boolean } = {}): Design {
  const X = toMatrix(x as MatrixInput, what, { allowEmpty: opts.allowEmpty ?? false, skipFiniteCheck: opts.deferFinite ?? false });
  const l = (x as DesignMatrix).lo;
  if (l === undefined || l === null) return { X, lo: undefined };
  if (!(l instanceof Float64Array) || l.length !== X.data.length) {
    throw new SlimfitError('E_SHAPE', `${what}.lo must be a Float64Array of ${X.data.length} values (same layout as ${what}.data)`);
  }
  assertFinite(l, `${what}.lo`, X.cols);
  return { X, lo: l };
}

export interface Response {
  /** n*m row-major. */
  Y: Float64Array;
  m: number;
  /** true when the caller passed a vector (single output). */
  vector: boolean;
}

/** A typed array, or a plain array whose first element is not a row (toVector then checks every element). */
function isVectorLike(y: unknown): y is ArrayLike<number> {
  if (ArrayBuffer.isView(y)) return true;
  return Array.isArray(y) && (y.length === 0 || !Array.isArray(y[0]));
}

/** y as a vector (n) or an n*m matrix (multi-output). */
export function toResponse(y: ArrayLike<number> | MatrixInput, n: number, what = 'y'): Response {
  if (isVectorLike(y)) return { Y: toVector(y, what, n), m: 1, vector: true };
  const M = toMatrix(y as MatrixInput, what, { allowEmpty: n === 0 });
  if (M.rows !== n) throw new SlimfitError('E_SHAPE', `${what} has ${M.rows} rows but X has ${n}; give one response row per X row`);
  return { Y: M.data, m: M.cols, vector: false };
}

/**
 * The raw-power design [x, x^2, ..., x^degree] (no constant column: fit it with
 * `intercept: true`), with every power carried in double-double (data + lo,
 * relative error < 1e-30), so the accurate path fits the exact polynomial
 * instead of one whose columns were rounded to float64. |x| must be below
 * about 2^(996/degree) so the split used for exact products cannot overflow.
 */
export function polynomialDesign(x: ArrayLike<number>, degree: number): DesignMatrix {
  assertOption(degree, 'degree', 1, 64, { integer: true });
  const xs = toVector(x, 'x');
  const n = xs.length;
  if (n === 0) throw new SlimfitError('E_SHAPE', 'x is empty; it needs at least one value');
  const data = new Float64Array(n * degree);
  const low = new Float64Array(n * degree);
  for (let i = 0; i < n; i++) {
    const v = xs[i];
    let t = SPLITTER * v;
    const vh = t - (t - v);
    const vl = v - vh;
    let ph = v;
    let pl = 0;
    data[i * degree] = v;
    for (let k = 1; k < degree; k++) {
      // (ph + pl) * v in DD: exact twoProd(ph, v) + pl * v
      const p = ph * v;
      t = SPLITTER * ph;
      const ah = t - (t - ph);
      const al = ph - ah;
      const e = ah * vh - p + ah * vl + al * vh + al * vl + pl * v;
      ph = p + e;
      pl = e - (ph - p);
      data[i * degree + k] = ph;
      low[i * degree + k] = pl;
    }
  }
  return { rows: n, cols: degree, data, lo: low };
}
