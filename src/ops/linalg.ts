/**
 * LinAlg: the slice of linear algebra that model fitting builds on, and its
 * implementation over an engine. Fitting code depends only on this interface,
 * so its tests also run it against a plain textbook implementation.
 */
import { Engine } from '../engine/engine.js';
import type { Matrix } from '../types.js';
import { centredGram } from './centred-gram.js';
import { columnStats, type ColumnStats } from './column-stats.js';
import { gram } from './gram.js';
import { nonzeroGram, type NonzeroGram, type Nonzeros } from './nonzero-gram.js';
import { solveSPD } from './solve.js';

export interface LinAlg {
  /** 'wasm-simd' or 'js'. */
  readonly backend: 'wasm-simd' | 'js';
  /**
   * X^T W X (d*d, full symmetric, row-major) and, when y is given, X^T W y
   * (d*m row-major; m = 1 for a vector y). Inputs must already be validated.
   */
  gram(X: Matrix, y?: Float64Array | Matrix, opts?: { weights?: Float64Array }): { xtx: Float64Array; xty?: Float64Array; n: number };
  /**
   * Solves (A + ridge*I) X = B for SPD A (d*d row-major), B d*k row-major
   * (k = B.length / d). Throws SlimfitError E_SINGULAR with details.pivot when
   * the Cholesky factorisation meets a non-positive pivot.
   */
  solveSPD(A: Float64Array, b: Float64Array, opts?: { ridge?: number }): Float64Array;
  /**
   * Per column, over rows with w > 0 (every row when unweighted): sum w x,
   * min, max. A NaN/Inf in such a row makes its column's sum non-finite.
   */
  columnStats(X: Matrix, w?: Float64Array): ColumnStats;
  /**
   * Z^T W Z (d*d, full symmetric) and Z^T W Y (d*m) for Z = (X - mu) diag(inv),
   * each z = (x - mu_j) * inv_j in f64. Y is n*m row-major; inputs validated
   * and finite.
   */
  centredGram(X: Matrix, mu: Float64Array, inv: Float64Array, Y: Float64Array, m: number, w?: Float64Array): { xtx: Float64Array; xty: Float64Array };
  /**
   * A compressed-row design (d columns) staged for repeated weighted grams:
   * each gram(w, r) gives X^T W X (full symmetric), X^T W 1 and X^T r,
   * costing the nonzero pairs of each row. Optional: fitting falls back to a
   * JS pass over the index without it. release() in finally.
   */
  nonzeroGram?(index: Nonzeros, d: number): NonzeroGram;
}

const bound = new WeakMap<Engine, LinAlg>();

/** The engine's kernels as a LinAlg (one object per engine). */
export function linAlg(engine: Engine): LinAlg {
  let la = bound.get(engine);
  if (!la) {
    la = {
      backend: engine.backend,
      gram: (X, y, opts) => gram(engine, X, y, opts),
      solveSPD: (A, b, opts) => solveSPD(engine, A, b, opts),
      columnStats: (X, w) => columnStats(engine, X, w),
      centredGram: (X, mu, inv, Y, m, w) => centredGram(engine, X, mu, inv, Y, m, w),
      nonzeroGram: (index, d) => nonzeroGram(engine, index, d),
    };
    bound.set(engine, la);
  }
  return la;
}

/** Fitting's entry points take an engine or any LinAlg (a test's plain reference, say). */
export function toLinAlg(engine: Engine | LinAlg): LinAlg {
  return engine instanceof Engine ? linAlg(engine) : engine;
}
