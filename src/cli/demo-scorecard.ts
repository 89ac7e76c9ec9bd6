/**
 * The demo's 'scorecard' rows: the default teacher as integer points per bin
 * (pdo 20, 600 points at 50:1), rounded to nearest and 'optimal' (the integer
 * points closest to the float score on the calibration rows), scored on the
 * test rows by AUC like every other row; the optimal card is written as
 * scorecard-default.csv (stripped: the card with only feature, bin and points).
 * Bytes: one int16 per bin plus the base points (bits 16).
 */
import { join } from 'node:path';
import type { LogisticModel } from '../fit/logistic-model.js';
import { toScorecard, type Scorecard } from '../compress/scorecard.js';
import { scorecardCsv, scorecardPointsCsv } from '../compress/scorecard-table.js';
import type { Matrix } from '../types.js';
import type { DemoRow } from './demo.js';
import { writeFileAtomic } from './files.js';

export interface ScorecardDemoInput {
  model: LogisticModel;
  columns: readonly string[];
  Xcal: Matrix;
  Xte: Matrix;
  /** AUC of logits on the test rows. */
  score: (logit: Float64Array) => number;
  floatMetric: number;
  floatBytes: number;
  out: string;
}

export const SCORECARD_FILE = 'scorecard-default.csv';

export async function scorecardDemoRows(q: ScorecardDemoInput): Promise<{ rows: DemoRow[]; card: Scorecard }> {
  const rows: DemoRow[] = [];
  let card: Scorecard | undefined;
  for (const rounding of ['nearest', 'optimal'] as const) {
    const start = performance.now();
    card = toScorecard(q.model, { columns: q.columns, rounding, calib: q.Xcal });
    const ms = performance.now() - start;
    const c = card;
    const metric = q.score(c.score(q.Xte).map((s) => (c.offset - s) / c.factor));
    const bytes = 2 * (c.features.reduce((s, f) => s + f.bins.length, 0) + 1);
    const proof = rounding === 'optimal' ? (c.report!.optimal!.proved ? ', proved' : ', not proved') : '';
    const csv = scorecardCsv(c);
    if (rounding === 'optimal') await writeFileAtomic(join(q.out, SCORECARD_FILE), csv);
    rows.push({ target: 'default', method: `scorecard points, ${rounding}${proof}`, bits: 16, family: 'scorecard (integer points)', file: SCORECARD_FILE, bytes, fileBytes: Buffer.byteLength(csv), strippedBytes: Buffer.byteLength(scorecardPointsCsv(c)), ratio: q.floatBytes / bytes, metric, delta: metric - q.floatMetric, ms });
  }
  return { rows, card: card! };
}

/** The demo's footnote on the scorecard rows. */
export function scorecardNote(card: Scorecard, calibRows: number): string {
  const r = card.report!;
  return (
    `Scorecard rows: the default teacher as integer points per bin (pdo ${card.pdo}, ${card.baseScore} at ${card.baseOdds}:1; ${SCORECARD_FILE}); ` +
    `on the ${calibRows} calibration rows the score moves at most ${r.nearest.maxDeviation.toFixed(2)} points from the float one rounded to nearest, ` +
    `${r.optimal!.maxDeviation.toFixed(2)} optimal (RMS ${r.nearest.rmsDeviation.toFixed(2)} / ${r.optimal!.rmsDeviation.toFixed(2)}), ` +
    `and ${(100 * r.nearest.decisionChanges).toFixed(2)}% / ${(100 * r.optimal!.decisionChanges).toFixed(2)}% of decisions change at the median score.`
  );
}
