/**
 * fitLogistic: committed independent reference values (mpmath Newton, see
 * fixtures/make-logistic-ref.py), a closed-form 2x2-table case, separation,
 * predictions, JSON and bad input.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fitLogistic } from '../src/fit/logistic.js';
import { LogisticModel } from '../src/fit/logistic-model.js';
import { rng } from './helpers/harness.js';
import { linalgs } from './helpers/plain-linalg.js';
import { expectCode } from './helpers/engines.js';

interface RefCase {
  name: string;
  intercept: boolean;
  ridge: number;
  X: number[][];
  y: number[];
  weights?: number[];
  expected: { coef: number[]; intercept: number; stdErrors: number[]; interceptStdError: number | null; logLikelihood: number };
}

const ref = JSON.parse(readFileSync(new URL('./fixtures/logistic-ref.json', import.meta.url), 'utf8')) as { cases: RefCase[] };

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}

const all = await linalgs();

describe.each(all)('fitLogistic ($name)', ({ la }) => {
  it.each(ref.cases)('matches the independent reference: $name', (c) => {
    const m = fitLogistic(la, c.X, c.y, { intercept: c.intercept, ridge: c.ridge, weights: c.weights });
    const e = c.expected;
    expect(m.stats.converged).toBe(true);
    expect(m.stats.iterations).toBeLessThan(15);
    e.coef.forEach((v, j) => expect(rel(m.coef[j], v)).toBeLessThan(1e-10));
    e.stdErrors.forEach((v, j) => expect(rel(m.stats.stdErrors[j], v)).toBeLessThan(1e-10));
    expect(rel(m.stats.logLikelihood, e.logLikelihood)).toBeLessThan(1e-12);
    if (c.intercept) {
      expect(rel(m.intercept, e.intercept)).toBeLessThan(1e-10);
      expect(rel(m.stats.interceptStdError, e.interceptStdError as number)).toBeLessThan(1e-10);
    } else {
      expect(m.intercept).toBe(0);
      expect(Number.isNaN(m.stats.interceptStdError)).toBe(true);
    }
    expect(m.stats.deviance).toBeCloseTo(-2 * m.stats.logLikelihood, 10);
    expect(m.stats.zValues[0]).toBeCloseTo(m.coef[0] / m.stats.stdErrors[0], 12);
  });

  it('2x2 table: log odds, log odds ratio and sqrt(1/a + 1/b + 1/c + 1/d) in closed form', () => {
    // counts: x=0: 30 failures, 10 successes; x=1: 15 failures, 45 successes
    const [a, b, c, d] = [30, 10, 15, 45];
    const X = [[0], [0], [1], [1]];
    const y = [0, 1, 0, 1];
    const weighted = fitLogistic(la, X, y, { weights: [a, b, c, d] });
    const rows: number[][] = [];
    const ys: number[] = [];
    for (const [x, yy, k] of [[0, 0, a], [0, 1, b], [1, 0, c], [1, 1, d]] as const) {
      for (let i = 0; i < k; i++) {
        rows.push([x]);
        ys.push(yy);
      }
    }
    const replicated = fitLogistic(la, rows, ys);
    for (const m of [weighted, replicated]) {
      expect(m.intercept).toBeCloseTo(Math.log(b / a), 12);
      expect(m.coef[0]).toBeCloseTo(Math.log((d * a) / (c * b)), 12);
      expect(m.stats.interceptStdError).toBeCloseTo(Math.sqrt(1 / a + 1 / b), 12);
      expect(m.stats.stdErrors[0]).toBeCloseTo(Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d), 12);
      const ll = a * Math.log(a / (a + b)) + b * Math.log(b / (a + b)) + c * Math.log(c / (c + d)) + d * Math.log(d / (c + d));
      expect(m.stats.logLikelihood).toBeCloseTo(ll, 10);
      const p = (b + d) / 100;
      expect(m.stats.nullDeviance).toBeCloseTo(-2 * 100 * (p * Math.log(p) + (1 - p) * Math.log(1 - p)), 10);
    }
    expect(weighted.stats.n).toBe(4);
    expect(replicated.stats.n).toBe(100);
  });

  it('complete separation -> E_SEPARATION with a ridge hint; ridge gives a finite fit', () => {
    const X = [[-3], [-2], [-1], [1], [2], [3]];
    const y = [0, 0, 0, 1, 1, 1];
    try {
      fitLogistic(la, X, y);
      throw new Error('no throw');
    } catch (e) {
      expect((e as { code: string }).code).toBe('E_SEPARATION');
      expect(String(e)).toContain('ridge');
    }
    const m = fitLogistic(la, X, y, { ridge: 0.1 });
    expect(m.stats.converged).toBe(true);
    expect(Number.isFinite(m.coef[0])).toBe(true);
    expect(Array.from(m.predict(X))).toEqual(y);
    expectCode(() => fitLogistic(la, [[1], [2], [3]], [1, 1, 1]), 'E_SEPARATION'); // one class only
  });

  it('a single class with an intercept -> E_SEPARATION up front, with or without ridge (ridge does not penalise the intercept)', () => {
    const X = [[-1], [0.5], [2], [3], [-2]];
    for (const cls of [0, 1]) {
      const y = X.map(() => cls);
      for (const ridge of [0, 0.1, 10]) {
        let err: { code?: string; message?: string } | undefined;
        try {
          fitLogistic(la, X, y, { ridge });
        } catch (e) {
          err = e as { code: string; message: string };
        }
        expect(err?.code, `class ${cls}, ridge ${ridge}`).toBe('E_SEPARATION');
        expect(err?.message).toContain(`y has only one class (all ${cls})`);
        expect(err?.message).toContain('nothing to separate');
      }
    }
    // one class among the rows with positive weight
    expectCode(() => fitLogistic(la, X, [0, 0, 1, 0, 0], { ridge: 1, weights: [1, 1, 0, 1, 1] }), 'E_SEPARATION');
    // without an intercept ridge penalises every coefficient: a finite fit
    const m = fitLogistic(la, X, [0, 0, 0, 0, 0], { intercept: false, ridge: 1 });
    expect(m.stats.converged).toBe(true);
    expectCode(() => fitLogistic(la, X, [0, 0, 0, 0, 0], { intercept: false }), 'E_SEPARATION');
  });

  it('quasi-complete separation -> E_SEPARATION', () => {
    // x <= 0 always 0; x > 0 mixed
    const X = [[-2], [-1], [0], [1], [1], [2], [2], [3]];
    const y = [0, 0, 0, 0, 1, 1, 0, 1];
    const Xq = X.map(([x]) => [x!, x! > 0 ? 0 : 1]);
    expectCode(() => fitLogistic(la, Xq, y), 'E_SEPARATION');
    expect(fitLogistic(la, Xq, y, { ridge: 0.5 }).stats.converged).toBe(true);
  });

  it('predictProba / predict / decisionFunction agree with the coefficients; sigmoid does not overflow', () => {
    const r = rng(3);
    const X = [...Array(200)].map(() => [r() * 4 - 2, r() * 4 - 2]);
    const y = X.map(([a, b]) => (r() < 1 / (1 + Math.exp(-(0.5 + 1.5 * a! - b!))) ? 1 : 0));
    const m = fitLogistic(la, X, y);
    const p = m.predictProba([[1, 2], [1000, -1000], [-1000, 1000]]);
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(-(m.intercept + m.coef[0] + 2 * m.coef[1]))), 14);
    expect(p[1]).toBe(1);
    expect(p[2]).toBe(0);
    expect(Array.from(m.predict([[1, 2], [1000, -1000]], 0.5))).toEqual([p[0] >= 0.5 ? 1 : 0, 1]);
    expect(m.stats.logLikelihood).toBeLessThan(0);
    expect(m.stats.deviance).toBeLessThan(m.stats.nullDeviance);
    expect(m.stats.aic).toBeCloseTo(m.stats.deviance + 6, 10);
  });

  it('toJSON / fromJSON round-trips bit-exactly', () => {
    const c = ref.cases[0];
    const m = fitLogistic(la, c.X, c.y);
    const back = LogisticModel.fromJSON(JSON.stringify(m));
    expect(back.toJSON()).toEqual(m.toJSON());
    expect(back.stats).toEqual(m.stats);
    expect(Array.from(back.predictProba(c.X))).toEqual(Array.from(m.predictProba(c.X)));
    const noInt = fitLogistic(la, c.X, c.y, { intercept: false });
    expect(Number.isNaN(LogisticModel.fromJSON(JSON.stringify(noInt)).stats.interceptStdError)).toBe(true);
    expectCode(() => LogisticModel.fromJSON('{"format":"slimfit.linear"}'), 'E_FORMAT');
    const j = m.toJSON();
    expectCode(() => LogisticModel.fromJSON({ ...j, fitIntercept: 'false' as never }), 'E_FORMAT');
    expectCode(() => LogisticModel.fromJSON({ ...j, coef: j.coef.map(() => 'NaN') }), 'E_FORMAT');
    expectCode(() => LogisticModel.fromJSON({ ...noInt.toJSON(), intercept: 0.5 }), 'E_FORMAT');
    expectCode(() => LogisticModel.fromJSON({ ...j, stats: { ...j.stats, converged: 'yes' as never } }), 'E_FORMAT');
  });

  it('rejects bad input', () => {
    const X = [[1], [2], [3], [4]];
    expectCode(() => fitLogistic(la, X, [0, 1, 2, 0]), 'E_RANGE');
    expectCode(() => fitLogistic(la, X, [0, 1, 0.5, 0]), 'E_RANGE');
    expectCode(() => fitLogistic(la, X, [0, 1, 0]), 'E_SHAPE');
    expectCode(() => fitLogistic(la, [[1], [NaN], [3], [4]], [0, 1, 0, 1]), 'E_NONFINITE');
    expectCode(() => fitLogistic(la, X, [0, 1, 0, 1], { ridge: -1 }), 'E_RANGE');
    expectCode(() => fitLogistic(la, X, [0, 1, 0, 1], { maxIter: 0 }), 'E_RANGE');
    expectCode(() => fitLogistic(la, X, [0, 1, 0, 1], { tol: 0 }), 'E_RANGE');
    expectCode(() => fitLogistic(la, X, [0, 1, 0, 1], { weights: [1, 1, -1, 1] }), 'E_RANGE');
    expectCode(() => fitLogistic(la, [[1, 2], [2, 4], [3, 6], [4, 8.5], [5, 10]], [0, 1, 0, 1, 1]), 'E_SINGULAR');
    expectCode(() => fitLogistic(la, [[1, 2], [2, 2], [3, 2], [4, 2]], [0, 1, 0, 1]), 'E_SINGULAR');
    // the shared validators: malformed X / y are SlimfitErrors, not TypeErrors; null options mean defaults
    expectCode(() => fitLogistic(la, [null, [1]] as never, [0, 1]), 'E_SHAPE');
    expectCode(() => fitLogistic(la, [1, 2, 3, 4] as never, [0, 1, 0, 1]), 'E_SHAPE');
    expectCode(() => fitLogistic(la, X, [null, 1, 0, 1] as never), 'E_NONFINITE');
    expectCode(() => fitLogistic(la, X, ['0', 1, 0, 1] as never), 'E_NONFINITE');
    expect(fitLogistic(la, X, [0, 1, 0, 1], null).stats.n).toBe(4);
    expectCode(() => fitLogistic(la, X, [0, 1, 0, 1], 'fast' as never), 'E_RANGE');
  });

  it('reports non-convergence when maxIter is too small', () => {
    const c = ref.cases[0];
    const m = fitLogistic(la, c.X, c.y, { maxIter: 1 });
    expect(m.stats.converged).toBe(false);
    expect(m.stats.iterations).toBe(1);
  });
});
