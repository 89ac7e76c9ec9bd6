/**
 * compressModel: prunes and/or quantizes a linear (or logistic) model's
 * coefficients into a CompressedLinearModel (compressed-model.ts).
 *
 * Methods: 'rtn' is the naive baseline (magnitude pruning, round-to-nearest
 * quantization; data optional); 'gptq' needs calibration data X (or H):
 * pruning by pruneSparseGPT (exact OBS for small d), then GPTQ holding pruned
 * weights at 0. For both, when X (or a calibrationHessian) is given and the
 * model has an intercept, the intercept moves by mean(X) . (w - w') to absorb
 * the mean shift of the outputs (the same mean for both methods:
 * p(1-p)-weighted for logistic), so 'rtn' with X is the fair baseline for
 * 'gptq' on non-centred features. Without X, 'rtn' uses no data at all.
 * 'rtn' with X may also round in the features' units (model-units.ts).
 */
import { SlimfitError } from '../errors.js';
import { checkOptions, optionKeys, refuseUnknown } from '../options.js';
import type { Engine } from '../engine/engine.js';
import { fullMask, maskCount } from '../mask.js';
import type { QuantScheme } from '../types.js';
import { describeValue, toMatrix, type MatrixInput } from '../validate.js';
import type { Calibration } from './calibrate.js';
import { calibrationHessian, calibrationMean, type CalibrationHessian } from './calib-hessian.js';
import { CompressedLinearModel } from './compressed-model.js';
import { checkH } from './hessian.js';
import { checkModelLike } from './model-like.js';
import { correctStep } from './model-correct.js';
import { modelPruneSpec, pruneStep } from './model-prune.js';
import { unitsQuantizeStep, type Units } from './model-units.js';
import type { Rounding } from './rounding.js';

/** What compressModel reads from a LinearModel (or a LogisticModel: outputs 1, scalar intercept). */
export interface LinearModelLike {
  readonly d: number;
  readonly outputs?: number;
  /** d * outputs, row-major: coef[j * outputs + k] is feature j's weight for output k. */
  readonly coef: Float64Array;
  readonly intercept: number | Float64Array;
  readonly fitIntercept: boolean;
}

export interface CompressModelOptions {
  /** 'rtn' (default; no data needed) or 'gptq' (Hessian-aware; needs X or H). */
  method?: 'rtn' | 'gptq';
  /** Quantize the coefficients; omitted: they stay float64. */
  quantize?: {
    bits: number;
    scheme?: QuantScheme;
    /** 'row' (default: one scale per output), 'tensor', or { block: B } along each output's coefficients. */
    granularity?: 'tensor' | 'row' | { block: number };
    calibration?: Calibration;
    /** 'rtn' only (GPTQ rounds half to even). */
    rounding?: Rounding;
    seed?: number;
    actOrder?: boolean;
    /**
     * 'rtn' only. 'features': round each weight in its input's units (w_j times mean |x_j| on X; needs X);
     * 'raw': the coefficients as they are; 'auto' (default): with X, whichever changes the outputs on X less,
     * without X 'raw' (report().warnings says when the weights span more than the grid resolves).
     * report().units says which ran.
     */
    units?: Units;
  };
  /**
   * Prune the coefficients first:
   *  - { sparsity } in [0, 1) over all of them ('rtn': by magnitude; 'gptq': OBS / SparseGPT picks);
   *  - { threshold }: the article's rule, every |w| <= threshold ('rtn': exactly those; 'gptq': that many
   *    weights, chosen and compensated by OBS / SparseGPT — report().prune.reason says so);
   *  - { structured: 'cols', norm?, sparsity }: whole features (columns of the outputs x d matrix) by their
   *    L1 / L2 norm over the outputs. For a one-output model a feature is one weight, so this is
   *    magnitude pruning ('rtn') or OBS ('gptq') of single weights; with several outputs 'gptq' refuses it;
   *  - { nm: [n, m] } along each output's coefficients.
   */
  prune?: { sparsity: number } | { threshold: number } | { structured: 'cols'; norm?: 1 | 2; sparsity: number } | { nm: [number, number] };
  /**
   * Calibration data (n x d). 'gptq': H = X^T X (centred with an intercept; p(1-p)-weighted for logistic),
   * and the intercept correction. 'rtn': only the intercept correction (column means of X).
   */
  X?: MatrixInput;
  /** Or the d x d Hessian directly (no intercept correction; 'rtn' ignores it). */
  H?: Float64Array;
  /** Or both, as calibrationHessian(engine, model, X, logistic) returns them (reuse across calls). */
  hessian?: CalibrationHessian;
  /** Damping for 'gptq' (fraction of mean diag H, default 0.01). */
  damp?: number;
}

const COMPRESS_MODEL_OPTION_KEYS = /* @__PURE__ */ optionKeys<CompressModelOptions>()(['method', 'quantize', 'prune', 'X', 'H', 'hessian', 'damp']);
const MODEL_QUANTIZE_KEYS = /* @__PURE__ */ optionKeys<NonNullable<CompressModelOptions['quantize']>>()(['bits', 'scheme', 'granularity', 'calibration', 'rounding', 'seed', 'actOrder', 'units']);
/** A LogisticModel (or anything that scores like one): compressed, it predicts labels and probabilities too. */
function isLogistic(model: LinearModelLike): boolean {
  return 'predictProba' in (model as object);
}

function outputsOf(model: LinearModelLike): number {
  return model.outputs ?? 1;
}

export function compressModel(engine: Engine, model: LinearModelLike, options?: CompressModelOptions | null): CompressedLinearModel {
  const opts = checkOptions('compressModel', options, COMPRESS_MODEL_OPTION_KEYS);
  if (opts.quantize !== undefined) {
    if (typeof opts.quantize !== 'object' || opts.quantize === null) throw new SlimfitError('E_RANGE', `quantize must be an object such as { bits: 4 }, got ${describeValue(opts.quantize)}`);
    refuseUnknown('compressModel', opts.quantize, MODEL_QUANTIZE_KEYS, 'quantize');
  }
  checkModelLike(model);
  const d = model.d;
  const m = outputsOf(model);
  const method = opts.method ?? 'rtn';
  if (method !== 'rtn' && method !== 'gptq') throw new SlimfitError('E_RANGE', `method must be 'rtn' or 'gptq', got ${String(method)}`);
  const n = d * m;
  // W: outputs x d (row k = output k's coefficients).
  const W0 = new Float64Array(n);
  for (let k = 0; k < m; k++) for (let j = 0; j < d; j++) W0[k * d + j] = model.coef[j * m + k];
  const b0 = typeof model.intercept === 'number' ? Float64Array.of(model.intercept) : Float64Array.from(model.intercept);
  const { H, mean } = modelCalibration(engine, model, method, opts);
  const step = { d, m, method, H, damp: opts.damp };

  const pruned = opts.prune !== undefined ? pruneStep(engine, W0, modelPruneSpec(opts.prune, m, method), step) : { W: W0, keep: fullMask(n), report: undefined };
  const units = opts.quantize !== undefined ? unitsQuantizeStep(engine, W0, pruned.W, pruned.keep, opts.quantize, step, method === 'rtn' ? calibrationRows(model, opts.X) : undefined) : undefined;
  const quantized = units?.result;
  const { eff, shift } = correctStep(W0, pruned.W, pruned.keep, quantized, mean, d, m);

  let se = 0;
  for (let i = 0; i < n; i++) se += (eff[i] - W0[i]) ** 2;
  const sparsity = opts.prune !== undefined ? 1 - maskCount(pruned.keep, n) / n : 0;
  const bits = opts.quantize !== undefined ? opts.quantize.bits : null;
  return new CompressedLinearModel({
    task: isLogistic(model) ? 'logistic' : 'linear',
    d,
    outputs: m,
    intercept: Float64Array.from(b0, (v, k) => v + shift[k]),
    keep: pruned.keep,
    dense: pruned.W,
    ...(quantized ? { codes: quantized.codes, scheme: quantized.scheme, scale: quantized.scale } : {}),
    ...(quantized?.zeroPoint ? { zeroPoint: quantized.zeroPoint } : {}),
    ...(quantized?.inputScale ? { inputScale: quantized.inputScale } : {}),
    bits,
    groupSize: quantized ? quantized.groupSize : n,
    report: {
      method,
      bits,
      sparsity,
      coefRmse: Math.sqrt(se / n),
      prune: pruned.report,
      quantize: quantized?.report,
      interceptShift: shift,
      interceptCorrected: mean !== undefined,
      warnings: units?.warnings ?? [],
    },
  });
}

/** The calibration rows as a matrix of the model's width, when X is given. */
function calibrationRows(model: LinearModelLike, X: MatrixInput | undefined) {
  if (X === undefined) return undefined;
  const M = toMatrix(X, 'X');
  if (M.cols !== model.d) throw new SlimfitError('E_SHAPE', `calibration X has ${M.cols} columns but the model has ${model.d}`);
  return M;
}

/**
 * What the steps read from the calibration options: 'gptq' needs H (from X,
 * H or a precomputed hessian); either method takes the mean of X for the
 * intercept correction when X (or a hessian with its mean) is given.
 */
function modelCalibration(engine: Engine, model: LinearModelLike, method: 'rtn' | 'gptq', opts: CompressModelOptions): { H: Float64Array | undefined; mean: Float64Array | undefined } {
  const d = model.d;
  const logistic = isLogistic(model);
  const hessianMean = (h: CalibrationHessian): Float64Array | undefined => {
    const mean = h.mean;
    if (mean !== undefined && (!(mean instanceof Float64Array) || mean.length !== d)) throw new SlimfitError('E_SHAPE', `hessian.mean must be a Float64Array of ${d} values`);
    return mean;
  };
  if (method === 'gptq') {
    if (opts.hessian !== undefined) return { H: checkH(opts.hessian.H, d), mean: hessianMean(opts.hessian) };
    if (opts.X !== undefined) return calibrationHessian(engine, model, opts.X, logistic);
    if (opts.H !== undefined) return { H: checkH(opts.H, d), mean: undefined };
    throw new SlimfitError('E_RANGE', "method 'gptq' needs calibration data: pass X (n x d), H (d x d) or hessian");
  }
  // 'rtn': only the mean (the same correction 'gptq' applies); H is not used.
  if (opts.hessian !== undefined) return { H: undefined, mean: hessianMean(opts.hessian) };
  if (opts.X !== undefined) return { H: undefined, mean: calibrationMean(model, opts.X, logistic) };
  return { H: undefined, mean: undefined };
}
