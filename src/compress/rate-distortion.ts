/**
 * compressionReport: what accuracy each byte saved costs. For every method,
 * bit width and sparsity it compresses the model (compressModel) and scores
 * it on held-out data: MSE against ytest for a linear model, AUC for a
 * logistic one, plus the output MSE against the float model's own outputs.
 * 'qat' rows are not compressions of the model but models trained on the
 * grid from the calibration rows and targets (fitQuantized), with the proof status.
 * With `ranks` (a least-squares model with several outputs, and calibration
 * X) it adds reduced-rank rows: the model's coefficient matrix projected on
 * the top r singular directions of its fitted values on X (projectRank),
 * in float64 and with both factors quantized (compressReducedRank).
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { toMatrix, toVector, type MatrixInput } from '../validate.js';
import { calibrationHessian } from './calib-hessian.js';
import type { CompressedLinearModel } from './compressed-model.js';
import { compressModel, type CompressModelOptions, type LinearModelLike } from './model.js';
import { checkOptions, optionKeys } from '../options.js';
import { auc } from './auc.js';
import { checkModelLike } from './model-like.js';
import { scorecardRows, type ScorecardRowsOptions } from './scorecard-rows.js';
import { fitQuantized } from './fit-quantized.js';
import type { IntegerBudget } from './integer-ls.js';
import { projectRank } from '../fit/reduced-rank.js';
import { compressReducedRank } from './reduced-rank.js';

export interface CompressionReportOptions {
  /** Bit widths (2..8); null = keep float64 values (pruning only). Default [2, 3, 4, 8]. */
  bits?: (number | null)[];
  /** Sparsities in [0, 1). Default [0, 0.5, 0.75, 0.9]. */
  sparsity?: number[];
  /** Default ['rtn'], plus 'gptq' when X or H is given, plus 'qat' when X and y are. */
  methods?: ('rtn' | 'gptq' | 'qat')[];
  /** Calibration data (never the test data): H for 'gptq', and the intercept correction of both methods. */
  X?: MatrixInput;
  H?: Float64Array;
  /** The calibration rows' targets: 'qat' trains on (X, y) with fitQuantized (one row per bit width, no pruning). */
  y?: ArrayLike<number>;
  /** The enumeration budget of each 'qat' row (fitQuantized's default without it). */
  budget?: IntegerBudget;
  scheme?: 'symmetric' | 'affine';
  granularity?: 'tensor' | 'row' | { block: number };
  /**
   * The bytes of the file each row's model would be written as (e.g. the
   * length of its .slim: slimFileBytes from slimfit/core, which this layer
   * does not import); called with the float model for the first row and
   * with each compressed model. Without it, rows carry no fileBytes.
   */
  fileBytes?: (model: LinearModelLike | CompressedLinearModel) => number;
  /**
   * Reduced-rank rows ('rrr') at these ranks (integers in [1, min(d, outputs)]); needs X and a
   * least-squares model. Each rank gives a float64 row and one per method and bit width (symmetric
   * codes, `granularity` or one scale per latent score and per output).
   */
  ranks?: number[];
  /** Logistic models on bin columns: add 'scorecard' rows (integer points per bin; 'optimal' too with X). */
  scorecard?: ScorecardRowsOptions;
}

const COMPRESSION_REPORT_OPTION_KEYS = /* @__PURE__ */ optionKeys<CompressionReportOptions>()(['bits', 'sparsity', 'methods', 'X', 'H', 'y', 'budget', 'scheme', 'granularity', 'fileBytes', 'ranks', 'scorecard']);

export interface RateDistortionRow {
  /**
   * 'rrr': reduced rank (`rank`), its factors float64 (bits null) or quantized by `quantizer`;
   * 'distill': a student distilled from the model (rows the command line's `report --distill` adds);
   * 'scorecard': the model as integer points per bin.
   */
  method: 'float' | 'rtn' | 'gptq' | 'qat' | 'rrr' | 'distill' | 'scorecard';
  /** 'scorecard' rows: how the points were rounded. */
  rounding?: 'nearest' | 'optimal';
  rank?: number;
  quantizer?: 'rtn' | 'gptq';
  /** 'distill' rows: the inputs the student keeps (sparsity is then 1 - inputs / d). */
  inputs?: number;
  bits: number | null;
  /** 'qat' rows: whether fitQuantized proved the weights optimal on their grid; 'scorecard' 'optimal' rows: whether the points were proved closest. */
  optimal?: boolean;
  sparsity: number;
  /** What the model stores for its coefficients (packed codes, scales, index, intercepts). */
  bytes: number;
  /** The whole file's bytes, from opts.fileBytes (header, names and all); absent without it. */
  fileBytes?: number;
  /** float64 bytes / bytes. */
  ratio: number;
  /** Linear: mean squared error against ytest. */
  mse?: number;
  /** Logistic: area under the ROC curve on (Xtest, ytest). */
  auc?: number;
  /** metric - the float model's metric (mse: > 0 is worse; auc: < 0 is worse). */
  deltaVsFloat: number;
  /** Mean squared difference of the outputs (linear predictor) from the float model's. */
  outputMse: number;
}

export function compressionReport(engine: Engine, model: LinearModelLike, Xtest: MatrixInput, ytest: ArrayLike<number> | MatrixInput, options?: CompressionReportOptions | null): RateDistortionRow[] {
  const opts = checkOptions('compressionReport', options, COMPRESSION_REPORT_OPTION_KEYS);
  checkModelLike(model);
  const logistic = 'predictProba' in model;
  const Xt = toMatrix(Xtest, 'Xtest');
  const m = model.outputs ?? 1;
  const y = Array.isArray(ytest) && Array.isArray(ytest[0]) ? toMatrix(ytest as MatrixInput, 'ytest').data : toVector(ytest as ArrayLike<number>, 'ytest');
  if (y.length !== Xt.rows * m) throw new SlimfitError('E_SHAPE', `ytest has ${y.length} values but Xtest has ${Xt.rows} rows and the model ${m} outputs`);
  if (logistic) for (let i = 0; i < y.length; i++) if (y[i] !== 0 && y[i] !== 1) throw new SlimfitError('E_RANGE', `ytest[${i}] = ${y[i]}; a logistic model is scored by AUC on 0/1 labels`);
  const bitsList = opts.bits ?? [2, 3, 4, 8];
  const sparsities = opts.sparsity ?? [0, 0.5, 0.75, 0.9];
  const methods = opts.methods ?? [...(opts.X !== undefined || opts.H !== undefined ? (['rtn', 'gptq'] as const) : (['rtn'] as const)), ...(opts.X !== undefined && opts.y !== undefined ? (['qat'] as const) : [])];
  if (methods.includes('qat') && (opts.X === undefined || opts.y === undefined)) throw new SlimfitError('E_RANGE', "method 'qat' trains on data: pass X and y (the calibration rows and their targets)");

  const hessian = opts.X !== undefined && methods.includes('gptq') ? calibrationHessian(engine, model, opts.X, logistic) : undefined;
  // AUC ranks logits; MSE compares values: the linear predictor of either task.
  const scores = (c: CompressedLinearModel) => (c.task === 'logistic' ? c.decisionFunction(Xt) : c.predict(Xt));
  const floatOut = scores(compressModel(engine, model)); // float64 coefficients: the model itself
  const metric = (out: Float64Array) => {
    if (logistic) return auc(out, y);
    let s = 0;
    for (let i = 0; i < y.length; i++) s += (out[i] - y[i]) ** 2;
    return s / y.length;
  };
  const outputMse = (out: Float64Array) => {
    let s = 0;
    for (let i = 0; i < out.length; i++) s += (out[i] - floatOut[i]) ** 2;
    return s / out.length;
  };
  const base = metric(floatOut);
  const floatBytes = 8 * model.d * m + 8 * m;
  const rows: RateDistortionRow[] = [
    { method: 'float', bits: null, sparsity: 0, bytes: floatBytes, ...(opts.fileBytes ? { fileBytes: opts.fileBytes(model) } : {}), ratio: 1, [logistic ? 'auc' : 'mse']: base, deltaVsFloat: 0, outputMse: 0 },
  ];
  for (const method of methods) {
    if (method === 'qat') {
      for (const bits of bitsList) {
        if (bits === null) continue;
        const q = fitQuantized(engine, opts.X!, opts.y!, {
          bits,
          task: logistic ? 'logistic' : 'linear',
          intercept: model.fitIntercept,
          ...(opts.scheme ? { scheme: opts.scheme } : {}),
          ...(opts.granularity ? { granularity: opts.granularity } : {}),
          ...(opts.budget ? { budget: opts.budget } : {}),
        });
        const c = q.model;
        const out = scores(c);
        const v = metric(out);
        rows.push({ method, bits, optimal: q.report.optimal, sparsity: 0, bytes: c.bytes, ...(opts.fileBytes ? { fileBytes: opts.fileBytes(c) } : {}), ratio: floatBytes / c.bytes, [logistic ? 'auc' : 'mse']: v, deltaVsFloat: v - base, outputMse: outputMse(out) });
      }
      continue;
    }
    for (const bits of bitsList) {
      for (const sparsity of sparsities) {
        if (bits === null && sparsity === 0) continue;
        const o: CompressModelOptions = { method };
        if (hessian) o.hessian = hessian; // both methods: 'rtn' takes only its mean (the intercept correction)
        else if (opts.X !== undefined) o.X = opts.X; // 'rtn' only: the mean of X, no H formed
        else if (opts.H !== undefined) o.H = opts.H;
        if (bits !== null) o.quantize = { bits, ...(opts.scheme ? { scheme: opts.scheme } : {}), ...(opts.granularity ? { granularity: opts.granularity } : {}) };
        if (sparsity > 0) o.prune = { sparsity };
        const c = compressModel(engine, model, o);
        const out = scores(c);
        const v = metric(out);
        rows.push({ method, bits, sparsity, bytes: c.bytes, ...(opts.fileBytes ? { fileBytes: opts.fileBytes(c) } : {}), ratio: floatBytes / c.bytes, [logistic ? 'auc' : 'mse']: v, deltaVsFloat: v - base, outputMse: outputMse(out) });
      }
    }
  }
  if (opts.scorecard !== undefined) {
    if (!logistic) throw new SlimfitError('E_RANGE', 'scorecard rows need a logistic model');
    rows.push(...scorecardRows(model, opts.scorecard, Xt, y, opts.X, floatOut, { auc: base, floatBytes }, auc));
  }
  if (opts.ranks !== undefined) {
    if (!Array.isArray(opts.ranks)) throw new SlimfitError('E_RANGE', 'ranks must be an array of integers');
    if (logistic) throw new SlimfitError('E_RANGE', 'ranks applies to a least-squares model (reduced-rank regression of several outputs)');
    if (opts.X === undefined) throw new SlimfitError('E_RANGE', 'ranks needs calibration data X (the fitted values whose singular vectors give the projection)');
    for (const rank of opts.ranks) {
      const rr = projectRank(engine, model, opts.X, rank);
      const row = (out: Float64Array, bytes: number, bits: number | null, quantizer?: 'rtn' | 'gptq'): RateDistortionRow => {
        const v = metric(out);
        return { method: 'rrr', rank, ...(quantizer ? { quantizer } : {}), bits, sparsity: 0, bytes, ratio: floatBytes / bytes, [logistic ? 'auc' : 'mse']: v, deltaVsFloat: v - base, outputMse: outputMse(out) };
      };
      rows.push(row(rr.predict(Xt), rr.bytes, null));
      // the factors are quantized by the rounding methods; qat trains a single matrix, not a factorisation
      for (const quantizer of methods) {
        if (quantizer === 'qat') continue;
        for (const bits of bitsList) {
          if (bits === null) continue;
          const c = compressReducedRank(engine, rr, { method: quantizer, bits, X: opts.X, ...(opts.granularity ? { granularity: opts.granularity } : {}) });
          rows.push(row(c.predict(Xt), c.bytes, bits, quantizer));
        }
      }
    }
  }
  return rows;
}
