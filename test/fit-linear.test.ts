/**
 * fitLinear: invariants (normal equations hold, paths agree), weights, ridge,
 * multi-output, predict, JSON, singular designs and bad input.
 */
import { describe, expect, it } from 'vitest';
import { fitLinear } from '../src/fit/linear.js';
import { LinearModel } from '../src/fit/model.js';
import type { Matrix } from '../src/types.js';
import { rng } from './helpers/harness.js';
import { linalgs } from './helpers/plain-linalg.js';
import { expectCode } from './helpers/engines.js';

function randomProblem(seed: number, n: number, d: number, m = 1, opts: { offset?: number; collinear?: number } = {}) {
  const r = rng(seed);
  const X = new Float64Array(n * d);
  const Y = new Float64Array(n * m);
  const beta = Array.from({ length: d * m }, () => r() * 4 - 2);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X[i * d + j] = (opts.offset ?? 0) + r() * 2 - 1;
    // make column 1 nearly a copy of column 0 (ill-conditioning knob)
    if (opts.collinear !== undefined && d > 1) X[i * d + 1] = X[i * d] + opts.collinear * (r() - 0.5);
    for (let k = 0; k < m; k++) {
      let t = 1.5 + k;
      for (let j = 0; j < d; j++) t += X[i * d + j] * beta[j * m + k];
      Y[i * m + k] = t + 0.1 * (r() - 0.5);
    }
  }
  return { X: { rows: n, cols: d, data: X } as Matrix, Y, beta };
}

/** Independent reference: dense Gaussian elimination with partial pivoting on (A, b). */
function gaussSolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let t = M[r][n];
    for (let k = r + 1; k < n; k++) t -= M[r][k] * x[k];
    x[r] = t / M[r][r];
  }
  return x;
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-300, Math.abs(b[i])));
  return worst;
}

function catchError(f: () => unknown): { code: string; details: Record<string, unknown>; message: string } {
  try {
    f();
  } catch (e) {
    return e as { code: string; details: Record<string, unknown>; message: string };
  }
  throw new Error('nothing was thrown');
}

const all = await linalgs();

/** A small well-posed problem the bad-input tests break one way at a time. */
const badInputBase = () => ({
  X: [
    [1, 2],
    [3, 4],
    [5, 7],
    [1, 0],
  ],
  y: [1, 2, 3, 4],
});

describe.each(all)('fitLinear ($name)', ({ la }) => {
  it('satisfies the normal equations: the residual is orthogonal to every column and sums to 0', () => {
    const { X, Y } = randomProblem(1, 300, 5);
    for (const accuracy of ['fast', 'auto', 'accurate'] as const) {
      const m = fitLinear(la, X, Y, { accuracy });
      const pred = m.predict(X);
      const r = Y.map((v, i) => v - pred[i]);
      let sum = 0;
      for (const v of r) sum += v;
      expect(Math.abs(sum)).toBeLessThan(1e-11);
      for (let j = 0; j < 5; j++) {
        let dot = 0;
        let scale = 0;
        for (let i = 0; i < 300; i++) {
          dot += X.data[i * 5 + j] * r[i];
          scale += Math.abs(X.data[i * 5 + j] * r[i]);
        }
        expect(Math.abs(dot) / scale).toBeLessThan(1e-12);
      }
    }
  });

  it('recovers an exact linear relation exactly (R^2 = 1, residual SD ~ 0)', () => {
    const X = [
      [1, 2],
      [2, -1],
      [3, 5],
      [4, 0.5],
      [-2, 7],
    ];
    const y = X.map(([a, b]) => 2 + 3 * a! - b!);
    for (const accuracy of ['fast', 'auto', 'accurate'] as const) {
      const m = fitLinear(la, X, y, { accuracy });
      expect(m.intercept).toBeCloseTo(2, 13);
      expect(relDiff(m.coef, [3, -1])).toBeLessThan(1e-13);
      expect(m.stats.rSquared).toBeCloseTo(1, 14);
      expect(m.stats.residualSd).toBeLessThan(1e-13);
      expect(m.stats.dof).toBe(2);
      expect(m.stats.n).toBe(5);
    }
  });

  it("all three paths agree on a well-conditioned problem and report their method", () => {
    const { X, Y } = randomProblem(2, 500, 6);
    const fast = fitLinear(la, X, Y, { accuracy: 'fast' });
    const auto = fitLinear(la, X, Y);
    const acc = fitLinear(la, X, Y, { accuracy: 'accurate' });
    expect(fast.stats.method).toBe('cholesky');
    expect(auto.stats.method).toBe('cholesky');
    expect(acc.stats.method).toBe('dd-cholesky+refine');
    expect(relDiff(fast.coef, acc.coef)).toBeLessThan(1e-12);
    expect(relDiff(auto.stats.stdErrors, acc.stats.stdErrors)).toBeLessThan(1e-12);
    expect(auto.stats.condition).toBeGreaterThanOrEqual(1);
    expect(auto.stats.condition).toBeLessThan(100);
  });

  it('escalates on an ill-conditioned design (offset + near-collinear columns) and matches the accurate path', () => {
    const { X, Y } = randomProblem(3, 400, 4, 1, { offset: 1000, collinear: 1e-4 });
    const auto = fitLinear(la, X, Y);
    const acc = fitLinear(la, X, Y, { accuracy: 'accurate' });
    expect(auto.stats.condition).toBeGreaterThan(1e6);
    expect(auto.stats.method).toBe('cholesky+refine');
    expect(relDiff(auto.coef, acc.coef)).toBeLessThan(1e-13);
    expect(Math.abs(auto.intercept - acc.intercept) / Math.abs(acc.intercept)).toBeLessThan(1e-12);
    expect(relDiff(auto.stats.stdErrors, acc.stats.stdErrors)).toBeLessThan(1e-6);
  });

  it('integer weights equal replicated rows; zero weights equal dropped rows', () => {
    const { X, Y } = randomProblem(4, 60, 3);
    const w = Array.from({ length: 60 }, (_, i) => i % 3);
    const rows: number[][] = [];
    const ys: number[] = [];
    for (let i = 0; i < 60; i++) {
      for (let k = 0; k < w[i]; k++) {
        rows.push(Array.from(X.data.subarray(i * 3, i * 3 + 3)));
        ys.push(Y[i]);
      }
    }
    const a = fitLinear(la, X, Y, { weights: w });
    const b = fitLinear(la, rows, ys);
    expect(relDiff(a.coef, b.coef)).toBeLessThan(1e-12);
    expect(a.intercept).toBeCloseTo(b.intercept, 12);
    expect(a.stats.n).toBe(40); // rows with positive weight
    const kept = [...Array(60).keys()].filter((i) => w[i] > 0);
    const c = fitLinear(
      la,
      kept.map((i) => Array.from(X.data.subarray(i * 3, i * 3 + 3))),
      kept.map((i) => Y[i]),
      { weights: kept.map((i) => w[i]) },
    );
    expect(relDiff(a.coef, c.coef)).toBeLessThan(1e-12);
    expect(relDiff(a.stats.stdErrors, c.stats.stdErrors)).toBeLessThan(1e-12);
    expect(a.stats.dof).toBe(c.stats.dof);
  });

  it('ridge matches the closed form (Xc^T Xc + ridge I)^-1 Xc^T yc on every path, and shrinks to 0', () => {
    const { X, Y } = randomProblem(5, 80, 3);
    const n = 80;
    const d = 3;
    const ridge = 7.5;
    const mx = [0, 1, 2].map((j) => [...Array(n).keys()].reduce((t, i) => t + X.data[i * d + j], 0) / n);
    const my = Y.reduce((t, v) => t + v, 0) / n;
    const A = [0, 1, 2].map((j) => [0, 1, 2].map((k) => [...Array(n).keys()].reduce((t, i) => t + (X.data[i * d + j] - mx[j]) * (X.data[i * d + k] - mx[k]), 0) + (j === k ? ridge : 0)));
    const c = [0, 1, 2].map((j) => [...Array(n).keys()].reduce((t, i) => t + (X.data[i * d + j] - mx[j]) * (Y[i] - my), 0));
    const b = gaussSolve(A, c);
    const b0 = my - b.reduce((t, v, j) => t + v * mx[j], 0);
    for (const accuracy of ['fast', 'auto', 'accurate'] as const) {
      const m = fitLinear(la, X, Y, { ridge, accuracy });
      expect(relDiff(m.coef, b)).toBeLessThan(1e-12);
      expect(m.intercept).toBeCloseTo(b0, 12);
      expect(m.stats.dof).toBeGreaterThan(n - 4);
      expect(m.stats.dof).toBeLessThan(n - 1);
    }
    const big = fitLinear(la, X, Y, { ridge: 1e12 });
    for (const v of big.coef) expect(Math.abs(v)).toBeLessThan(1e-8);
    expect(big.intercept).toBeCloseTo(my, 6);
  });

  it('multi-output equals one fit per output', () => {
    const { X, Y } = randomProblem(6, 100, 4, 3);
    const m = fitLinear(la, X, { rows: 100, cols: 3, data: Y });
    expect(m.outputs).toBe(3);
    expect(m.coef.length).toBe(12);
    expect(m.intercept).toBeInstanceOf(Float64Array);
    const pred = m.predict(X);
    expect(pred.length).toBe(300);
    for (let k = 0; k < 3; k++) {
      const yk = Float64Array.from({ length: 100 }, (_, i) => Y[i * 3 + k]);
      const s = fitLinear(la, X, yk);
      expect(relDiff(Float64Array.from({ length: 4 }, (_, j) => m.coef[j * 3 + k]), s.coef)).toBeLessThan(1e-12);
      expect((m.intercept as Float64Array)[k]).toBeCloseTo(s.intercept, 12);
      expect((m.stats.rSquared as Float64Array)[k]).toBeCloseTo(s.stats.rSquared, 12);
      expect((m.stats.residualSd as Float64Array)[k]).toBeCloseTo(s.stats.residualSd, 12);
      expect(relDiff(Float64Array.from({ length: 4 }, (_, j) => m.stats.stdErrors[j * 3 + k]), s.stats.stdErrors)).toBeLessThan(1e-12);
      const pk = s.predict(X);
      for (let i = 0; i < 100; i++) expect(pred[i * 3 + k]).toBeCloseTo(pk[i], 11);
    }
  });

  it('without intercept: intercept 0, uncentred R^2, NaN intercept statistics', () => {
    const { X, Y } = randomProblem(7, 50, 2);
    const m = fitLinear(la, X, Y, { intercept: false });
    expect(m.intercept).toBe(0);
    expect(m.fitIntercept).toBe(false);
    expect(Number.isNaN(m.stats.interceptStdError)).toBe(true);
    expect(m.stats.dof).toBe(48);
    const pred = m.predict(X);
    let rss = 0;
    let tss = 0;
    for (let i = 0; i < 50; i++) {
      rss += (Y[i] - pred[i]) ** 2;
      tss += Y[i] ** 2;
    }
    expect(m.stats.rSquared).toBeCloseTo(1 - rss / tss, 12);
  });

  it('statistics match an independent computation (t-values, intercept SE, R^2)', () => {
    const { X, Y } = randomProblem(8, 40, 2);
    const m = fitLinear(la, X, Y);
    const A = [[40, 0, 0], [0, 0, 0], [0, 0, 0]];
    const rows = [...Array(40).keys()].map((i) => [1, X.data[i * 2], X.data[i * 2 + 1]]);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) A[a][b] = rows.reduce((t, r) => t + r[a] * r[b], 0);
    const inv = [0, 1, 2].map((j) => gaussSolve(A, [0, 1, 2].map((k) => (k === j ? 1 : 0))));
    const pred = m.predict(X);
    const rss = Y.reduce((t, v, i) => t + (v - pred[i]) ** 2, 0);
    const sigma2 = rss / 37;
    expect(m.stats.residualSd).toBeCloseTo(Math.sqrt(sigma2), 12);
    expect(m.stats.interceptStdError).toBeCloseTo(Math.sqrt(sigma2 * inv[0][0]), 12);
    expect(m.stats.stdErrors[0]).toBeCloseTo(Math.sqrt(sigma2 * inv[1][1]), 12);
    expect(m.stats.stdErrors[1]).toBeCloseTo(Math.sqrt(sigma2 * inv[2][2]), 12);
    expect(m.stats.tValues[1]).toBeCloseTo(m.coef[1] / m.stats.stdErrors[1], 12);
    expect(m.stats.interceptTValue).toBeCloseTo(m.intercept / m.stats.interceptStdError, 12);
  });

  it('toJSON / fromJSON round-trips bit-exactly and predicts the same', () => {
    const { X, Y } = randomProblem(9, 30, 3, 2);
    for (const m of [fitLinear(la, X, Float64Array.from({ length: 30 }, (_, i) => Y[i * 2])), fitLinear(la, X, { rows: 30, cols: 2, data: Y }), fitLinear(la, [[1], [2]], [1, 3])]) {
      const back = LinearModel.fromJSON(JSON.stringify(m));
      expect(back.toJSON()).toEqual(m.toJSON());
      expect(Array.from(back.coef)).toEqual(Array.from(m.coef));
      expect(back.stats).toEqual(m.stats);
      expect(Array.from(back.predict(m.d === 3 ? X : [[5]]))).toEqual(Array.from(m.predict(m.d === 3 ? X : [[5]])));
    }
    const m = fitLinear(la, [[1], [2]], [1, 3]); // dof 0: NaN statistics survive the trip
    expect(Number.isNaN(LinearModel.fromJSON(JSON.stringify(m)).stats.residualSd)).toBe(true);
    expectCode(() => LinearModel.fromJSON('{"format":"other"}'), 'E_FORMAT');
    expectCode(() => LinearModel.fromJSON('not json'), 'E_FORMAT');
    const j = m.toJSON();
    expectCode(() => LinearModel.fromJSON({ ...j, coef: [1, 2] }), 'E_FORMAT');
  });

  it('fromJSON rejects tampered models with E_FORMAT saying what is wrong', () => {
    const { X, Y } = randomProblem(19, 30, 3, 1);
    const m = fitLinear(la, X, Y);
    const j = m.toJSON();
    const noInt = fitLinear(la, X, Y, { intercept: false }).toJSON();
    const reject = (bad: unknown, re: RegExp) => {
      const e = catchError(() => LinearModel.fromJSON(bad as never));
      expect(e.code, e.message).toBe('E_FORMAT');
      expect(e.message).toMatch(re);
    };
    reject({ ...j, fitIntercept: 'false' }, /fitIntercept must be true or false/);
    reject({ ...j, fitIntercept: 1 }, /fitIntercept must be true or false/);
    reject({ ...noInt, intercept: [2.5] }, /fitIntercept is false/);
    reject({ ...j, stats: { ...j.stats, n: -5 } }, /stats\.n/);
    reject({ ...j, stats: { ...j.stats, n: 'NaN' } }, /stats\.n/);
    reject({ ...j, stats: { ...j.stats, n: 2.5 } }, /stats\.n/);
    reject({ ...j, coef: ['NaN', 1, 2] }, /coef\[0\] is NaN/);
    reject({ ...j, intercept: ['Infinity'] }, /intercept\[0\] is Infinity/);
    reject({ ...j, stats: { ...j.stats, refinementSteps: 'two' } }, /refinementSteps/);
    reject({ ...j, stats: { ...j.stats, refinementSteps: -1 } }, /refinementSteps/);
    reject({ ...j, stats: { ...j.stats, dof: 'NaN' } }, /stats\.dof/);
    // legitimate JSON, including NaN statistics and no intercept, still round-trips exactly
    expect(LinearModel.fromJSON(JSON.stringify(noInt)).toJSON()).toEqual(noInt);
    const tiny = fitLinear(la, [[1], [2]], [1, 3]).toJSON(); // dof 0: NaN residual SD, "NaN" strings
    expect(tiny.stats.residualSd).toEqual(['NaN']);
    expect(LinearModel.fromJSON(JSON.stringify(tiny)).toJSON()).toEqual(tiny);
    const ridged = fitLinear(la, [[1, 2], [2, 1]], [1, 3], { ridge: 0.5 }).toJSON(); // dof < 0 with ridge
    expect(LinearModel.fromJSON(JSON.stringify(ridged)).toJSON()).toEqual(ridged);
  });

  describe('singular designs: E_SINGULAR naming the columns, unless ridge > 0', () => {
    const r = rng(10);
    const n = 30;
    const base = [...Array(n)].map(() => [r(), r(), r(), r()]);
    it('exact collinearity (column 3 = 2 col 0 - col 2)', () => {
      const X = base.map(([a, b, c]) => [a!, b!, c!, 2 * a! - c!]);
      const y = base.map(([a]) => a! + r());
      for (const accuracy of ['fast', 'auto', 'accurate'] as const) {
        const e = catchError(() => fitLinear(la, X, y, { accuracy }));
        expect(e.code).toBe('E_SINGULAR');
        expect(e.details.columns).toEqual([0, 2, 3]);
        expect(e.message).toContain('column 3');
      }
      const ok = fitLinear(la, X, y, { ridge: 1e-6 });
      expect(ok.coef.every(Number.isFinite)).toBe(true);
    });
    it('collinearity broken only by float64 rounding (column 2 = 0.1 col 0 + 0.7 col 1)', () => {
      const X = base.map(([a, b]) => [a!, b!, 0.1 * a! + 0.7 * b!]);
      const y = base.map(([a]) => a! + r());
      for (const accuracy of ['fast', 'auto', 'accurate'] as const) {
        const e = catchError(() => fitLinear(la, X, y, { accuracy }));
        expect(e.code).toBe('E_SINGULAR');
        expect(e.details.columns).toEqual([0, 1, 2]);
      }
    });
    it('a constant column beside the intercept; an all-zero column without one', () => {
      const X = base.map(([a, b]) => [a!, 4.25, b!]);
      const y = base.map(([a]) => a!);
      const e = catchError(() => fitLinear(la, X, y));
      expect(e.code).toBe('E_SINGULAR');
      expect(e.details.columns).toEqual([1]);
      expect(e.message).toContain('intercept');
      expect(fitLinear(la, X, y, { intercept: false }).coef.length).toBe(3); // fine without intercept
      const Z = base.map(([a]) => [a!, 0]);
      expect(catchError(() => fitLinear(la, Z, y, { intercept: false })).details.columns).toEqual([1]);
    });
    it('fewer rows than parameters', () => {
      const e = catchError(() => fitLinear(la, [[1, 2, 3], [4, 5, 7]], [1, 2]));
      expect(e.code).toBe('E_SINGULAR');
      expect(e.details.parameters).toBe(4);
      expect(fitLinear(la, [[1, 2, 3], [4, 5, 7]], [1, 2], { ridge: 0.1 }).coef.length).toBe(3);
      // zero-weight rows do not count
      expectCode(() => fitLinear(la, [[1], [2], [3]], [1, 2, 3], { weights: [1, 0, 0] }), 'E_SINGULAR');
    });
  });

  it('rejects bad input with a SlimfitError code', () => {
    const { X, y } = badInputBase();
    expectCode(() => fitLinear(la, [[1, NaN], [3, 4], [5, 6], [1, 1]], y), 'E_NONFINITE');
    expectCode(() => fitLinear(la, X, [1, 2, Infinity, 4]), 'E_NONFINITE');
    expectCode(() => fitLinear(la, [[1, 2], [3], [5, 6], [1, 1]], y), 'E_SHAPE');
    expectCode(() => fitLinear(la, X, [1, 2, 3]), 'E_SHAPE');
    expectCode(() => fitLinear(la, [], []), 'E_SHAPE');
    expectCode(() => fitLinear(la, { rows: 2, cols: 2, data: new Float64Array(3) }, [1, 2]), 'E_SHAPE');
    expectCode(() => fitLinear(la, X, y, { ridge: -1 }), 'E_RANGE');
    expectCode(() => fitLinear(la, X, y, { ridge: NaN }), 'E_RANGE');
    expectCode(() => fitLinear(la, X, y, { weights: [1, -1, 1, 1] }), 'E_RANGE');
    expectCode(() => fitLinear(la, X, y, { weights: [0, 0, 0, 0] }), 'E_RANGE');
    expectCode(() => fitLinear(la, X, y, { weights: [1, 1, 1] }), 'E_SHAPE');
    expectCode(() => fitLinear(la, X, y, { weights: [1, NaN, 1, 1] }), 'E_NONFINITE');
    expectCode(() => fitLinear(la, X, y, { accuracy: 'best' as never }), 'E_RANGE');
    expectCode(() => fitLinear(la, { rows: 4, cols: 2, data: new Float64Array(8), lo: new Float64Array(7) } as never, y), 'E_SHAPE');
    expectCode(() => fitLinear(la, X, [[1, 2], [3, 4]]), 'E_SHAPE');
    const m = fitLinear(la, X, y);
    expectCode(() => m.predict([[1, 2, 3]]), 'E_SHAPE');
  });

  it('malformed X, y and options are SlimfitErrors that say what to fix, never TypeErrors', () => {
    const { X, y } = badInputBase();
    const says = (fn: () => unknown, code: string, re: RegExp) => {
      const e = catchError(fn);
      expect(e.code, e.message).toBe(code);
      expect(e.message).toMatch(re);
    };
    says(() => fitLinear(la, [null, [1]] as never, [1, 2]), 'E_SHAPE', /X\[0\] is null/);
    says(() => fitLinear(la, [[1], null] as never, [1, 2]), 'E_SHAPE', /X\[1\] is null; every row of X must be an array/);
    says(() => fitLinear(la, [1, 2, 3] as never, [1, 2, 3]), 'E_SHAPE', /X must be a matrix .*number\[\]\[\].*\[\[1\], \[2\], \[3\]\]/);
    says(() => fitLinear(la, 'abc' as never, [1, 2, 3]), 'E_SHAPE', /X must be a matrix/);
    says(() => fitLinear(la, [[1, '2'], [3, 4]] as never, [1, 2]), 'E_NONFINITE', /X\[0\]\[1\] is "2" \(a string\), not a number/);
    says(() => fitLinear(la, [[1], [2]], [null, 1] as never), 'E_NONFINITE', /y\[0\] is null, not a number/);
    says(() => fitLinear(la, X, ['1', 2, 3, 4] as never), 'E_NONFINITE', /y\[0\] is "1" \(a string\), not a number/);
    says(() => fitLinear(la, X, [1, 2, undefined, 4] as never), 'E_NONFINITE', /y\[2\] is undefined/);
    says(() => fitLinear(la, X, y, { weights: [1, '1', 1, 1] as never }), 'E_NONFINITE', /weights\[1\]/);
    says(() => fitLinear(la, X, y, 'fast' as never), 'E_RANGE', /options must be an object/);
    // null options mean the defaults, as undefined does
    const a = fitLinear(la, X, y, null);
    expect(Array.from(a.coef)).toEqual(Array.from(fitLinear(la, X, y).coef));
    expect(fitLinear(la, X, y, { ridge: null as never, intercept: undefined }).fitIntercept).toBe(true);
  });
});

describe.each(['wasm', 'js'] as const)('engine (%s): gram and solveSPD share the validators', (backend) => {
  it('malformed X / y / b and null options: SlimfitErrors, not TypeErrors', async () => {
    const { init } = await import('../src/index.js');
    const e = await init({ backend });
    expectCode(() => e.gram([null, [1]] as never), 'E_SHAPE');
    expectCode(() => e.gram([1, 2, 3] as never), 'E_SHAPE');
    expectCode(() => e.gram([[1], [2]], [null, 1] as never), 'E_NONFINITE');
    expectCode(() => e.gram([[1], [2]], ['1', 2] as never), 'E_NONFINITE');
    expect(Array.from(e.gram([[1], [2]], [1, 2], null as never).xtx)).toEqual([5]);
    expectCode(() => e.gram([[1], [2]], [1, 2], 3 as never), 'E_RANGE');
    expectCode(() => e.solveSPD([[2, 0], null] as never, [1, 1]), 'E_SHAPE');
    expectCode(() => e.solveSPD([[2, 0], [0, 2]], ['1', 1] as never), 'E_NONFINITE');
    const x = e.solveSPD([[2, 0], [0, 2]], [1, 1], null as never);
    expect(Math.abs(x[0] - 0.5)).toBeLessThan(1e-15);
  });
});
