/**
 * The demo's privacy section: both teachers refitted with differential
 * privacy (least squares by AdaSSP, delta = 1e-6; logistic regression by
 * objective perturbation) at epsilon = 0.1, 0.5, 1, 2, 8, scored on the same
 * held-out rows, next to the non-private teachers. The bounds come from the
 * design, not the data values: a scorecard row has at most d ones, so
 * ||x|| <= sqrt(d); the loss is capped at 30 k$ (rows above it are clipped,
 * and counted). The noise is seeded so that the figures reproduce (the
 * README quotes them). Least squares goes through one private accumulator
 * (rows clipped once, noise drawn at each fit()), so its figure is the mean
 * over LINEAR_SEEDS draws; a logistic fit is ~8 Newton steps over the rows,
 * so its figure is one draw.
 */
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { auc } from '../compress/auc.js';
import { linearAccumulator } from '../fit/accumulator.js';
import { fitLogistic } from '../fit/logistic.js';
import type { Matrix } from '../types.js';
import { Ctx, textTable } from './context.js';
import { writeFileAtomic } from './files.js';

export const DEMO_EPSILONS = [0.1, 0.5, 1, 2, 8] as const;
const DELTA = 1e-6;
const LOSS_BOUND = 30;
const LINEAR_SEEDS = 5;

export interface PrivacyDemoRow {
  target: 'default' | 'loss';
  epsilon: number;
  /** Held-out AUC (default, one draw) or MSE (loss, mean over the seeded draws). */
  metric: number;
  /** The non-private teacher's on the same rows. */
  float: number;
  clippedRows: number;
  ms: number;
}

export interface PrivacyDemoData {
  Xtr: Matrix;
  Xte: Matrix;
  yDefTr: Float64Array;
  yDefTe: Float64Array;
  yLossTr: Float64Array;
  yLossTe: Float64Array;
  /** The teachers' held-out AUC and MSE. */
  floatAuc: number;
  floatMse: number;
  seed: number;
  out: string;
}

function mse(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/** Fits, prints the table and writes privacy.json; returns the rows. */
export async function privacySection(ctx: Ctx, engine: Engine, D: PrivacyDemoData): Promise<PrivacyDemoRow[]> {
  const boundX = Math.sqrt(D.Xtr.cols);
  const rows: PrivacyDemoRow[] = [];
  let t = performance.now();
  const acc = linearAccumulator(engine, D.Xtr.cols, { privacy: { boundX, boundY: LOSS_BOUND } }).add(D.Xtr, D.yLossTr);
  const addMs = performance.now() - t;
  for (const epsilon of DEMO_EPSILONS) {
    t = performance.now();
    const log = fitLogistic(engine, D.Xtr, D.yDefTr, { privacy: { epsilon, boundX, seed: D.seed } });
    const msDef = performance.now() - t;
    rows.push({ target: 'default', epsilon, metric: auc(log.decisionFunction(D.Xte), D.yDefTe), float: D.floatAuc, clippedRows: log.stats.privacy!.clippedRows, ms: msDef });
    let m = 0;
    t = performance.now();
    for (let k = 0; k < LINEAR_SEEDS; k++) {
      const lin = acc.fit({ privacy: { epsilon, delta: DELTA, seed: D.seed * 16 + k } });
      m += mse(lin.predict(D.Xte), D.yLossTe) / LINEAR_SEEDS;
    }
    rows.push({ target: 'loss', epsilon, metric: m, float: D.floatMse, clippedRows: acc.clippedRows, ms: addMs + (performance.now() - t) / LINEAR_SEEDS });
  }
  await writeFileAtomic(join(D.out, 'privacy.json'), `${JSON.stringify({ delta: DELTA, boundX, lossBound: LOSS_BOUND, linearSeedsPerFigure: LINEAR_SEEDS, results: rows }, null, 1)}\n`);
  ctx.print('');
  ctx.print(`Private teachers (docs/PRIVACY.md): held-out AUC (one seeded draw) / MSE (mean of ${LINEAR_SEEDS}) at each epsilon; bounds ||x|| <= sqrt(${D.Xtr.cols}) (scorecard rows), |loss| <= ${LOSS_BOUND} k$`);
  const pick = (t: 'default' | 'loss') => rows.filter((r) => r.target === t);
  const def = pick('default');
  const loss = pick('loss');
  ctx.print(
    textTable(
      ['epsilon', 'default AUC (objective perturbation)', 'loss MSE (AdaSSP, delta 1e-6)', 'loss rows clipped', 'fit ms (default / loss, with the pass over the rows)'],
      [
        ...def.map((r, i) => [String(r.epsilon), r.metric.toFixed(4), loss[i].metric.toFixed(4), String(loss[i].clippedRows), `${r.ms.toFixed(0)} / ${loss[i].ms.toFixed(0)}`]),
        ['non-private', D.floatAuc.toFixed(4), D.floatMse.toFixed(4), '-', '-'],
      ],
      1,
    ),
  );
  ctx.print('The quantile bin edges are fitted on the training rows without privacy; the guarantee covers the coefficients given the edges.');
  return rows;
}
