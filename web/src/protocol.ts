/**
 * The messages between the page and its Worker: every request names a method
 * and carries an id; the Worker answers with the same id, a result or an
 * error (code and message of a SlimfitError). Only plain data and typed
 * arrays cross, never a model object.
 */
import type { SlimfitErrorCode } from '../../src/errors.js';

export type DatasetSource = { source: 'credit'; rows: number; seed: number } | { source: 'csv'; name: string; text: string };

export interface DatasetInfo {
  name: string;
  rows: number;
  /** Numeric columns, in file order: the targets and features to choose from. */
  columns: string[];
  /** Columns left out because a cell is not a number (named, so the page can say why). */
  skipped: string[];
  /** Suggested target and features (the credit data: default and the eight bureau features). */
  target: string;
  features: string[];
  ms: number;
}

export interface FitRequest {
  target: string;
  features: string[];
  /** 0: the raw columns; 2..16: quantile bins per feature as indicator columns (a scorecard design). */
  bins: number;
}

export type Task = 'logistic' | 'linear';

/** One point of the rate-distortion report: bytes stored for the coefficients and the held-out metric. */
export interface RdPoint {
  /**
   * 'scorecard': integer points per bin (logistic fits on bins only), `rounding` says how they were rounded;
   * 'distill': a student on a share 1 - sparsity of the columns, GPTQ-quantized.
   */
  method: 'float' | 'rtn' | 'gptq' | 'qat' | 'scorecard' | 'distill';
  rounding?: 'nearest' | 'optimal';
  bits: number | null;
  sparsity: number;
  bytes: number;
  metric: number;
}

export interface FitResult {
  task: Task;
  /** 'AUC' (logistic; higher is better) or 'MSE' (least squares; lower is better), on the held-out rows. */
  metricName: 'AUC' | 'MSE';
  names: string[];
  coef: Float64Array;
  intercept: number;
  metric: number;
  floatBytes: number;
  trainRows: number;
  testRows: number;
  calibRows: number;
  fitMs: number;
  rd: RdPoint[];
  rdMs: number;
}

/** 'distill': a student distilled from the fit onto fewer columns (sparsity = the share dropped), quantized by GPTQ. */
export type Method = 'rtn' | 'gptq' | 'qat' | 'distill';

export interface CompressRequest {
  method: Method;
  /** 2..8. */
  bits: number;
  /** In [0, 0.95]; 'qat' trains dense weights and takes 0 only; 'distill': the share of columns the student drops. */
  sparsity: number;
}

export interface CompressResult {
  method: Method;
  bits: number;
  sparsity: number;
  /** The coefficients the compressed model scores with (dequantized; 0 for a column a student does not read), and its intercept. */
  coef: Float64Array;
  intercept: number;
  /** The design columns the model reads (all of them, except for a distilled student). */
  columns: number[];
  /** The integer codes as stored (one per kept weight), for comparison across runtimes. */
  codes: Int8Array | Uint8Array | Float64Array;
  scale: Float32Array | null;
  bytes: number;
  metric: number;
  ms: number;
  /** The .slim file of this model (stripped of provenance: the same inputs give the same bytes). */
  slim: Uint8Array;
  /** 'qat' only: whether fitQuantized proved the weights optimal on the grid. */
  optimal?: boolean;
}

export interface ScoreResult {
  kind: string;
  d: number;
  features: string[] | null;
  /** The linear predictor (logit for logistic models) of every row given, or of the held-out rows. */
  scores: Float64Array;
  /** The held-out metric, when the file's features are the current design's columns. */
  metric: number | null;
  /** Why no metric, when there is none. */
  note: string | null;
}

export interface EngineInfo {
  backend: string;
  fallbackReason: string | null;
}

/** The Worker's methods: request and result types by name. */
export interface Api {
  info: [void, EngineInfo];
  load: [DatasetSource, DatasetInfo];
  fit: [FitRequest, FitResult];
  compress: [CompressRequest, CompressResult];
  /** `rows`: score these rows (row-major, the file's d columns); omitted: the current held-out rows. */
  score: [{ slim: Uint8Array; rows?: Float64Array }, ScoreResult];
}

export type MethodName = keyof Api;

export interface Request<K extends MethodName = MethodName> {
  id: number;
  method: K;
  arg: Api[K][0];
}

/** A failure carries the SlimfitError's code and reason (its message without the code); code null for anything else (a bug, not a bad input). */
export type Response = { id: number; ok: true; result: unknown } | { id: number; ok: false; code: SlimfitErrorCode | null; message: string };
