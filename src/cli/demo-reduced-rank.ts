/**
 * The demo's reduced-rank section: expected loss at 12 monthly horizons
 * (src/data/credit-horizons.ts, three latent factors) fitted on the demo's
 * scorecard design, as full least squares (d x 12 coefficients), that matrix
 * quantized (compressModel), and reduced-rank regression at several ranks
 * (float64 factors and quantized ones): bytes against test MSE, averaged
 * over the 12 horizons. Fits on at most 40,000 training rows and scores
 * 20,000 test rows, to keep the demo fast.
 */
import { join } from 'node:path';
import type { Engine } from '../engine/engine.js';
import { compressModel } from '../compress/model.js';
import { compressReducedRank } from '../compress/reduced-rank.js';
import { creditHorizons, HORIZONS } from '../data/credit-horizons.js';
import { fitLinear } from '../fit/linear.js';
import { reducedRank } from '../fit/reduced-rank.js';
import type { Matrix } from '../types.js';
import { bold } from './errors.js';
import { signedColumn, textTable } from './context.js';
import { writeFileAtomic } from './files.js';

export interface ReducedRankRow {
  method: string;
  rank: number | null;
  bits: number | null;
  bytes: number;
  /** Test MSE over rows and horizons (k$²). */
  mse: number;
  ms: number;
}

const TRAIN_ROWS = 40_000;
const TEST_ROWS = 20_000;

function rows(X: Matrix, from: number, to: number): Matrix {
  return { rows: to - from, cols: X.cols, data: X.data.subarray(from * X.cols, to * X.cols) };
}

function mse(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s / a.length;
}

/**
 * Runs the section on the demo's raw features `raw` (for the target) and
 * design `X` (same rows; the first nTrain are training rows); writes
 * reduced-rank.json to `out`; returns the rows and the text to print.
 */
export async function reducedRankSection(engine: Engine, raw: Matrix, X: Matrix, nTrain: number, seed: number, out: string): Promise<{ rows: ReducedRankRow[]; text: string }> {
  const { Y } = creditHorizons(raw, seed + 1);
  const q = HORIZONS;
  const nTr = Math.min(nTrain, TRAIN_ROWS);
  const teEnd = Math.min(X.rows, nTrain + TEST_ROWS);
  const Xtr = rows(X, 0, nTr);
  const Xte = rows(X, nTrain, teEnd);
  const Ytr = { rows: nTr, cols: q, data: Y.subarray(0, nTr * q) };
  const Yte = Y.subarray(nTrain * q, teEnd * q);
  const d = X.cols;
  const list: ReducedRankRow[] = [];
  const timed = <T>(f: () => T): [T, number] => {
    const t = performance.now();
    const v = f();
    return [v, performance.now() - t];
  };

  const [full, msFull] = timed(() => fitLinear(engine, Xtr, Ytr));
  list.push({ method: 'least squares, full d x 12', rank: null, bits: null, bytes: 8 * (d * q + q), mse: mse(full.predict(Xte), Yte), ms: msFull });
  for (const [method, bits] of [['rtn', 8], ['rtn', 4], ['gptq', 4]] as const) {
    const [c, ms] = timed(() => compressModel(engine, full, { method, quantize: { bits, granularity: 'row' }, X: Xtr }));
    list.push({ method: `full d x 12, ${method.toUpperCase()} ${bits}-bit per output`, rank: null, bits, bytes: c.bytes, mse: mse(c.predict(Xte), Yte), ms });
  }
  const [auto, msAuto] = timed(() => reducedRank(engine, Xtr, Ytr, 'bic'));
  for (const r of [1, 2, 3, 4, 6]) {
    const [m, ms] = r === auto.rank ? [auto, msAuto] : timed(() => reducedRank(engine, Xtr, Ytr, r));
    list.push({ method: `reduced rank ${r}${r === auto.rank ? ' (BIC and GCV pick)' : ''}`, rank: r, bits: null, bytes: m.bytes, mse: mse(m.predict(Xte), Yte), ms });
  }
  for (const [method, bits] of [['rtn', 8], ['rtn', 4], ['gptq', 4]] as const) {
    const [c, ms] = timed(() => compressReducedRank(engine, auto, { method, bits, X: Xtr }));
    list.push({ method: `reduced rank ${auto.rank}, ${method.toUpperCase()} ${bits}-bit factors`, rank: auto.rank, bits, bytes: c.bytes, mse: mse(c.predict(Xte), Yte), ms });
  }
  const gcvRank = reducedRank(engine, Xtr, Ytr, 'gcv').rank;
  if (gcvRank !== auto.rank) list.find((r) => r.rank === auto.rank && r.bits === null)!.method = `reduced rank ${auto.rank} (BIC pick; GCV picks ${gcvRank})`;
  await writeFileAtomic(join(out, 'reduced-rank.json'), `${JSON.stringify({ trainRows: nTr, testRows: teEnd - nTrain, features: d, outputs: q, singularValues: Array.from(auto.singularValues), results: list }, null, 1)}\n`);

  const base = list[0].mse;
  const deltas = signedColumn(list.map((r, i) => (i === 0 ? NaN : r.mse - base)));
  const table = textTable(
    ['multi-output model', 'bytes', 'ratio', 'test MSE', 'change vs full', 'time'],
    list.map((r, i) => [r.method, String(r.bytes), `${(list[0].bytes / r.bytes).toFixed(1)}x`, r.mse.toFixed(4), i === 0 ? '-' : deltas[i], `${r.ms.toFixed(0)} ms`]),
    1,
  );
  const sv = Array.from(auto.singularValues.subarray(0, 5), (s) => s.toPrecision(3)).join(', ');
  const text = [
    bold(`Reduced rank: expected loss at ${q} monthly horizons (three latent factors), ${d} scorecard columns -> ${q} outputs`, process.stdout),
    table,
    `Fitted on ${nTr} training rows, scored on ${teEnd - nTrain} test rows (MSE over rows and horizons, k$²). Singular values of the fitted values: ${sv}, ...`,
    `Rank r stores encoder (${d} x r) + decoder (r x ${q}) + ${q} intercepts in place of ${d} x ${q} + ${q}; quantized factors: one scale per latent score / per output.`,
  ].join('\n');
  return { rows: list, text };
}
