/**
 * The logistic fit's linear predictor from X: the dense form equals
 * Z1 theta computed on the built design bit for bit; mostly-zero designs take
 * the compressed-row form, which agrees to rounding; a design just over the
 * density threshold stays dense.
 */
import { describe, expect, it } from 'vitest';
import { linearPredictor } from '../src/fit/linear-predictor.js';
import { rng } from './helpers/harness.js';

function design(n: number, d: number, density: number, seed: number) {
  const r = rng(seed);
  const data = new Float64Array(n * d);
  for (let k = 0; k < n * d; k++) if (r() < density) data[k] = r() < 0.5 ? 1 : 3 * r() - 1;
  const mu = new Float64Array(d).map((_, j) => 0.1 * (j % 3));
  const inv = new Float64Array(d).map((_, j) => 2 ** ((j % 4) - 1));
  const theta = new Float64Array(d + 1).map(() => 2 * r() - 1);
  return { X: { rows: n, cols: d, data }, mu, inv, theta };
}

/** Z1 theta on the built design [1, (X - mu) * inv], the textbook way. */
function reference(X: { rows: number; cols: number; data: Float64Array }, mu: Float64Array, inv: Float64Array, theta: Float64Array, off: number): Float64Array {
  const eta = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let t = off ? 1 * theta[0]! : 0;
    for (let j = 0; j < X.cols; j++) t += (X.data[i * X.cols + j]! - mu[j]!) * inv[j]! * theta[j + off]!;
    eta[i] = t;
  }
  return eta;
}

describe('linearPredictor', () => {
  it.each([1, 0])('dense design: Z1 theta bit for bit (off = %i)', (off) => {
    const { X, mu, inv, theta } = design(97, 13, 0.9, 1);
    const lp = linearPredictor(X, mu, inv);
    expect(lp.kind).toBe('dense');
    expect(lp.eta(theta, off)).toEqual(reference(X, mu, inv, theta, off));
  });

  it.each([1, 0])('mostly-zero design: the compressed-row form, equal to rounding (off = %i)', (off) => {
    const { X, mu, inv, theta } = design(211, 45, 1 / 8, 2);
    const lp = linearPredictor(X, mu, inv);
    expect(lp.kind).toBe('sparse');
    const got = lp.eta(theta, off);
    const want = reference(X, mu, inv, theta, off);
    for (let i = 0; i < X.rows; i++) {
      let scale = Math.abs(off ? theta[0]! : 0);
      for (let j = 0; j < X.cols; j++) scale += Math.abs((X.data[i * X.cols + j]! - mu[j]!) * inv[j]! * theta[j + off]!);
      expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(64 * Number.EPSILON * scale);
    }
  });

  it('stays dense just over a quarter nonzero; an all-zero design is sparse', () => {
    const d = 8;
    const data = new Float64Array(10 * d);
    for (let k = 0; k < data.length; k += 4) data[k] = 1; // exactly 1/4
    data[1] = 1; // one more
    const mu = new Float64Array(d);
    const inv = new Float64Array(d).fill(1);
    expect(linearPredictor({ rows: 10, cols: d, data }, mu, inv).kind).toBe('dense');
    data[1] = 0;
    expect(linearPredictor({ rows: 10, cols: d, data }, mu, inv).kind).toBe('sparse');
    const zero = linearPredictor({ rows: 10, cols: d, data: new Float64Array(10 * d) }, mu.fill(0.5), inv);
    expect(zero.kind).toBe('sparse');
    expect(Array.from(zero.eta(new Float64Array(d + 1).fill(1), 1))).toEqual(new Array(10).fill(1 - 0.5 * d));
  });
});
