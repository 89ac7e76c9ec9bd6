/**
 * The method facade: `engine.fitLinear(X, y)` for `fitLinear(engine, X, y)`,
 * and so on for every operation. It imports every operation, so nothing inside
 * slimfit imports it; the package's main entry hands it out for convenience,
 * and `slimfit/core` leaves it out so that bundles carry only what they call.
 */
import { Engine as CoreEngine } from './engine/engine.js';
import type { F32Buffer, F64Buffer } from './engine/buffers.js';
import { initFor, type InitOptions } from './engine/init.js';
import type { Matrix, QuantizedTensor } from './types.js';
import type { MatrixInput } from './validate.js';
import { gram, type GramOptions, type GramResult, type GramX, type GramY } from './ops/gram.js';
import { solveSPD, type SolveA, type SolveB, type SolveOptions } from './ops/solve.js';
import { dequantize, quantize, type DequantizeOptions, type QuantizedInput, type QuantizeInput, type QuantizeOptions } from './ops/quantize.js';
import type { PruneInput, PruneResult, ThresholdPruneSpec } from './ops/prune.js';
import { prune } from './compress/prune.js';
import { pruneGlobal, type GlobalPruneOptions, type NMPruneSpec, type PruneSpec } from './compress/prune-spec.js';
import type { SparseTensor } from './compress/sparse-tensor.js';
import { quantizeWith, type QuantizeWithOptions, type QuantizeWithResult } from './compress/quantize-with.js';
import { quantizeGPTQ, type GPTQOptions, type GPTQResult } from './compress/gptq.js';
import type { WeightsInput } from './compress/hessian.js';
import { pruneSparseGPT, type SparseGPTOptions, type SparseGPTResult } from './compress/sparsegpt.js';
import { compressModel, type CompressModelOptions, type LinearModelLike } from './compress/model.js';
import type { CompressedLinearModel } from './compress/compressed-model.js';
import { compressReducedRank, type CompressReducedRankOptions } from './compress/reduced-rank.js';
import type { CompressedReducedRankModel } from './compress/compressed-reduced-rank.js';
import { compressionReport, type CompressionReportOptions, type RateDistortionRow } from './compress/rate-distortion.js';
import { calibrationHessian, type CalibrationHessian } from './compress/calib-hessian.js';
import { fitQuantized, type FitQuantizedOptions, type FitQuantizedResult } from './compress/fit-quantized.js';
import { toScorecard, type Scorecard, type ToScorecardOptions } from './compress/scorecard.js';
import { fitLinear, type FitLinearOptions } from './fit/linear.js';
import type { LinearModel } from './fit/model.js';
import type { DesignInput } from './fit/design.js';
import { LinearAccumulator, linearAccumulator, type LinearAccumulatorJSON, type LinearAccumulatorOptions } from './fit/accumulator.js';
import { fitLogistic, type FitLogisticOptions } from './fit/logistic.js';
import type { LogisticModel } from './fit/logistic-model.js';
import { reducedRank, type RankChoice, type ReducedRankOptions } from './fit/reduced-rank.js';
import type { ReducedRankModel } from './fit/reduced-rank-model.js';
import { distill, type DistillOptions, type DistillResult, type Teacher } from './distill/index.js';

export class Engine extends CoreEngine {
  /**
   * X^T W X (d*d, full symmetric) and X^T W y; X row-major { rows, cols, data } or number[][].
   * X's data, y and weights may be engine.memory.f64 buffers (read in place);
   * `out: { xtx?, xty? }` writes the results into buffers.
   */
  gram(X: GramX | Matrix, y?: GramY, opts?: GramOptions | null): GramResult {
    return gram(this, X, y, opts);
  }

  /**
   * Solves (A + ridge I) x = b for SPD A by Cholesky; b may hold k right-hand sides (d*k row-major).
   * A and b may be engine.memory.f64 buffers (read in place, never modified); `out` takes the solution.
   */
  solveSPD(A: SolveA, b: SolveB, opts?: SolveOptions | null): Float64Array {
    return solveSPD(this, A, b, opts);
  }

  /** See prune() in compress/prune.ts: every pruning rule on one tensor. */
  prune<W extends Float32Array | Float64Array>(w: W, spec: PruneSpec): SparseTensor<W>;
  prune<W extends F32Buffer | F64Buffer>(w: W, spec: NMPruneSpec): SparseTensor<W extends F32Buffer ? Float32Array : Float64Array>;
  prune<W extends PruneInput>(w: W, spec: ThresholdPruneSpec): PruneResult<W extends Float32Array | F32Buffer ? Float32Array : Float64Array>;
  prune(w: PruneInput, spec: PruneSpec | ThresholdPruneSpec): SparseTensor<Float32Array | Float64Array> | PruneResult<Float32Array | Float64Array> {
    return prune(this, w as Float32Array, spec as PruneSpec);
  }

  /** One sparsity across many tensors: the smallest |w| overall go first. */
  pruneGlobal<W extends Float32Array | Float64Array>(tensors: readonly W[], opts: GlobalPruneOptions): SparseTensor<W>[] {
    return pruneGlobal(this, tensors, opts);
  }

  /** Quantizes to 2..8-bit integers (ONNX QuantizeLinear rule, round half to even). */
  quantize(w: QuantizeInput, opts?: QuantizeOptions | null): QuantizedTensor {
    return quantize(this, w, opts);
  }

  /**
   * Quantize with a choice of rounding ('half-even' | 'half-away' | 'floor' |
   * 'stochastic') and clip calibration ('minmax' | 'percentile' | 'mse'), and a
   * report: RMSE, max error, SQNR (dB), bytes before/after.
   */
  quantizeWith(w: ArrayLike<number>, opts?: QuantizeWithOptions): QuantizeWithResult {
    return quantizeWith(this, w, opts);
  }

  /** GPTQ: quantize W (rows = outputs; or one row as a vector) column by column, pushing each error onto later columns through H = X^T X. */
  quantizeGPTQ(W: WeightsInput, H: Float64Array | MatrixInput, opts?: GPTQOptions): GPTQResult {
    return quantizeGPTQ(this, W, H, opts);
  }

  /** SparseGPT / exact greedy OBS pruning of W using H = X^T X; the report says which ran. */
  pruneSparseGPT(W: WeightsInput, H: Float64Array | MatrixInput, opts: SparseGPTOptions): SparseGPTResult {
    return pruneSparseGPT(this, W, H, opts);
  }

  /** A linear or logistic model with pruned and/or quantized weights that predicts from its integer codes. */
  compressModel(model: LinearModelLike, opts?: CompressModelOptions): CompressedLinearModel {
    return compressModel(this, model, opts);
  }

  /** Rate-distortion table: bytes vs MSE / AUC for every method x bits x sparsity asked for. */
  compressionReport(model: LinearModelLike, Xtest: MatrixInput, ytest: ArrayLike<number> | MatrixInput, opts?: CompressionReportOptions): RateDistortionRow[] {
    return compressionReport(this, model, Xtest, ytest, opts);
  }

  /** The Hessian GPTQ / OBS calibrate a model with on rows X: X^T X, or X^T diag(p (1 - p)) X for a logistic model, centred when it has an intercept. */
  calibrationHessian(model: LinearModelLike, X: MatrixInput, logistic: boolean): CalibrationHessian {
    return calibrationHessian(this, model, X, logistic);
  }

  /** Trains the weights on the b-bit grid from data (X, y): GPTQ start, coordinate descent, enumeration; report.optimal is a proof for the grid. */
  fitQuantized(X: MatrixInput, y: ArrayLike<number>, opts?: FitQuantizedOptions): FitQuantizedResult {
    return fitQuantized(this, X, y, opts);
  }

  /** A logistic model on grouped bin columns as integer points per bin (no engine needed: same as toScorecard(model, opts)). */
  toScorecard(model: unknown, opts: ToScorecardOptions): Scorecard {
    return toScorecard(model, opts);
  }

  /** (q - z) * s back to float32; q.data may be an engine.memory i8/u8 buffer (e.g. quantize's out), read in place. */
  dequantize(q: QuantizedInput, opts?: DequantizeOptions | null): Float32Array {
    return dequantize(this, q, opts);
  }

  /**
   * Least squares by the normal equations, centred and scaled; 'auto' accuracy
   * escalates to iterative refinement or double-double when the condition
   * estimate says float64 would lose digits (stats.method says which ran).
   */
  fitLinear(X: DesignInput, y: ArrayLike<number>, options?: FitLinearOptions): LinearModel<number>;
  fitLinear(X: DesignInput, y: MatrixInput, options?: FitLinearOptions): LinearModel<Float64Array>;
  fitLinear(X: DesignInput, y: ArrayLike<number> | MatrixInput, options?: FitLinearOptions): LinearModel {
    return fitLinear(this, X, y, options);
  }

  /** A streaming, mergeable least-squares accumulator over d features. */
  linearAccumulator(d: number, options?: LinearAccumulatorOptions): LinearAccumulator {
    return linearAccumulator(this, d, options);
  }

  /** Rebuilds an accumulator from `acc.toJSON()` (e.g. a shard fitted elsewhere). */
  linearAccumulatorFromJSON(json: LinearAccumulatorJSON | string): LinearAccumulator {
    return LinearAccumulator.fromJSON(this, json);
  }

  /** Logistic regression by IRLS; every step is a weighted normal-equations solve on these kernels. */
  fitLogistic(X: MatrixInput, y01: ArrayLike<number>, options?: FitLogisticOptions): LogisticModel {
    return fitLogistic(this, X, y01, options);
  }

  /** Reduced-rank regression: Y ≈ intercept + (X encoder) decoder, rank r, 'gcv' or 'bic'. */
  reducedRank(X: MatrixInput, Y: MatrixInput | ArrayLike<number>, rank: RankChoice, options?: ReducedRankOptions): ReducedRankModel {
    return reducedRank(this, X, Y, rank, options);
  }

  /** A reduced-rank model with both factors quantized (and/or pruned) by compressModel, encoder first. */
  compressReducedRank(model: ReducedRankModel, options?: CompressReducedRankOptions): CompressedReducedRankModel {
    return compressReducedRank(this, model, options);
  }

  /** A small student (selected inputs, optionally compressed) distilled from any teacher on the transfer set X. */
  distill(teacher: Teacher, X: MatrixInput, options?: DistillOptions): DistillResult {
    return distill(this, teacher, X, options);
  }
}

/** init() whose engine also has every operation as a method. */
export const init: (options?: InitOptions) => Promise<Engine> = /* @__PURE__ */ initFor(Engine);
