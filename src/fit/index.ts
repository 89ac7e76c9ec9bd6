/**
 * Model fitting on LinAlg (gram + solveSPD, src/ops/linalg.ts): least squares
 * (one-shot and streaming/mergeable) and logistic regression. Every function
 * takes an engine (or any LinAlg) first.
 */
export { fitLinear, AUTO_FAST_MAX_COND, AUTO_REFINE_MAX_COND, FAST_SINGULAR_COND, type Accuracy, type FitLinearOptions } from './linear.js';
export { LinearModel, type LinearModelJSON, type JsonNum } from './model.js';
export type { LinearStats, LinearMethod } from './stats.js';
export {
  LinearAccumulator,
  linearAccumulator,
  linearAccumulatorFromJSON,
  type LinearAccumulatorOptions,
  type AccumulatorFitOptions,
  type LinearAccumulatorJSON,
} from './accumulator.js';
export { fitLogistic, type FitLogisticOptions } from './logistic.js';
export { LogisticModel, type LogisticStats, type LogisticModelJSON } from './logistic-model.js';
export { polynomialDesign, type DesignMatrix, type DesignInput } from './design.js';
export { DD_SINGULAR_COND } from './ddfactor.js';
export { reducedRank, type ReducedRankOptions, type RankChoice } from './reduced-rank.js';
export { ReducedRankModel, type ReducedRankModelJSON } from './reduced-rank-model.js';
export type { ReducedRankStats, RankRule } from '../models/reduced-rank-schema.js';
