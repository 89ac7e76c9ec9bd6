/**
 * Validation and preparation of (W, H) for GPTQ / SparseGPT / OBS. W is
 * rows x cols (rows = outputs, cols = inputs; a linear model is one row), H
 * the cols x cols input Gram matrix X^T X. Following GPTQ: a column whose
 * H_ii is 0 (a feature that is always 0 on the data) has no effect on the
 * outputs: its weights are set to 0 and H_ii to 1. H is then damped by
 * damp * mean(diag H) on the diagonal and inverted by Cholesky.
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import type { Matrix } from '../types.js';
import { assertFinite, assertOption, toMatrix, toVector, type MatrixInput } from '../validate.js';
import { inverseUpperFactor } from '../ops/inverse-factor.js';
import { assertSymmetric } from '../ops/symmetry.js';
import { upperGram } from './linalg.js';

export type HessianInput = Float64Array | MatrixInput;

/**
 * What GPTQ / SparseGPT take as W: a rows x cols matrix ({ rows, cols, data }
 * with Float64Array or Float32Array data, or number[][]), or one row as a
 * plain vector (Float64Array, Float32Array, number[] of length cols).
 */
export type WeightsInput = Matrix | MatrixInput | { rows: number; cols: number; data: Float32Array } | ArrayLike<number>;

/**
 * W as a validated float64 matrix (float32 values widen exactly, so the
 * result is the float64 path's on the same values); `vector` is true when W
 * was one row given as a vector, for results in W's own shape.
 */
export function checkW(W: WeightsInput): { W: Matrix; vector: boolean } {
  if (ArrayBuffer.isView(W) || (Array.isArray(W) && !Array.isArray(W[0]))) {
    const v = toVector(W as ArrayLike<number>, 'W');
    if (v.length === 0) throw new SlimfitError('E_SHAPE', 'W is empty; there is nothing to compress');
    return { W: { rows: 1, cols: v.length, data: v }, vector: true };
  }
  if (typeof W === 'object' && W !== null && 'data' in W && W.data instanceof Float32Array) {
    const { rows, cols, data } = W as { rows: number; cols: number; data: Float32Array };
    return { W: toMatrix({ rows, cols, data: Float64Array.from(data) }, 'W'), vector: false };
  }
  return { W: toMatrix(W as MatrixInput, 'W'), vector: false };
}

/** H as a validated row-major cols*cols Float64Array (not copied when already one). */
export function checkH(H: HessianInput, cols: number): Float64Array {
  let h: Float64Array;
  if (H instanceof Float64Array) h = H;
  else {
    const m = toMatrix(H, 'H', { skipFiniteCheck: true });
    if (m.rows !== m.cols) throw new SlimfitError('E_SHAPE', `H must be square, got ${m.rows} x ${m.cols}`);
    h = m.data;
  }
  if (h.length !== cols * cols) {
    throw new SlimfitError('E_SHAPE', `H has ${h.length} values but W has ${cols} columns, so H must be ${cols} x ${cols} = ${cols * cols} (H = X^T X over the inputs)`);
  }
  assertFinite(h, 'H', cols);
  for (let i = 0; i < cols; i++) {
    if (h[i * cols + i] < 0) {
      throw new SlimfitError('E_SINGULAR', `H[${i}][${i}] = ${h[i * cols + i]} is negative, so H is not a Gram matrix X^T X (not positive semidefinite)`, { pivot: i });
    }
  }
  assertSymmetric(h, cols, 'H');
  return h;
}

export function checkDamp(damp: unknown): number {
  assertOption(damp as number, 'damp', 0, 1e6);
  return damp as number;
}

export interface Prepared {
  rows: number;
  cols: number;
  /** W with columns permuted by `perm` and dead columns zeroed (a copy). */
  W: Float64Array;
  /** Inverse of the permuted, damped H (full symmetric); computed only when asked for. */
  Hinv: Float64Array | undefined;
  /** Upper Cholesky factor of Hinv: Hinv = U^T U. */
  U: Float64Array;
  /** The ridge added to the diagonal: damp * mean(diag H). */
  ridge: number;
  /** Original column indices whose H_ii was 0. */
  dead: number[];
}

/**
 * Permutes (perm[k] = original column processed k-th), fixes dead columns,
 * damps and factors. Throws E_SINGULAR suggesting a larger damp when the
 * damped H is still not positive definite.
 */
export function prepare(engine: Engine, W: Matrix, H: Float64Array, damp: number, perm: readonly number[], wantInverse = false): Prepared {
  const { rows, cols } = W;
  const Hp = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) Hp[i * cols + j] = H[perm[i] * cols + perm[j]];
  const Wp = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) Wp[r * cols + k] = W.data[r * cols + perm[k]];
  const dead: number[] = [];
  let trace = 0;
  for (let k = 0; k < cols; k++) {
    if (Hp[k * cols + k] === 0) {
      dead.push(perm[k]);
      Hp[k * cols + k] = 1;
      for (let r = 0; r < rows; r++) Wp[r * cols + k] = 0;
    }
    trace += Hp[k * cols + k];
  }
  const ridge = (damp * trace) / cols;
  const f = inverseUpperFactor(engine, Hp, cols, ridge);
  if ('pivot' in f) {
    const pivot = perm[f.pivot];
    const hint = suggestDamp(engine, Hp, cols, trace, damp);
    throw new SlimfitError(
      'E_SINGULAR',
      `H + ${damp} * mean(diag H) * I is not positive definite (Cholesky fails at column ${pivot}: H is indefinite there, or that feature is a linear combination of others); ${hint} or remove collinear features`,
      { pivot },
    );
  }
  dead.sort((a, b) => a - b);
  return { rows, cols, W: Wp, Hinv: wantInverse ? upperGram(f.U, cols) : undefined, U: f.U, ridge, dead };
}

/** Largest damp checkDamp accepts. */
const MAX_DAMP = 1e6;

/**
 * A damp larger than the one that failed which does make H + damp * mean(diag H) * I
 * factor: tries 10x steps (from 0.001 when damp is 0) and returns the first that works,
 * so the hint is checked, not guessed. Runs only on the error path.
 */
function suggestDamp(engine: Engine, Hp: Float64Array, cols: number, trace: number, damp: number): string {
  for (let c = damp > 0 ? damp * 10 : 0.001; c <= MAX_DAMP; c *= 10) {
    const cand = Number(c.toPrecision(1));
    if (!('pivot' in inverseUpperFactor(engine, Hp, cols, (cand * trace) / cols))) return `increase damp to ${cand} (checked: H + ${cand} * mean(diag H) * I factors)`;
  }
  return `no damp up to ${MAX_DAMP} makes it factor (H is far from positive semidefinite: is it X^T X?); fix H`;
}

/** The identity order, or columns by decreasing H_ii (GPTQ's act-order), ties to the lower index. */
export function columnOrder(H: Float64Array, cols: number, actOrder: boolean): number[] {
  const perm = Array.from({ length: cols }, (_, i) => i);
  if (actOrder) perm.sort((a, b) => H[b * cols + b] - H[a * cols + a] || a - b);
  return perm;
}
