/**
 * Quantile binning into one-hot columns: how credit scorecards widen a few
 * raw features into many (each feature's bins become indicator columns, the
 * lowest bin the reference). Edges come from the data they are fitted on and
 * are then applied unchanged to new rows.
 */
import { quantileCuts } from '../features/learn.js';
import type { Matrix } from '../types.js';

export interface Binning {
  /** Per raw feature, the ascending cut points (value >= edge moves up a bin). */
  edges: number[][];
  names: string[];
}

/** Cut points at the quantiles 1/bins .. (bins-1)/bins of every column, duplicates removed. */
export function fitBinning(X: Matrix, featureNames: readonly string[], bins = 8): Binning {
  const edges: number[][] = [];
  const names: string[] = [];
  const col = new Float64Array(X.rows);
  for (let j = 0; j < X.cols; j++) {
    for (let i = 0; i < X.rows; i++) col[i] = X.data[i * X.cols + j];
    const cuts = quantileCuts(col.sort(), bins);
    edges.push(cuts);
    cuts.forEach((c) => names.push(`${featureNames[j]}>=${+c.toPrecision(4)}`));
  }
  return { edges, names };
}

/** One indicator column per cut: x >= edge (cumulative coding, so adjacent bins differ by one column). */
export function applyBinning(X: Matrix, b: Binning): Matrix {
  const cols = b.names.length;
  const data = new Float64Array(X.rows * cols);
  for (let i = 0; i < X.rows; i++) {
    let c = 0;
    for (let j = 0; j < X.cols; j++) {
      const v = X.data[i * X.cols + j];
      for (const e of b.edges[j]) data[i * cols + c++] = v >= e ? 1 : 0;
    }
  }
  return { rows: X.rows, cols, data };
}
