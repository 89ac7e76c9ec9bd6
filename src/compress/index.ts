/** Compression beyond the engine's threshold prune and max-abs quantize. */
export { SparseTensor, type SparseFormat } from './sparse-tensor.js';
export { pruneBySpec, pruneGlobal, type PruneSpec, type ThresholdSpec, type ImportancePruneSpec, type StructuredPruneSpec, type NMPruneSpec, type GlobalPruneOptions } from './prune-spec.js';
export { quantizeWith, type QuantizeWithOptions, type QuantizeWithResult, type QuantReport } from './quantize-with.js';
export type { Rounding } from './rounding.js';
export type { Calibration } from './calibrate.js';
export { quantizeGPTQ, type GPTQOptions, type GPTQReport, type GPTQResult, type GPTQGranularity } from './gptq.js';
export { pruneSparseGPT, type SparseGPTOptions, type SparseGPTReport, type SparseGPTResult } from './sparsegpt.js';
export type { WeightsInput } from './hessian.js';
export { compressModel, type CompressModelOptions, type LinearModelLike } from './model.js';
export { CompressedLinearModel, type CompressedModelReport, type ModelTask } from './compressed-model.js';
export { calibrationHessian, type CalibrationHessian } from './calib-hessian.js';
export { compressionReport, auc, type CompressionReportOptions, type RateDistortionRow } from './rate-distortion.js';
export { fitQuantized, type FitQuantizedOptions, type FitQuantizedReport, type FitQuantizedResult } from './fit-quantized.js';
export type { IntegerBudget } from './integer-ls.js';
export { toScorecard, Scorecard, type ToScorecardOptions, type ScorecardBin, type ScorecardFeature, type ScorecardFidelity, type ScorecardReport } from './scorecard.js';
export { scorecardCsv, scorecardPointsCsv, scorecardMarkdown } from './scorecard-table.js';
