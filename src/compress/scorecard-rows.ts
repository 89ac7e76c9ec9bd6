/**
 * compressionReport's 'scorecard' rows: the logistic model as integer points
 * per bin (toScorecard), rounded to nearest and, given calibration rows,
 * 'optimal'. Each row scores the test rows by the integer score, turned back
 * into a logit, (offset - score) / factor, so that AUC and the output MSE
 * compare with the other rows. Bytes: one int16 per bin and the base points
 * (bits 16).
 */
import type { Matrix } from '../types.js';
import type { MatrixInput } from '../validate.js';
import type { LinearModelLike } from './model.js';
import type { RateDistortionRow } from './rate-distortion.js';
import { toScorecard } from './scorecard.js';

export interface ScorecardRowsOptions {
  /** The model's design column names (bins, levels, missing indicators). */
  columns: readonly string[];
  pdo?: number;
  baseScore?: number;
  baseOdds?: number;
}

export function scorecardRows(
  model: LinearModelLike,
  sc: ScorecardRowsOptions,
  Xt: Matrix,
  y: Float64Array,
  calib: MatrixInput | undefined,
  floatLogit: Float64Array,
  base: { auc: number; floatBytes: number },
  auc: (score: Float64Array, y: Float64Array) => number,
): RateDistortionRow[] {
  const rows: RateDistortionRow[] = [];
  for (const rounding of calib !== undefined ? (['nearest', 'optimal'] as const) : (['nearest'] as const)) {
    const card = toScorecard(model, { ...sc, rounding, ...(calib !== undefined ? { calib } : {}) });
    const score = card.score(Xt);
    const logit = score.map((s) => (card.offset - s) / card.factor);
    let se = 0;
    for (let i = 0; i < logit.length; i++) se += (logit[i] - floatLogit[i]) ** 2;
    const bins = card.features.reduce((s, f) => s + f.bins.length, 0);
    const bytes = 2 * (bins + 1);
    const v = auc(logit, y);
    rows.push({
      method: 'scorecard',
      bits: 16,
      rounding,
      ...(rounding === 'optimal' ? { optimal: card.report!.optimal!.proved } : {}),
      sparsity: 0,
      bytes,
      ratio: base.floatBytes / bytes,
      auc: v,
      deltaVsFloat: v - base.auc,
      outputMse: se / Math.max(1, logit.length),
    });
  }
  return rows;
}
