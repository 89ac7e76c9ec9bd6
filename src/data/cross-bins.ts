/**
 * Interaction bins for a scorecard: for a pair of raw features, one
 * indicator column per pair of their cuts, x_a >= edge_a AND x_b >= edge_b
 * (the product of the two cumulative bin indicators of bins.ts), so a model
 * can give a cell of the two-way grid its own effect. Edges are the
 * Binning's, fitted on training rows only.
 */
import type { Matrix } from '../types.js';
import type { Binning } from './bins.js';

/** Column names, in the order crossBins writes them. */
export function crossBinNames(b: Binning, features: readonly string[], pairs: readonly (readonly [number, number])[]): string[] {
  const names: string[] = [];
  for (const [a, c] of pairs) for (const ea of b.edges[a]) for (const ec of b.edges[c]) names.push(`${features[a]}>=${+ea.toPrecision(4)}&${features[c]}>=${+ec.toPrecision(4)}`);
  return names;
}

/** [binned | cross bins] for the raw rows X: the binned columns of applyBinning, then every pair's grid. */
export function crossBins(X: Matrix, binned: Matrix, b: Binning, pairs: readonly (readonly [number, number])[]): Matrix {
  const extra = pairs.reduce((s, [a, c]) => s + b.edges[a].length * b.edges[c].length, 0);
  const width = binned.cols + extra;
  const out = new Float64Array(X.rows * width);
  for (let i = 0; i < X.rows; i++) {
    out.set(binned.data.subarray(i * binned.cols, (i + 1) * binned.cols), i * width);
    let k = i * width + binned.cols;
    for (const [a, c] of pairs) {
      const va = X.data[i * X.cols + a];
      const vc = X.data[i * X.cols + c];
      for (const ea of b.edges[a]) for (const ec of b.edges[c]) out[k++] = va >= ea && vc >= ec ? 1 : 0;
    }
  }
  return { rows: X.rows, cols: width, data: out };
}
