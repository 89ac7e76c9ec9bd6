/**
 * fitLogistic on mostly-zero designs (the pass over the nonzeros, centred
 * algebraically) against the dense centred path on the same model: shifting
 * every column by a constant makes the design dense and, with an intercept,
 * leaves the slopes, their standard errors and the log-likelihood unchanged
 * (the intercept absorbs the shift; ridge penalises slopes only). Also: a
 * column that is 1 on nearly every row (where the algebraic centring would
 * lose too many digits) falls back to the dense pass, 0/1 and general values,
 * weights with zeros, and non-finite values still reported.
 */
import { describe, expect, it } from 'vitest';
import { fitLogistic } from '../src/fit/logistic.js';
import type { LinAlg } from '../src/ops/linalg.js';
import type { Matrix } from '../src/types.js';
import { rng } from './helpers/harness.js';
import { linalgs } from './helpers/plain-linalg.js';

interface Problem {
  X: Matrix;
  y: Float64Array;
  weights?: Float64Array;
}

/** Bin indicators one-hot in groups of 7 (8 levels, the first the reference); values 1, or scaled per column. */
function indicators(n: number, d: number, seed: number, opts: { values?: boolean; weights?: boolean; nearlyOne?: boolean } = {}): Problem {
  const r = rng(seed);
  const data = new Float64Array(n * d);
  const y = new Float64Array(n);
  const weights = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let eta = -0.8;
    for (let g = 0; g < d; g += 7) {
      const bin = Math.floor(r() * 8) - 1;
      if (bin >= 0 && g + bin < d) {
        const j = g + bin;
        data[i * d + j] = opts.values ? 0.5 + (j % 5) : 1;
        eta += ((bin % 5) - 2) / 3;
      }
    }
    y[i] = r() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    // column d-1: 1 on all rows but every 1500th (mean 0.9993), whose outcomes alternate (no separation)
    if (opts.nearlyOne && i % 1500 === 7) y[i] = Math.floor(i / 1500) % 2;
    if (opts.nearlyOne) data[i * d + d - 1] = i % 1500 === 7 ? 0 : 1;
    weights[i] = i % 7 === 0 ? 0 : 0.25 + 2 * r();
  }
  return { X: { rows: n, cols: d, data }, y, weights: opts.weights ? weights : undefined };
}

/** The same design with every entry shifted by c (no zeros left: the dense path). */
function shifted(P: Problem, c: number): Problem {
  return { ...P, X: { ...P.X, data: P.X.data.map((v) => v + c) } };
}

function counted(la: LinAlg): { la: LinAlg; calls: { centredGram: number; staged: number; stagedRows: number } } {
  const calls = { centredGram: 0, staged: 0, stagedRows: 0 };
  const wrapped: LinAlg = {
    backend: la.backend,
    gram: (...a) => la.gram(...a),
    solveSPD: (...a) => la.solveSPD(...a),
    columnStats: (...a) => la.columnStats(...a),
    centredGram: (...a) => (calls.centredGram++, la.centredGram(...a)),
  };
  const stage = la.nonzeroGram?.bind(la);
  if (stage) wrapped.nonzeroGram = (index, d) => (calls.staged++, (calls.stagedRows = index.start.length - 1), stage(index, d));
  return { la: wrapped, calls };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(b).reduce((m, v, j) => Math.max(m, rel(a[j]!, v)), 0);
const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

const all = await linalgs();

describe.each(all)('fitLogistic on mostly-zero designs ($name)', ({ la }) => {
  const cases: { name: string; P: () => Problem; ridge: number }[] = [
    // d = 8: 16 distinct rows, merged into one row per distinct (x, y)
    { name: 'few distinct rows (merged)', P: () => indicators(4000, 8, 11), ridge: 0 },
    { name: 'few distinct rows (merged), weights with zeros', P: () => indicators(4000, 8, 12, { weights: true }), ridge: 0 },
    { name: 'few distinct rows (merged), ridge', P: () => indicators(4000, 8, 13), ridge: 2 },
    { name: '0/1 indicators', P: () => indicators(3000, 22, 1), ridge: 0 },
    { name: 'general values (not 0/1)', P: () => indicators(3000, 22, 2, { values: true }), ridge: 0 },
    { name: 'weights with zeros', P: () => indicators(3000, 15, 3, { weights: true }), ridge: 0 },
    { name: 'ridge', P: () => indicators(1500, 22, 4), ridge: 3 },
  ];
  it.each(cases)('equals the dense path on the shifted design: $name', ({ P, ridge }) => {
    const prob = P();
    const c = counted(la);
    const sparse = fitLogistic(c.la, prob.X, prob.y, { ridge, weights: prob.weights });
    expect(c.calls.centredGram).toBe(0);
    const dense = counted(la);
    const ref = fitLogistic(dense.la, shifted(prob, 3).X, prob.y, { ridge, weights: prob.weights });
    expect(dense.calls.centredGram).toBeGreaterThan(0);
    expect(dense.calls.staged).toBe(0);
    expect(sparse.stats.converged && ref.stats.converged).toBe(true);
    // slopes relative to the largest (a coefficient near 0 has no relative digits to keep)
    const big = maxAbs(ref.coef);
    sparse.coef.forEach((v, j) => expect(Math.abs(v - ref.coef[j]!) / big).toBeLessThan(1e-12));
    // the intercept absorbs the shift: b0' = b0 - 3 sum b
    const b0 = ref.intercept + 3 * ref.coef.reduce((s, v) => s + v, 0);
    expect(Math.abs(sparse.intercept - b0) / Math.max(1, Math.abs(b0))).toBeLessThan(1e-11);
    expect(maxRel(sparse.stats.stdErrors, ref.stats.stdErrors)).toBeLessThan(1e-11);
    expect(rel(sparse.stats.logLikelihood, ref.stats.logLikelihood)).toBeLessThan(1e-13);
    expect(sparse.stats.n).toBe(ref.stats.n);
    expect(sparse.stats.nullDeviance).toBeCloseTo(ref.stats.nullDeviance, 9);
    // d = 8: merged, at most 2 x 16 rows staged
    if (la.nonzeroGram) expect(c.calls.stagedRows).toBeLessThanOrEqual(prob.X.cols === 8 ? 32 : prob.X.rows);
  });

  it('merging counts rows: stats.n, and the rows of a quasi-complete separation, are those of the rows given', () => {
    // level 3 of the 8 (column 2) has y = 1 on every row: its coefficient diverges
    const prob = indicators(4000, 8, 14);
    for (let i = 0; i < 4000; i++) if (prob.X.data[i * 8 + 2] === 1) prob.y[i] = 1;
    const m = (() => {
      try {
        return fitLogistic(la, prob.X, prob.y);
      } catch (e) {
        return e as { code: string; details: { rows: number } };
      }
    })();
    let rows = 0;
    for (let i = 0; i < 4000; i++) rows += prob.X.data[i * 8 + 2];
    expect(m).toMatchObject({ code: 'E_SEPARATION', details: { rows } });
  });

  it('a column that is 1 on nearly every row: the dense pass instead (the algebraic centring would lose too many digits), same solution', () => {
    const prob = indicators(12000, 15, 5, { nearlyOne: true });
    const c = counted(la);
    const m = fitLogistic(c.la, prob.X, prob.y);
    expect(c.calls.centredGram).toBe(m.stats.iterations + 1);
    const ref = fitLogistic(la, shifted(prob, 3).X, prob.y);
    const big = maxAbs(ref.coef);
    m.coef.forEach((v, j) => expect(Math.abs(v - ref.coef[j]!) / big).toBeLessThan(1e-12));
    expect(maxRel(m.stats.stdErrors, ref.stats.stdErrors)).toBeLessThan(1e-11);
  });

  it('the same column 1 on a quarter of the rows stays on the pass over the nonzeros', () => {
    const prob = indicators(4000, 15, 6);
    for (let i = 0; i < 4000; i++) prob.X.data[i * 15 + 14] = i % 4 === 0 ? 1 : 0;
    const c = counted(la);
    fitLogistic(c.la, prob.X, prob.y);
    expect(c.calls.centredGram).toBe(0);
  });

  it('non-finite values in X are E_NONFINITE, in a zero-weight row too', () => {
    const prob = indicators(500, 15, 7, { weights: true });
    const X = { ...prob.X, data: prob.X.data.slice() };
    X.data[37 * 15 + 4] = NaN;
    expect(() => fitLogistic(la, X, prob.y)).toThrow(expect.objectContaining({ code: 'E_NONFINITE' }));
    const w = prob.weights!.slice();
    w[37] = 0;
    expect(() => fitLogistic(la, X, prob.y, { weights: w })).toThrow(expect.objectContaining({ code: 'E_NONFINITE' }));
    X.data[37 * 15 + 4] = Infinity;
    expect(() => fitLogistic(la, X, prob.y)).toThrow(expect.objectContaining({ code: 'E_NONFINITE' }));
  });
});
