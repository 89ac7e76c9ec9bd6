/**
 * toScorecard: the points convention, the grouping of bin columns, 'nearest'
 * vs 'optimal' rounding (the optimum checked by brute force on a small card),
 * the fidelity report, the tables, and bad input.
 */
import { describe, expect, it } from 'vitest';
import { toScorecard } from '../src/compress/scorecard.js';
import { scorecardGroups } from '../src/compress/scorecard-groups.js';
import { scorecardCsv, scorecardMarkdown, scorecardPointsCsv } from '../src/compress/scorecard-table.js';
import { compressModel } from '../src/compress/model.js';
import { compressionReport } from '../src/compress/rate-distortion.js';
import { auc } from '../src/compress/auc.js';
import { LinearModel } from '../src/fit/model.js';
import { LogisticModel } from '../src/fit/logistic-model.js';
import { rng } from '../src/random.js';
import type { Matrix } from '../src/types.js';
import { engine, expectCode } from './helpers/engines.js';

const e = await engine('wasm');

/** Two binned features (cumulative, 3 cuts each), one categorical (3 levels: 2 columns) with a missing indicator. */
const COLUMNS = ['inc>=10', 'inc>=20', 'inc>=30', 'dti>=0.2', 'dti>=0.3', 'dti>=0.4', 'home=rent', 'home=other', 'home:missing'];
const W = Float64Array.of(-0.3, -0.25, -0.4, 0.2, 0.35, 0.15, 0.3, 0.1, 0.5);
const logit = (m: LogisticModel) => m;
const model = logit(new LogisticModel({ d: 9, coef: W, intercept: -2.1, fitIntercept: true, stats: {} as never }));

/** Rows that set one bin per feature, with outcomes drawn from the model. */
function rows(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const u = rng(seed);
  const data = new Float64Array(n * 9);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = data.subarray(i * 9, i * 9 + 9);
    const li = Math.floor(u() * 4);
    const ld = Math.floor(u() * 4);
    for (let c = 0; c < li; c++) r[c] = 1;
    for (let c = 0; c < ld; c++) r[3 + c] = 1;
    const h = Math.floor(u() * 4); // 0 baseline, 1 rent, 2 other, 3 missing
    if (h > 0) r[5 + h] = 1;
    let t = -2.1;
    for (let j = 0; j < 9; j++) t += W[j] * r[j];
    y[i] = u() < 1 / (1 + Math.exp(-t)) ? 1 : 0;
  }
  return { X: { rows: n, cols: 9, data }, y };
}

describe('toScorecard', () => {
  it('points = offset - factor * logit, factor = pdo / ln 2, offset = base - factor ln(odds); base points kept apart', () => {
    const card = toScorecard(model, { columns: COLUMNS, pdo: 20, baseScore: 600, baseOdds: 50 });
    expect(card.factor).toBeCloseTo(20 / Math.LN2, 12);
    expect(card.offset).toBeCloseTo(600 - (20 / Math.LN2) * Math.log(50), 10);
    expect(card.floatBasePoints).toBeCloseTo(card.offset + card.factor * 2.1, 10);
    expect(card.features.map((f) => f.name)).toEqual(['inc', 'dti', 'home']);
    const inc = card.features[0];
    expect(inc.bins.map((b) => b.label)).toEqual(['< 10', '[10, 20)', '[20, 30)', '>= 30']);
    // cumulative: bin l adds the first l weights
    expect(inc.bins[2].floatPoints).toBeCloseTo(-card.factor * (W[0] + W[1]), 10);
    expect(card.features[2].bins.map((b) => b.label)).toEqual(['baseline', 'rent', 'other', 'missing']);
    // the float score is the model's log-odds score; doubling the odds adds pdo points
    const { X } = rows(200, 1);
    const s = card.floatScore(X);
    const t = model.decisionFunction(X);
    for (let i = 0; i < 200; i++) expect(s[i]).toBeCloseTo(card.offset - card.factor * t[i], 9);
    const odds = (i: number) => Math.exp(-t[i]);
    const [a, b] = [0, 1];
    expect(s[b] - s[a]).toBeCloseTo(20 * Math.log2(odds(b) / odds(a)), 9);
    // nearest: every bin rounded, the integer score the sum
    for (const f of card.features) for (const bin of f.bins) expect(bin.points).toBe(Math.round(bin.floatPoints));
    const si = card.score(X);
    for (let i = 0; i < 200; i++) expect(Number.isInteger(si[i])).toBe(true);
  });

  it("'optimal' matches a brute force over the box and is never further from the float score than 'nearest'", () => {
    // a small card, so that every point of the box can be tried: inc (3 bins), home (baseline, rent, missing)
    const cols = ['inc>=10', 'inc>=20', 'home=rent', 'home:missing'];
    const w = Float64Array.of(-0.31, -0.27, 0.33, 0.52);
    const small = new LogisticModel({ d: 4, coef: w, intercept: -2.1, fitIntercept: true, stats: {} as never });
    const u = rng(2);
    const n = 300;
    const data = new Float64Array(n * 4);
    const y = new Float64Array(n);
    const bins: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const li = Math.floor(u() * 3);
      const h = Math.floor(u() * 3);
      for (let c = 0; c < li; c++) data[i * 4 + c] = 1;
      if (h > 0) data[i * 4 + 1 + h] = 1;
      bins.push([li, h]);
      y[i] = u() < 0.3 ? 1 : 0;
    }
    const X: Matrix = { rows: n, cols: 4, data };
    for (const pdo of [1.7, 3, 7]) {
      const near = toScorecard(small, { columns: cols, pdo, rounding: 'nearest', calib: X, y });
      const opt = toScorecard(small, { columns: cols, pdo, rounding: 'optimal', calib: X, y });
      const r = opt.report!;
      expect(r.optimal!.proved).toBe(true);
      expect(r.optimal!.rmsDeviation).toBeLessThanOrEqual(r.nearest.rmsDeviation);
      expect(near.report!.optimal).toBeUndefined();
      const fl = opt.floatScore(X);
      const sse = (pts: number[][]) => bins.reduce((s, [li, h], i) => s + (near.basePoints + pts[0][li] + pts[1][h] - fl[i]) ** 2, 0);
      // brute force: every bin but inc's first (the reference) over nearest +-2
      const base = near.features.map((f) => f.bins.map((b) => b.points));
      const free: [number, number][] = [[0, 1], [0, 2], [1, 0], [1, 1], [1, 2]];
      let best = Infinity;
      const pts = base.map((row) => [...row]);
      const rec = (k: number) => {
        if (k === free.length) {
          best = Math.min(best, sse(pts));
          return;
        }
        const [g, a] = free[k];
        for (let dl = -2; dl <= 2; dl++) {
          pts[g][a] = base[g][a] + dl;
          rec(k + 1);
        }
        pts[g][a] = base[g][a];
      };
      rec(0);
      const mine = sse(opt.features.map((f) => f.bins.map((b) => b.points)));
      expect(Math.abs(mine - best), `pdo ${pdo}`).toBeLessThanOrEqual(1e-9 * best);
      // the report measures what score() gives
      const si = opt.score(X);
      let max = 0;
      for (let i = 0; i < n; i++) max = Math.max(max, Math.abs(si[i] - fl[i]));
      expect(r.optimal!.maxDeviation).toBeCloseTo(max, 12);
      expect(r.optimal!.rmsDeviation).toBeCloseTo(Math.sqrt(mine / n), 12);
    }
  });

  it('the report: AUC of both roundings near the float one, the median cutoff, decision changes', () => {
    const { X, y } = rows(2000, 4);
    const card = toScorecard(model, { columns: COLUMNS, pdo: 4, calib: X, y });
    const r = card.report!;
    expect(card.rounding).toBe('optimal');
    expect(r.rows).toBe(2000);
    expect(r.floatAuc).toBeGreaterThan(0.55);
    expect(Math.abs(r.nearest.auc! - r.floatAuc!)).toBeLessThan(0.02);
    expect(Math.abs(r.optimal!.auc! - r.floatAuc!)).toBeLessThan(0.02);
    const fl = card.floatScore(X);
    expect(fl.filter((s) => s >= r.cutoff).length / 2000).toBeCloseTo(0.5, 1);
    const si = card.score(X);
    const flips = si.filter((s, i) => s >= r.cutoff !== fl[i] >= r.cutoff).length / 2000;
    expect(r.optimal!.decisionChanges).toBeCloseTo(flips, 12);
  });

  it("compressionReport: 'scorecard' rows (nearest; optimal with X) scored by AUC like the others", () => {
    const { X, y } = rows(1500, 6);
    const { X: Xc } = rows(1500, 7);
    const rep = compressionReport(e, model, X, y, { bits: [4], sparsity: [0], X: Xc, scorecard: { columns: COLUMNS, pdo: 4 } });
    const sc = rep.filter((r) => r.method === 'scorecard');
    expect(sc.map((r) => r.rounding)).toEqual(['nearest', 'optimal']);
    const card = toScorecard(model, { columns: COLUMNS, pdo: 4, rounding: 'optimal', calib: Xc });
    const s = card.score(X);
    expect(sc[1].auc).toBeCloseTo(auc(s.map((v) => -v), y), 12);
    expect(sc[1].optimal).toBe(card.report!.optimal!.proved);
    expect(sc[0].bytes).toBe(2 * (4 + 4 + 4 + 1));
    expect(Math.abs(sc[0].deltaVsFloat)).toBeLessThan(0.02);
    expect(sc[1].outputMse).toBeLessThanOrEqual(sc[0].outputMse * 1.5);
    const lin = new LinearModel({ d: 9, outputs: 1, coef: W, intercept: 0, fitIntercept: true, stats: {} as never });
    expectCode(() => compressionReport(e, lin, X, y, { bits: [4], sparsity: [0], scorecard: { columns: COLUMNS } }), 'E_RANGE');
  });

  it('a compressed logistic model scores with its effective coefficients', () => {
    const c = compressModel(e, model, { quantize: { bits: 8, granularity: 'tensor' } });
    const card = toScorecard(c, { columns: COLUMNS });
    expect(card.features[0].bins[1].floatPoints).toBeCloseTo(-card.factor * c.coefficients()[0], 10);
  });

  it('tables: CSV with the base points first, and Markdown', () => {
    const card = toScorecard(model, { columns: COLUMNS });
    const csv = scorecardCsv(card).trim().split('\n');
    expect(csv[0]).toBe('feature,bin,points,float_points,columns');
    expect(csv[1]).toMatch(/^\(base\),\(base points\),\d+,/);
    expect(csv).toHaveLength(2 + 4 + 4 + 4);
    expect(csv).toContain(`inc,"[10, 20)",${card.features[0].bins[1].points},${+card.features[0].bins[1].floatPoints.toFixed(4)},0`);
    expect(csv).toContain(`inc,>= 30,${card.features[0].bins[3].points},${+card.features[0].bins[3].floatPoints.toFixed(4)},0|1|2`);
    expect(scorecardPointsCsv(card).split('\n')[2]).toBe(`inc,< 10,${card.features[0].bins[0].points}`);
    expect(scorecardMarkdown(card)).toMatch(/\| home \| missing \| -?\d+ \| -?[\d.]+ \|/);
  });

  it('groups: names that are not bins are refused, naming them', () => {
    expect(scorecardGroups(['a>=1', 'a>=2', 'b=x']).map((g) => [g.name, g.coding, g.attributes.length])).toEqual([
      ['a', 'cumulative', 3],
      ['b', 'levels', 2],
    ]);
    expectCode(() => scorecardGroups(['a>=1', 'income', 'debt']), 'E_RANGE');
    expect(() => scorecardGroups(['a>=1', 'income', 'debt'])).toThrow(/not grouped bins: 'income', 'debt'/);
    expect(() => scorecardGroups(['a>=1', 'a=x'])).toThrow(/a \(both bins and levels\)/);
  });

  it('bad input: typed errors', () => {
    const { X, y } = rows(50, 3);
    expectCode(() => toScorecard(model, { columns: COLUMNS, pdo: 0 }), 'E_RANGE');
    expectCode(() => toScorecard(model, { columns: COLUMNS, pdo: -20 }), 'E_RANGE');
    expectCode(() => toScorecard(model, { columns: COLUMNS, baseOdds: 0 }), 'E_RANGE');
    expectCode(() => toScorecard(model, { columns: COLUMNS, baseOdds: -1 }), 'E_RANGE');
    expectCode(() => toScorecard(model, { columns: COLUMNS, rounding: 'optimal' }), 'E_RANGE');
    expectCode(() => toScorecard(model, { columns: COLUMNS, calib: X, budget: { nodes: 0 } }), 'E_RANGE');
    expectCode(() => toScorecard(model, { columns: COLUMNS.slice(1) }), 'E_SHAPE');
    expectCode(() => toScorecard(model, { columns: COLUMNS, y }), 'E_RANGE');
    const lin = new LinearModel({ d: 9, outputs: 1, coef: W, intercept: 0, fitIntercept: true, stats: {} as never });
    expectCode(() => toScorecard(lin, { columns: COLUMNS }), 'E_RANGE');
    // a row that sets a gap in the cumulative bins
    const bad = Float64Array.from(X.data.subarray(0, 9));
    bad.set([1, 0, 1], 0);
    expect(() => toScorecard(model, { columns: COLUMNS }).score({ rows: 1, cols: 9, data: bad })).toThrow(/'inc' \(101\) match none of its bins/);
  });
});
