/**
 * One O(n*d) pass over the data (la.columnStats: a SIMD kernel on the engine):
 * positive-weight row count, weight sum, centring constants, power-of-two
 * column scales, constant-column detection, and (for callers that deferred
 * it) the finiteness check of X's scanned rows.
 *
 * The centring constants are the weighted column means rounded to float64;
 * they need not be exact: every later step either works "about mu" or (the
 * accurate paths) forms x - mu exactly in double-double. Scales are powers of
 * two (exact to apply and undo) of the order of each column's range, so that
 * squares neither overflow nor underflow.
 */
import type { LinAlg } from '../ops/linalg.js';
import type { Matrix } from '../types.js';
import { assertFinite } from '../validate.js';
import { pow2Near } from './dd.js';

export interface ColumnSummary {
  /** Rows with positive weight (all rows when unweighted). */
  n: number;
  sumW: number;
  /** Centring constants for X (zeros when not centring). */
  mu: Float64Array;
  /** Power-of-two scales: z = (x - mu) / s. */
  s: Float64Array;
  /** Centring constants for Y (zeros when not centring). */
  muY: Float64Array;
  /** Columns whose positive-weight values are all equal (indices into X's columns). */
  constant: number[];
  /** For constant columns: the value. */
  constantValue: Map<number, number>;
}

export function summarize(la: LinAlg, X: Matrix, Y: Float64Array, m: number, w: Float64Array | undefined, center: boolean): ColumnSummary {
  const { rows: n, cols: d, data } = X;
  const { sum, min: mn, max: mx } = la.columnStats(X, w);
  const sumY = new Float64Array(m);
  let sumW = 0;
  let npos = 0;
  if (w) {
    for (let i = 0; i < n; i++) {
      const wi = w[i];
      if (!(wi > 0)) continue;
      npos++;
      sumW += wi;
      for (let k = 0; k < m; k++) sumY[k] += wi * Y[i * m + k];
    }
  } else {
    npos = n;
    sumW = n;
    for (let t = 0; t < n * m; t++) sumY[t % m] += Y[t];
  }
  // a NaN/Inf anywhere in a scanned row makes its column sum non-finite (a
  // finite overflow may too): then find and report the first bad value
  for (let j = 0; j < d; j++) if (!Number.isFinite(sum[j])) assertFinite(data, 'X', d);
  const mu = new Float64Array(d);
  const s = new Float64Array(d);
  const muY = new Float64Array(m);
  const constant: number[] = [];
  const constantValue = new Map<number, number>();
  for (let j = 0; j < d; j++) {
    const lo = mn[j];
    const hi = mx[j];
    if (lo === hi) {
      constant.push(j);
      constantValue.set(j, lo);
    }
    if (center) {
      // clamp: the rounded weighted mean always lies in [min, max] mathematically
      mu[j] = Math.min(hi, Math.max(lo, sum[j] / sumW));
      s[j] = pow2Near(hi - lo);
    } else {
      s[j] = pow2Near(Math.max(Math.abs(lo), Math.abs(hi)));
    }
  }
  if (center) for (let k = 0; k < m; k++) muY[k] = sumY[k] / sumW;
  return { n: npos, sumW, mu, s, muY, constant, constantValue };
}
