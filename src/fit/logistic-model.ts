/**
 * A fitted logistic regression: P(y = 1 | x) = sigmoid(intercept + x . coef).
 * Plain data; predictions in float64 JS with an overflow-free sigmoid;
 * toJSON()/fromJSON() round-trip every number bit-exactly.
 */
import { SlimfitError } from '../errors.js';
import { assertOption, toMatrix, type MatrixInput } from '../validate.js';
import { decodeArr, decodeBool, decodeFiniteArr, decodeNum, encodeArr, encodeNum, type JsonNum } from './model.js';

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

const SCALARS = ['n', 'iterations', 'logLikelihood', 'deviance', 'nullDeviance', 'aic', 'interceptStdError', 'interceptZValue', 'condition'] as const;

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
      for (let j = 0; j < d; j++) t += (M.data[i * d + j] as number) * (this.coef[j] as number);
      out[i] = t;
    }
    return out;
  }

  /** P(y = 1) for each row. */
  predictProba(X: MatrixInput): Float64Array {
    return this.decisionFunction(X).map(sigmoid);
  }

  /** 1 where P(y = 1) >= threshold (default 0.5), else 0. */
  predict(X: MatrixInput, threshold = 0.5): Uint8Array {
    assertOption(threshold, 'threshold', 0, 1);
    const p = this.predictProba(X);
    return Uint8Array.from(p, (v) => (v >= threshold ? 1 : 0));
  }

  toJSON(): LogisticModelJSON {
    const st = this.stats;
    const scal = Object.fromEntries(SCALARS.map((k) => [k, encodeNum(st[k])])) as Record<(typeof SCALARS)[number], JsonNum>;
    return {
      format: 'slimfit.logistic',
      version: 1,
      d: this.d,
      fitIntercept: this.fitIntercept,
      coef: encodeArr(this.coef),
      intercept: encodeNum(this.intercept),
      stats: { ...scal, stdErrors: encodeArr(st.stdErrors), zValues: encodeArr(st.zValues), converged: st.converged, method: 'irls' },
    };
  }

  static fromJSON(json: LogisticModelJSON | string): LogisticModel {
    let j: LogisticModelJSON;
    try {
      j = typeof json === 'string' ? (JSON.parse(json) as LogisticModelJSON) : json;
    } catch (e) {
      throw new SlimfitError('E_FORMAT', `model JSON does not parse: ${(e as Error).message}`);
    }
    if (!j || j.format !== 'slimfit.logistic' || j.version !== 1) {
      throw new SlimfitError('E_FORMAT', 'not a slimfit logistic model (expected format "slimfit.logistic", version 1)');
    }
    if (!Number.isInteger(j.d) || j.d < 1) throw new SlimfitError('E_FORMAT', `bad model dimension d = ${j.d}`);
    const st = j.stats;
    if (!st || typeof st !== 'object') throw new SlimfitError('E_FORMAT', 'model JSON has no stats');
    const scal = Object.fromEntries(SCALARS.map((k) => [k, decodeNum(st[k], `stats.${k}`)])) as Record<(typeof SCALARS)[number], number>;
    const fitIntercept = decodeBool(j.fitIntercept, 'fitIntercept');
    const intercept = decodeFiniteArr([j.intercept], 1, 'intercept')[0] as number;
    if (!fitIntercept && intercept !== 0) throw new SlimfitError('E_FORMAT', `intercept is ${intercept} but fitIntercept is false; a model fitted without an intercept has intercept 0`);
    return new LogisticModel({
      d: j.d,
      coef: decodeFiniteArr(j.coef, j.d, 'coef'),
      intercept,
      fitIntercept,
      stats: {
        ...scal,
        stdErrors: decodeArr(st.stdErrors, j.d, 'stats.stdErrors'),
        zValues: decodeArr(st.zValues, j.d, 'stats.zValues'),
        converged: decodeBool(st.converged, 'stats.converged'),
        method: 'irls',
      },
    });
  }
}
