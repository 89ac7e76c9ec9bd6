/**
 * Streaming, mergeable least squares: linearAccumulator(engine, d) keeps the row
 * count, weight sum, means and centred co-moments of [x, y] (moments.ts) —
 * O((d+m)^2) numbers however many rows — so shards fitted in other processes
 * or machines combine exactly: toJSON() on one side, fromJSON() + merge() on
 * the other.
 *
 * What "any chunking and merge order gives the one-shot answer" means depends
 * on how each chunk's moments are formed (LinearAccumulatorOptions.accuracy):
 *  - 'fast' (default, float64 chunk moments, relative error ~1e-16 per entry):
 *    coefficients agree with the one-shot fitLinear to ~1e-12 relative for
 *    well-conditioned designs (error ~cond * 1e-16); the statistics that
 *    come from the residual sum of squares (residualSd, stdErrors, tValues,
 *    rSquared) only to ~1e-16 / (1 - R^2), because RSS = yy - 2 b.c + b.A.b
 *    cancels as R^2 -> 1 (NIST Pontius, 1 - R^2 = 1e-7: up to 1.7e-9).
 *    fit() always takes the float64 path ('cholesky') and refuses, without
 *    ridge, designs with cond > 1e10 (moments-fit.ts).
 *  - 'accurate' (double-double chunk moments): coefficients and statistics
 *    agree to ~1e-12 relative (tested on NIST Pontius and Longley), and fit()
 *    can run 'dd-cholesky' — even NIST Filip comes out to 12-13 digits,
 *    chunked and merged.
 *
 * Private fits (docs/PRIVACY.md): created with privacy: { boundX, boundY },
 * add() clips every row before its moments and counts the clipped rows;
 * fit({ privacy: { epsilon, delta } }) adds the noise once, to the summed
 * statistics of every row added or merged, which is what one release of one
 * model needs: each row sits in one shard, the sum's sensitivity is one
 * row's, so one noise draw at the end gives the stated guarantee with the
 * least noise. Shards that each added noise would be private too (one
 * release per shard), at k times the noise variance for k shards. The shards
 * themselves (toJSON) hold exact moments and are not private: pass them
 * only between parties trusted with the rows. Every private fit() of the
 * same rows spends its budget again (zCDP: the rho's add up).
 */
import { SlimfitError } from '../errors.js';
import { MAX_ALLOC_BYTES } from '../engine/arena.js';
import type { Engine } from '../engine/engine.js';
import { toLinAlg, type LinAlg } from '../ops/linalg.js';
import { assertOption, describeValue, toVector, type MatrixInput } from '../validate.js';
import { checkOptions, optionKeys } from '../options.js';
import { toDesign, toResponse, type DesignInput } from './design.js';
import { resolveOptions, type Accuracy } from './linear.js';
import { decodeArr, decodeNum, encodeArr, encodeNum, type JsonNum } from '../json.js';
import { LinearModel } from './model.js';
import { chunkMoments, emptyMoments, mergeMoments, type Moments } from './moments.js';
import { MomentsFit } from './moments-fit.js';
import { accumulatorBytes, checkMemory, primalBytes, resolveMemoryLimit } from './memory.js';
import { privateLinearModel } from './linear-private.js';
import { clipRow, clipValue } from '../privacy/clip.js';
import {
  cannotHonour,
  resolveAccumulatorFitPrivacy,
  resolveAccumulatorPrivacy,
  type AccumulatorFitPrivacyOptions,
  type AccumulatorPrivacyOptions,
} from '../privacy/options.js';

export interface LinearAccumulatorOptions {
  /** Default for fit()'s intercept (default true); fit({ intercept }) may override it. */
  intercept?: boolean;
  /** true: add() takes per-row weights (required); false (default): add() rejects them. */
  weights?: boolean;
  /** Number of outputs m (columns of y), default 1. */
  outputs?: number;
  /**
   * How each chunk's moments are formed, and so what chunked and merged fits
   * promise:
   *  - 'fast' (default): centres in float64 and sums with la.gram. Coefficients
   *    match the one-shot fitLinear to ~1e-12 relative for well-conditioned
   *    designs (error ~cond * 1e-16); residualSd, stdErrors, tValues and
   *    rSquared only to ~1e-16 / (1 - R^2) (RSS cancels as R^2 -> 1). fit()
   *    solves in float64 (method 'cholesky') whatever accuracy it is asked
   *    for, and without ridge refuses (E_SINGULAR) designs whose condition
   *    number exceeds 1e10 (fewer than ~6 correct digits would be left).
   *  - 'accurate': centres exactly and sums in double-double in plain JS
   *    (~100x slower per row): coefficients and statistics match to ~1e-12
   *    relative, and ill-conditioned designs (cond beyond ~1e6, e.g. raw
   *    polynomial powers) are solved in double-double ('dd-cholesky').
   */
  accuracy?: 'fast' | 'accurate';
  /** Clip every added row to ||x|| <= boundX, |y| <= boundY, for private fits (one output, no weights). */
  privacy?: AccumulatorPrivacyOptions;
  /** Refuse (E_MEMORY, at creation) when the co-moments plus the fit's solve are estimated beyond this many bytes (default 4 GiB; src/fit/memory.ts). */
  maxMemoryBytes?: number;
}

export interface AccumulatorFitOptions {
  /** Default: the accumulator's intercept setting. */
  intercept?: boolean;
  /** L2 penalty on the non-intercept coefficients (default 0). */
  ridge?: number;
  /**
   * Solver for 'accurate' moments: 'auto' (default: float64 Cholesky while
   * cond <= 1e6, else double-double), 'fast', 'accurate' (double-double).
   * With 'fast' moments every value runs the float64 solve (method
   * 'cholesky'): there are no extra digits for a double-double solve to find.
   */
  accuracy?: Accuracy;
  /** A private fit (AdaSSP or SSP) of the clipped rows; needs an accumulator created with privacy bounds; not with ridge. */
  privacy?: AccumulatorFitPrivacyOptions;
}

const ACCUMULATOR_OPTION_KEYS = /* @__PURE__ */ optionKeys<LinearAccumulatorOptions>()(['intercept', 'weights', 'outputs', 'accuracy', 'privacy', 'maxMemoryBytes']);
const ACCUMULATOR_FIT_OPTION_KEYS = /* @__PURE__ */ optionKeys<AccumulatorFitOptions>()(['intercept', 'ridge', 'accuracy', 'privacy']);

const WIDE_WAY_OUT = 'drop columns, or raise maxMemoryBytes; with fewer rows than columns and ridge > 0, pass the rows to fitLinear instead (it solves the n x n dual)';

/** Largest |C_jk - C_kj| / sqrt(C_jj C_kk) accepted from JSON (legitimate moments are symmetric to ~1e-30). */
const MOMENTS_SYMMETRY_TOL = 1e-12;

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
  /** Present when created with privacy bounds. */
  privacy?: { boundX: number; boundY: number; clippedRows: number };
}

export class LinearAccumulator {
  readonly d: number;
  readonly outputs: number;
  readonly intercept: boolean;
  readonly weighted: boolean;
  readonly accuracy: 'fast' | 'accurate';
  private readonly la: LinAlg;
  private readonly mo: Moments;
  private readonly memoryLimit: number;

  /** Rows passed to add() (here or in merged accumulators, this process only) that had weight 0. */
  private zeroWeightRows = 0;

  /** The clipping bounds of a private accumulator (undefined: rows are taken as they are). */
  readonly bounds: { readonly boundX: number; readonly boundY: number } | undefined;
  /** Rows scaled down or targets clipped to the bounds so far (merged ones included). */
  clippedRows = 0;

  constructor(engine: Engine | LinAlg, d: number, opts?: LinearAccumulatorOptions | null) {
    const options = checkOptions('linearAccumulator', opts, ACCUMULATOR_OPTION_KEYS);
    assertOption(d, 'd', 1, 1 << 20, { integer: true });
    const m = options.outputs ?? 1;
    assertOption(m, 'outputs', 1, 1 << 20, { integer: true });
    // The (d + m)^2 co-moments go through the Gram kernel, whose matrix must
    // fit one linear-memory buffer: refuse up front what can never be fitted.
    const matrixBytes = (d + m) * (d + m) * 8;
    if (matrixBytes > MAX_ALLOC_BYTES) {
      const maxQ = Math.floor(Math.sqrt(MAX_ALLOC_BYTES / 8));
      throw new SlimfitError(
        'E_MEMORY',
        `an accumulator for d = ${d}${m > 1 ? `, outputs = ${m}` : ''} needs two ${d + m} x ${d + m} co-moment matrices (high and low parts) of ${matrixBytes} bytes (${(matrixBytes / 2 ** 30).toFixed(1)} GiB) each, beyond the ${MAX_ALLOC_BYTES} bytes (1 GiB) one buffer can hold; d + outputs can be at most ${maxQ}`,
        { bytes: matrixBytes },
      );
    }
    // the hi/lo co-moments and one chunk's Gram, plus the float64 solve fit() will need (an accumulator
    // is for its fit: refused here, before streaming, rather than after); fit() checks its own path again
    const limit = resolveMemoryLimit(options.maxMemoryBytes);
    checkMemory(`an accumulator for d = ${d} and its fit`, accumulatorBytes(d, m) + primalBytes(d, m, true, 'fast'), limit, 0, WIDE_WAY_OUT);
    const accuracy = options.accuracy ?? 'fast';
    if (accuracy !== 'fast' && accuracy !== 'accurate') {
      throw new SlimfitError('E_RANGE', `accuracy must be 'fast' or 'accurate', got ${JSON.stringify(accuracy)}`);
    }
    const intercept = options.intercept ?? true;
    if (typeof intercept !== 'boolean') throw new SlimfitError('E_RANGE', `intercept must be true or false, got ${describeValue(intercept)}`);
    const weights = options.weights ?? false;
    if (typeof weights !== 'boolean') {
      throw new SlimfitError(
        'E_RANGE',
        `weights must be true or false (whether add() takes per-row weights), got ${describeValue(weights)}; create the accumulator with { weights: true } and pass the weights to add(X, y, weights)`,
      );
    }
    if (options.privacy !== undefined) {
      this.bounds = resolveAccumulatorPrivacy(options.privacy);
      if (weights) throw cannotHonour('weights', 'per-row weights change the sensitivity the noise is calibrated for');
      if (m !== 1) throw cannotHonour('outputs > 1', 'the bound boundY and the noise are for one target');
    }
    this.la = toLinAlg(engine);
    this.d = d;
    this.outputs = m;
    this.intercept = intercept;
    this.weighted = weights;
    this.accuracy = accuracy;
    this.memoryLimit = limit;
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
        if (w[i] < 0) throw new SlimfitError('E_RANGE', `weights[${i}] is negative (${w[i]}); weights must be >= 0`, { index: i });
      }
    } else if (weights !== undefined) {
      throw new SlimfitError('E_RANGE', 'this accumulator was created without weights; create it with { weights: true } to pass them');
    }
    if (rows === 0) return this;
    let Xc = M;
    let Y = R.Y;
    if (this.bounds) {
      if (xlo !== undefined) throw cannotHonour('a double-double X (lo)', 'the noise swamps the low parts');
      const { boundX, boundY } = this.bounds;
      const data = Float64Array.from(M.data.subarray(0, rows * this.d));
      Y = Float64Array.from(R.Y);
      for (let i = 0; i < rows; i++) {
        const clipped = clipRow(data, i * this.d, this.d, boundX);
        const yi = clipValue(Y[i], boundY);
        if (clipped || yi !== Y[i]) this.clippedRows++;
        Y[i] = yi;
      }
      Xc = { rows, cols: this.d, data };
    }
    const chunk = chunkMoments(this.la, Xc, this.bounds ? undefined : xlo, Y, this.outputs, w, this.accuracy);
    this.zeroWeightRows += rows - chunk.n;
    mergeMoments(this.mo, chunk);
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
    if (other.bounds?.boundX !== this.bounds?.boundX || other.bounds?.boundY !== this.bounds?.boundY) {
      const b = (a: LinearAccumulator) => (a.bounds ? `boundX ${a.bounds.boundX}, boundY ${a.bounds.boundY}` : 'no privacy bounds');
      throw new SlimfitError('E_RANGE', `cannot merge accumulators with different privacy bounds (${b(other)} vs ${b(this)}): every row must be clipped to the same bounds`);
    }
    mergeMoments(this.mo, other.mo);
    this.clippedRows += other.clippedRows;
    this.zeroWeightRows += other.zeroWeightRows;
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
      ...(this.bounds ? { privacy: { boundX: this.bounds.boundX, boundY: this.bounds.boundY, clippedRows: this.clippedRows } } : {}),
    };
  }

  /** Rebuilds an accumulator from toJSON() output (or its string); E_FORMAT on anything malformed. */
  static fromJSON(engine: Engine | LinAlg, json: LinearAccumulatorJSON | string): LinearAccumulator {
    let j: LinearAccumulatorJSON;
    try {
      j = typeof json === 'string' ? (JSON.parse(json) as LinearAccumulatorJSON) : json;
    } catch (e) {
      throw new SlimfitError('E_FORMAT', `accumulator JSON does not parse: ${(e as Error).message}`);
    }
    if (!j || typeof j !== 'object' || j.format !== 'slimfit.linear-accumulator' || j.version !== 1) {
      throw new SlimfitError('E_FORMAT', 'not a slimfit linear accumulator (expected format "slimfit.linear-accumulator", version 1)');
    }
    if (typeof j.intercept !== 'boolean' || typeof j.weights !== 'boolean') {
      throw new SlimfitError('E_FORMAT', `intercept and weights must be booleans, got ${describeValue(j.intercept)} and ${describeValue(j.weights)}`);
    }
    let acc: LinearAccumulator;
    try {
      const bounds = j.privacy === undefined ? {} : { privacy: { boundX: j.privacy?.boundX, boundY: j.privacy?.boundY } };
      acc = new LinearAccumulator(engine, j.d, { outputs: j.outputs, intercept: j.intercept, weights: j.weights, accuracy: j.accuracy, ...bounds });
    } catch (e) {
      throw new SlimfitError('E_FORMAT', `bad accumulator settings: ${(e as Error).message}`);
    }
    if (!Number.isInteger(j.n) || j.n < 0) throw new SlimfitError('E_FORMAT', `n must be a non-negative integer, got ${describeValue(j.n)}`);
    if (j.privacy !== undefined) {
      const c = j.privacy.clippedRows;
      if (!Number.isInteger(c) || c < 0 || c > j.n) throw new SlimfitError('E_FORMAT', `privacy.clippedRows must be an integer in [0, n], got ${describeValue(c)}`);
      acc.clippedRows = c;
    }
    const q = acc.mo.q;
    const mo = acc.mo;
    mo.n = j.n;
    if (!Array.isArray(j.sumW) || j.sumW.length !== 2) throw new SlimfitError('E_FORMAT', 'sumW must be [hi, lo]');
    mo.wh = decodeNum(j.sumW[0], 'sumW[0]');
    mo.wl = decodeNum(j.sumW[1], 'sumW[1]');
    if (!Number.isFinite(mo.wh) || !Number.isFinite(mo.wl) || mo.wh < 0) {
      throw new SlimfitError('E_FORMAT', `sumW (the weight sum) must be finite and >= 0, got [${String(j.sumW[0])}, ${String(j.sumW[1])}]`);
    }
    if (!acc.weighted && (mo.wh !== mo.n || mo.wl !== 0)) {
      throw new SlimfitError('E_FORMAT', `n = ${mo.n} rows but sumW = ${mo.wh + mo.wl}: for an unweighted accumulator the weight sum must equal n`);
    }
    if ((mo.n === 0) !== (mo.wh === 0)) throw new SlimfitError('E_FORMAT', `n (${mo.n}) and sumW (${mo.wh}) disagree: one is zero, the other not`);
    mo.mean.hi.set(decodeArr(j.mean?.hi, q, 'mean.hi'));
    mo.mean.lo.set(decodeArr(j.mean?.lo, q, 'mean.lo'));
    mo.C.hi.set(decodeArr(j.comoments?.hi, q * q, 'comoments.hi'));
    mo.C.lo.set(decodeArr(j.comoments?.lo, q * q, 'comoments.lo'));
    for (const [what, a] of [['mean.hi', mo.mean.hi], ['mean.lo', mo.mean.lo], ['comoments.hi', mo.C.hi], ['comoments.lo', mo.C.lo]] as const) {
      const i = a.findIndex((v) => !Number.isFinite(v));
      if (i >= 0) throw new SlimfitError('E_FORMAT', `${what}[${i}] is ${a[i]}; means and co-moments must be finite`);
    }
    for (let j2 = 0; j2 < q; j2++) {
      const cjj = mo.C.hi[j2 * q + j2] + mo.C.lo[j2 * q + j2];
      if (cjj < 0) throw new SlimfitError('E_FORMAT', `co-moment [${j2}][${j2}] is ${cjj}; the diagonal co-moments (weighted sums of squared deviations) cannot be negative`);
      if (mo.n === 0 && (cjj !== 0 || mo.mean.hi[j2] !== 0 || mo.mean.lo[j2] !== 0)) {
        throw new SlimfitError('E_FORMAT', 'an accumulator with n = 0 must have zero means and co-moments');
      }
    }
    for (let a = 0; a < q; a++) {
      for (let b = 0; b < a; b++) {
        const x = mo.C.hi[a * q + b] + mo.C.lo[a * q + b];
        const y = mo.C.hi[b * q + a] + mo.C.lo[b * q + a];
        const scale = Math.sqrt(mo.C.hi[a * q + a] * mo.C.hi[b * q + b]);
        if (!(Math.abs(x - y) <= MOMENTS_SYMMETRY_TOL * scale)) {
          throw new SlimfitError('E_FORMAT', `co-moments are not symmetric: [${a}][${b}] = ${x} but [${b}][${a}] = ${y}`);
        }
      }
    }
    return acc;
  }

  /** Fits the model of all rows added or merged so far (see the module comment for the paths). */
  fit(options?: AccumulatorFitOptions | null): LinearModel {
    const given = checkOptions('LinearAccumulator.fit', options, ACCUMULATOR_FIT_OPTION_KEYS);
    const { privacy, ...plain } = given;
    const o = resolveOptions({ ...plain, intercept: plain.intercept ?? this.intercept });
    if (this.mo.n === 0) {
      if (this.zeroWeightRows > 0) {
        throw new SlimfitError('E_RANGE', `all ${this.zeroWeightRows} row(s) added so far had weight 0; at least one row needs a positive weight before fit()`);
      }
      throw new SlimfitError('E_SHAPE', 'the accumulator is empty; add() rows before fit()');
    }
    if (privacy !== undefined) {
      const budget = resolveAccumulatorFitPrivacy(privacy);
      if (!this.bounds) {
        throw cannotHonour('an accumulator created without privacy bounds', 'its rows were not clipped as they were added; create it with linearAccumulator(engine, d, { privacy: { boundX, boundY } })');
      }
      if (given.ridge !== undefined) throw cannotHonour('ridge', 'AdaSSP chooses its ridge privately; SSP uses none');
      if (given.accuracy !== undefined) throw cannotHonour('accuracy', 'the noisy normal equations are solved one way');
      const E = rawNormalEquations(this.mo, this.d, o.intercept);
      return privateLinearModel({ ...E, d: this.d, n: this.mo.n, intercept: o.intercept, clippedRows: this.clippedRows }, { ...budget, ...this.bounds, boundsFromData: false });
    }
    const dd = this.accuracy === 'accurate' && o.accuracy !== 'fast' ? 'accurate' : 'fast';
    checkMemory(`fitting the accumulated ${this.d} x ${this.d} normal equations`, primalBytes(this.d, this.outputs, o.intercept, dd), this.memoryLimit, 0, WIDE_WAY_OUT);
    return new MomentsFit(this.la, this.mo, this.d, this.outputs, this.accuracy).fit(o.intercept, o.ridge, o.accuracy);
  }

}

/** The uncentred normal equations of [1, x] (or x) and y from the moments: the statistics a private fit perturbs (see the module comment). */
function rawNormalEquations(mo: Moments, d: number, intercept: boolean): { G: Float64Array; c: Float64Array } {
  const q = d + 1;
  const W = mo.wh + mo.wl;
  const mean = Float64Array.from(mo.mean.hi, (h, j) => h + mo.mean.lo[j]);
  const raw = (a: number, b: number) => mo.C.hi[a * q + b] + mo.C.lo[a * q + b] + W * mean[a] * mean[b];
  const off = intercept ? 1 : 0;
  const p = d + off;
  const G = new Float64Array(p * p);
  const c = new Float64Array(p);
  if (intercept) {
    G[0] = W;
    c[0] = W * mean[d];
    for (let j = 0; j < d; j++) G[j + 1] = G[(j + 1) * p] = W * mean[j];
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) G[(a + off) * p + b + off] = raw(a, b);
    c[a + off] = raw(a, d);
  }
  return { G, c };
}

/** A new, empty accumulator for d columns. */
export function linearAccumulator(engine: Engine | LinAlg, d: number, options?: LinearAccumulatorOptions | null): LinearAccumulator {
  return new LinearAccumulator(engine, d, options);
}

/** Rebuilds a serialised accumulator (see LinearAccumulator.toJSON). */
export function linearAccumulatorFromJSON(engine: Engine | LinAlg, json: LinearAccumulatorJSON | string): LinearAccumulator {
  return LinearAccumulator.fromJSON(engine, json);
}
