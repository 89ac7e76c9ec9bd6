/**
 * slimfit/core: the engine and every operation as a free function taking the
 * engine first (`fitLinear(engine, X, y)`), with no method facade, so a
 * bundler keeps only what is called. The main entry adds the facade.
 */
export { init, type InitOptions, type BackendOption } from './engine/init.js';
export { Engine, type BackendKind } from './engine/engine.js';
export { WasmBuffer, type F32Buffer, type F64Buffer, type I8Buffer, type U8Buffer, type I32Buffer, MemoryApi } from './engine/buffers.js';
export { SlimfitError, isSlimfitError, type SlimfitErrorCode } from './errors.js';
export type { Matrix, QuantizedTensor, QuantScheme, Granularity } from './types.js';
export type { MatrixInput } from './validate.js';

// Linear algebra and the tensor operations.
export { gram, type GramOptions, type GramResult, type BufferMatrix } from './ops/gram.js';
export { solveSPD, type SolveOptions } from './ops/solve.js';
export type { ThresholdPruneSpec, PruneResult, PruneInput } from './ops/prune.js';
export { quantize, dequantize, type QuantizeOptions, type DequantizeOptions, type QuantizeInput, type QuantizedInput } from './ops/quantize.js';
export type { LinAlg } from './ops/linalg.js';

// Fitting.
export {
  fitLinear,
  fitLogistic,
  linearAccumulator,
  linearAccumulatorFromJSON,
  LinearModel,
  LinearAccumulator,
  LogisticModel,
  polynomialDesign,
  reducedRank,
  ReducedRankModel,
  type ReducedRankOptions,
  type RankChoice,
  type ReducedRankModelJSON,
  type ReducedRankStats,
  type RankRule,
  type FitLinearOptions,
  type Accuracy,
  type LinearStats,
  type LinearMethod,
  type LinearModelJSON,
  type LinearAccumulatorOptions,
  type LinearAccumulatorJSON,
  type AccumulatorFitOptions,
  type FitLogisticOptions,
  type LogisticStats,
  type LogisticModelJSON,
  type DesignMatrix,
  type DesignInput,
} from './fit/index.js';
export type {
  LinearPrivacyOptions,
  LogisticPrivacyOptions,
  AccumulatorPrivacyOptions,
  AccumulatorFitPrivacyOptions,
  LinearPrivacyMethod,
} from './privacy/options.js';
export type { PrivacyReport, PrivacyMechanism } from './privacy/report.js';

// Compression.
export { prune } from './compress/prune.js';
export {
  pruneGlobal,
  quantizeWith,
  quantizeGPTQ,
  pruneSparseGPT,
  compressModel,
  compressionReport,
  calibrationHessian,
  fitQuantized,
  toScorecard,
  Scorecard,
  scorecardCsv,
  scorecardPointsCsv,
  scorecardMarkdown,
  SparseTensor,
  CompressedLinearModel,
  compressReducedRank,
  CompressedReducedRankModel,
  type CompressReducedRankOptions,
  auc,
  type ModelTask,
  type SparseFormat,
  type PruneSpec,
  type ThresholdSpec,
  type ImportancePruneSpec,
  type StructuredPruneSpec,
  type NMPruneSpec,
  type GlobalPruneOptions,
  type QuantizeWithOptions,
  type QuantizeWithResult,
  type QuantReport,
  type Rounding,
  type Calibration,
  type GPTQOptions,
  type GPTQReport,
  type GPTQResult,
  type SparseGPTOptions,
  type SparseGPTReport,
  type SparseGPTResult,
  type WeightsInput,
  type CompressModelOptions,
  type CompressedModelReport,
  type LinearModelLike,
  type CompressionReportOptions,
  type RateDistortionRow,
  type CalibrationHessian,
  type FitQuantizedOptions,
  type FitQuantizedReport,
  type FitQuantizedResult,
  type IntegerBudget,
  type ToScorecardOptions,
  type ScorecardBin,
  type ScorecardFeature,
  type ScorecardFidelity,
  type ScorecardReport,
} from './compress/index.js';

// Knowledge transfer: a small student distilled from any teacher.
export * from './distill/index.js';

// Deployment: ONNX (browser-safe; only bundles that import it carry the protobuf encoder).
export { toONNX, type ToONNXOptions, type ONNXSource, type ONNXInput, type ONNXExportable, type ONNXPrecision } from './export/onnx.js';
export { toDequantizedSafetensors, type DequantizedSafetensorsOptions } from './export/safetensors-dequantized.js';
// Raw inputs (categorical, missing, binned columns): the input spec stored with a model.
export * from './features/index.js';

// Files (.slim, safetensors): encode/decode in memory; Node file helpers are in ./io/files.js.
export * from './io/index.js';
