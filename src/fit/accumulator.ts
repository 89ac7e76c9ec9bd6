/**
 * Streaming, mergeable least squares: linearAccumulator(la, d) keeps the row
 * count, weight sum, means and centred co-moments of [x, y] (moments.ts) —
 * O((d+m)^2) numbers however many rows — so shards fitted in other processes
 * or machines combine exactly: toJSON() on one side, fromJSON() + merge() on
 * the other. Any chunking and merge order gives the one-shot answer (tested to
 * 1e-12 relative).
 *
 * fit() solves from the moments alone (moments-fit.ts): 'cholesky' on the
 * float64 moments, or 'dd-cholesky' on the double-double ones ('auto' picks
 * by the condition estimate) — with accuracy: 'accurate' moments even NIST
 * Filip comes out to 12-13 digits, chunked and merged.
 */
import { SlimfitError } from '../errors.js';
import type { LinAlg } from '../engine/linalg.js';
import { assertOption, toVector, type MatrixInput } from '../validate.js';
import { toDesign, toResponse, type DesignInput } from './design.js';
import { resolveOptions, type Accuracy } from './linear.js';
import { LinearModel, decodeArr, decodeNum, encodeArr, encodeNum, type JsonNum } from './model.js';
import { chunkMoments, emptyMoments, mergeMoments, type Moments } from './moments.js';
import { MomentsFit } from './moments-fit.js';

export interface LinearAccumulatorOptions {
  /** Default for fit()'s intercept (default true); fit({ intercept }) may override it. */
  intercept?: boolean;
  /** true: add() takes per-row weights (required); false (default): add() rejects them. */
  weights?: boolean;
  /** Number of outputs m (columns of y), default 1. */
  outputs?: number;
  /**
   * How each chunk's moments are formed: 'fast' (default) centres in float64
   * and sums with la.gram; 'accurate' centres exactly and sums in
   * double-double in plain JS (~100x slower per row; needed for designs with
   * cond(X) beyond ~1e6, e.g. raw polynomial powers).
   */
  accuracy?: 'fast' | 'accurate';
}

export interface AccumulatorFitOptions {
  intercept?: boolean;
  ridge?: number;
  accuracy?: Accuracy;
}

export interface LinearAccumulatorJSON {
  format: 'slimfit.linear-accumulator';
  version: 1;
  d: number;
  outputs: number;
  intercept: boolean;
  weights: boolean;
  accuracy: 'fast' | 'accurate';
  n: number;
  sumW: [JsonNum, JsonNum];
  mean: { hi: JsonNum[]; lo: JsonNum[] };
  comoments: { hi: JsonNum[]; lo: JsonNum[] };
}

export class LinearAccumulator {
  readonly d: number;
  readonly outputs: number;
  readonly intercept: boolean;
  readonly weighted: boolean;
  readonly accuracy: 'fast' | 'accurate';
  private readonly la: LinAlg;
  private readonly mo: Moments;

  constructor(la: LinAlg, d: number, options: LinearAccumulatorOptions = {}) {
    assertOption(d, 'd', 1, 1 << 20, { integer: true });
    const m = options.outputs ?? 1;
    assertOption(m, 'outputs', 1, 1 << 20, { integer: true });
    const accuracy = options.accuracy ?? 'fast';
    if (accuracy !== 'fast' && accuracy !== 'accurate') {
      throw new SlimfitError('E_RANGE', `accuracy must be 'fast' or 'accurate', got ${JSON.stringify(accuracy)}`);
    }
    this.la = la;
    this.d = d;
    this.outputs = m;
    this.intercept = options.intercept ?? true;
    this.weighted = options.weights ?? false;
    this.accuracy = accuracy;
    this.mo = emptyMoments(d + m);
  }

  /** Rows added so far (with positive weight). */
  get n(): number {
    return this.mo.n;
  }

  /** Adds a chunk of rows: X (rows x d, may carry `lo`), y (vector, or rows x m), weights when created with weights: true. */
  add(X: DesignInput, y: ArrayLike<number> | MatrixInput, weights?: ArrayLike<number>): this {
    const { X: M, lo: xlo } = toDesign(X, 'X', { allowEmpty: true });
    const rows = M.rows;
    if (rows > 0 && M.cols !== this.d) throw new SlimfitError('E_SHAPE', `X has ${M.cols} columns but the accumulator was created for d = ${this.d}`);
    const R = toResponse(y, rows);
    if (rows > 0 && R.m !== this.outputs) throw new SlimfitError('E_SHAPE', `y has ${R.m} output column(s) but the accumulator expects ${this.outputs}`);
    let w: Float64Array | undefined;
    if (this.weighted) {
      if (weights === undefined) throw new SlimfitError('E_SHAPE', 'this accumulator was created with weights: true; pass one weight per row to add()');
      w = toVector(weights, 'weights', rows);
      for (let i = 0; i < rows; i++) {
        if ((w[i] as number) < 0) throw new SlimfitError('E_RANGE', `weights[${i}] is negative (${w[i]}); weights must be >= 0`, { index: i });
      }
    } else if (weights !== undefined) {
      throw new SlimfitError('E_RANGE', 'this accumulator was created without weights; create it with { weights: true } to pass them');
    }
    if (rows === 0) return this;
    mergeMoments(this.mo, chunkMoments(this.la, M, xlo, R.Y, this.outputs, w, this.accuracy));
    return this;
  }

  /** Merges another accumulator's rows into this one (the other is unchanged). */
  merge(other: LinearAccumulator): this {
    if (!(other instanceof LinearAccumulator)) throw new SlimfitError('E_SHAPE', 'merge() takes another LinearAccumulator (use linearAccumulatorFromJSON for serialised ones)');
    if (other.d !== this.d || other.outputs !== this.outputs) {
      throw new SlimfitError('E_SHAPE', `cannot merge an accumulator for d = ${other.d}, outputs = ${other.outputs} into one for d = ${this.d}, outputs = ${this.outputs}`);
    }
    if (other.weighted !== this.weighted || other.accuracy !== this.accuracy) {
      throw new SlimfitError('E_RANGE', `cannot merge accumulators with different settings (weights ${other.weighted} vs ${this.weighted}, accuracy ${other.accuracy} vs ${this.accuracy})`);
    }
    mergeMoments(this.mo, other.mo);
    return this;
  }

  toJSON(): LinearAccumulatorJSON {
    const mo = this.mo;
    return {
      format: 'slimfit.linear-accumulator',
      version: 1,
      d: this.d,
      outputs: this.outputs,
      intercept: this.intercept,
      weights: this.weighted,
      accuracy: this.accuracy,
      n: mo.n,
      sumW: [encodeNum(mo.wh), encodeNum(mo.wl)],
      mean: { hi: encodeArr(mo.mean.hi), lo: encodeArr(mo.mean.lo) },
      comoments: { hi: encodeArr(mo.C.hi), lo: encodeArr(mo.C.lo) },
    };
  }

  /** Rebuilds an accumulator from toJSON() output (or its string); E_FORMAT on anything malformed. */
  static fromJSON(la: LinAlg, json: LinearAccumulatorJSON | string): LinearAccumulator {
    let j: LinearAccumulatorJSON;
    try {
      j = typeof json === 'string' ? (JSON.parse(json) as LinearAccumulatorJSON) : json;
    } catch (e) {
      throw new SlimfitError('E_FORMAT', `accumulator JSON does not parse: ${(e as Error).message}`);
    }
    if (!j || j.format !== 'slimfit.linear-accumulator' || j.version !== 1) {
      throw new SlimfitError('E_FORMAT', 'not a slimfit linear accumulator (expected format "slimfit.linear-accumulator", version 1)');
    }
    let acc: LinearAccumulator;
    try {
      acc = new LinearAccumulator(la, j.d, { outputs: j.outputs, intercept: j.intercept, weights: j.weights, accuracy: j.accuracy });
    } catch (e) {
      throw new SlimfitError('E_FORMAT', `bad accumulator settings: ${(e as Error).message}`);
    }
    if (typeof j.intercept !== 'boolean' || typeof j.weights !== 'boolean') throw new SlimfitError('E_FORMAT', 'intercept and weights must be booleans');
    if (!Number.isInteger(j.n) || j.n < 0) throw new SlimfitError('E_FORMAT', `n must be a non-negative integer, got ${j.n}`);
    const q = acc.mo.q;
    const mo = acc.mo;
    mo.n = j.n;
    if (!Array.isArray(j.sumW) || j.sumW.length !== 2) throw new SlimfitError('E_FORMAT', 'sumW must be [hi, lo]');
    mo.wh = decodeNum(j.sumW[0], 'sumW[0]');
    mo.wl = decodeNum(j.sumW[1], 'sumW[1]');
    mo.mean.hi.set(decodeArr(j.mean?.hi, q, 'mean.hi'));
    mo.mean.lo.set(decodeArr(j.mean?.lo, q, 'mean.lo'));
    mo.C.hi.set(decodeArr(j.comoments?.hi, q * q, 'comoments.hi'));
    mo.C.lo.set(decodeArr(j.comoments?.lo, q * q, 'comoments.lo'));
    if ((mo.n === 0) !== (mo.wh === 0)) throw new SlimfitError('E_FORMAT', 'n and sumW disagree (one is zero, the other not)');
    return acc;
  }

  /** Fits the model of all rows added or merged so far (see the module comment for the paths). */
  fit(options: AccumulatorFitOptions = {}): LinearModel {
    const o = resolveOptions({ intercept: this.intercept, ...options });
    return new MomentsFit(this.la, this.mo, this.d, this.outputs).fit(o.intercept, o.ridge, o.accuracy);
  }
}

/** A new, empty accumulator for d columns. */
export function linearAccumulator(la: LinAlg, d: number, options?: LinearAccumulatorOptions): LinearAccumulator {
  return new LinearAccumulator(la, d, options);
}

/** Rebuilds a serialised accumulator (see LinearAccumulator.toJSON). */
export function linearAccumulatorFromJSON(la: LinAlg, json: LinearAccumulatorJSON | string): LinearAccumulator {
  return LinearAccumulator.fromJSON(la, json);
}
