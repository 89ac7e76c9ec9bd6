/**
 * A fitted logistic regression: P(y = 1 | x) = sigmoid(intercept + x . coef).
 * Plain data; predictions in float64 JS with an overflow-free sigmoid;
 * toJSON()/fromJSON() round-trip every number bit-exactly. The fields, their
 * checks and their encoding are src/models/logistic-schema.ts, shared with
 * the .slim "logistic" kind.
 */
import { SlimfitError } from '../errors.js';
import { formatError, isPlainObject, parseJson, type JsonNum } from '../json.js';
import { INLINE_ARRAYS } from '../models/fields.js';
import { readLogistic, writeLogistic } from '../models/logistic-schema.js';
import { assertOption, toMatrix, type MatrixInput } from '../validate.js';
import type { PrivacyReport } from '../privacy/report.js';

export interface LogisticStats {
  /** Rows with positive weight. */
  n: number;
  /** IRLS (Newton) steps taken. */
  iterations: number;
  /** false when maxIter was reached first (the model is the last iterate). */
  converged: boolean;
  /** sum w [y log p + (1 - y) log(1 - p)] at the estimate (without the ridge penalty). */
  logLikelihood: number;
  /** -2 logLikelihood. */
  deviance: number;
  /** Deviance of the intercept-only model (or of p = 1/2 everywhere without intercept). */
  nullDeviance: number;
  /** deviance + 2 * effective parameters. */
  aic: number;
  /** Wald standard errors of coef from the inverse Fisher information (ridge: sandwich A_r^-1 A A_r^-1). */
  stdErrors: Float64Array;
  /** coef / stdErrors. */
  zValues: Float64Array;
  /** NaN without an intercept. */
  interceptStdError: number;
  interceptZValue: number;
  /** cond_1 of the equilibrated Fisher information (+ ridge) at the estimate. */
  condition: number;
  method: 'irls';
  /** Present on a differentially private fit: its guarantee (docs/PRIVACY.md). */
  privacy?: PrivacyReport;
}

export interface LogisticModelJSON {
  format: 'slimfit.logistic';
  version: 1;
  d: number;
  fitIntercept: boolean;
  coef: JsonNum[];
  intercept: JsonNum;
  stats: Record<Exclude<keyof LogisticStats, 'stdErrors' | 'zValues' | 'converged' | 'method'>, JsonNum> & {
    stdErrors: JsonNum[];
    zValues: JsonNum[];
    converged: boolean;
    method: 'irls';
  };
}

/** log(1 + e^t) without overflow. */
export function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** 1 / (1 + e^-t) without overflow. */
export function sigmoid(t: number): number {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

/**
 * 0/1 labels from logits: 1 where sigmoid(t) >= threshold (default 0.5).
 * The one rule every logistic model kind's predict uses.
 */
export function labels(logits: Float64Array, threshold = 0.5): Float64Array {
  assertOption(threshold, 'threshold', 0, 1);
  return logits.map((t) => (sigmoid(t) >= threshold ? 1 : 0));
}

export class LogisticModel {
  readonly d: number;
  readonly coef: Float64Array;
  /** 0 when fitted without one. */
  readonly intercept: number;
  readonly fitIntercept: boolean;
  readonly stats: LogisticStats;

  constructor(init: { d: number; coef: Float64Array; intercept: number; fitIntercept: boolean; stats: LogisticStats }) {
    this.d = init.d;
    this.coef = init.coef;
    this.intercept = init.intercept;
    this.fitIntercept = init.fitIntercept;
    this.stats = init.stats;
  }

  /** Linear predictor intercept + x . coef for each row. */
  decisionFunction(X: MatrixInput): Float64Array {
    const M = toMatrix(X, 'X', { allowEmpty: true });
    if (M.cols !== this.d && M.rows > 0) throw new SlimfitError('E_SHAPE', `X has ${M.cols} columns but the model was fitted on ${this.d}`);
    const out = new Float64Array(M.rows);
    const d = this.d;
    for (let i = 0; i < M.rows; i++) {
      let t = this.intercept;
      for (let j = 0; j < d; j++) t += M.data[i * d + j] * this.coef[j];
      out[i] = t;
    }
    return out;
  }

  /** P(y = 1) for each row: one value per row (not sklearn's two columns). */
  predictProba(X: MatrixInput): Float64Array {
    return this.decisionFunction(X).map(sigmoid);
  }

  /** 0/1 labels: 1 where P(y = 1) >= threshold (default 0.5), else 0 (a Float64Array, as every model's predict). */
  predict(X: MatrixInput, threshold = 0.5): Float64Array {
    return labels(this.decisionFunction(X), threshold);
  }

  /** E_SHAPE when the model is inconsistent (e.g. built by hand with incomplete stats). */
  toJSON(): LogisticModelJSON {
    return { format: 'slimfit.logistic', version: 1, ...writeLogistic(this, INLINE_ARRAYS) } as unknown as LogisticModelJSON;
  }

  /** Rebuilds a model from toJSON() output (or its JSON string); E_FORMAT on anything malformed. */
  static fromJSON(json: LogisticModelJSON | string): LogisticModel {
    const j = typeof json === 'string' ? parseJson(json, 'model JSON') : json;
    if (!isPlainObject(j) || j.format !== 'slimfit.logistic' || j.version !== 1) {
      throw formatError('not a slimfit logistic model (expected format "slimfit.logistic", version 1)');
    }
    return new LogisticModel(readLogistic(j, INLINE_ARRAYS, ''));
  }
}
