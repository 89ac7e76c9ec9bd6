/**
 * The scorecard shape the logistic benchmarks run on: n rows of d binary
 * bin-indicator columns, one-hot within groups of 7 (8 bins, the lowest the
 * reference), so each column is 1 on about 1/8 of the rows; labels drawn from
 * a known logistic model on them. Seeded: the same data every run.
 */
import type { Matrix } from '../src/index.js';
import { rng } from './harness.js';

export function scorecardProblem(n: number, d: number, seed = 15): { X: Matrix; y: Float64Array } {
  const r = rng(seed);
  const data = new Float64Array(n * d);
  const y = new Float64Array(n);
  const beta = new Float64Array(d);
  for (let j = 0; j < d; j++) beta[j] = ((j % 7) - 3) / 6;
  for (let i = 0; i < n; i++) {
    let eta = -1.5;
    for (let g = 0; g < d; g += 7) {
      const bin = Math.floor(r() * 8) - 1; // -1: the reference bin
      if (bin >= 0 && g + bin < d) {
        data[i * d + g + bin] = 1;
        eta += beta[g + bin];
      }
    }
    y[i] = r() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
  }
  return { X: { rows: n, cols: d, data }, y };
}
