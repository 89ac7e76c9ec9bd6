/**
 * Wide ridge designs (fewer rows than columns): fitLinear solves the n x n
 * dual and must reproduce the primal's coefficients and statistics, checked
 * where the primal is feasible (40 x 300) against the double-double primal
 * (accuracy 'accurate' keeps the d x d path); then the 30 x 10,000 case the
 * primal cannot do in reasonable memory finishes in seconds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLinear } from '../src/fit/linear.js';
import type { LinearModel } from '../src/fit/model.js';
import type { Matrix } from '../src/types.js';
import { rng } from './helpers/harness.js';
import { linalgs, type NamedLinAlg } from './helpers/plain-linalg.js';

function wide(seed: number, n: number, d: number, m = 1) {
  const r = rng(seed);
  const X = new Float64Array(n * d);
  const Y = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    // columns of different scales and offsets: the primal scales per column, the dual does not
    for (let j = 0; j < d; j++) X[i * d + j] = (j % 7) + (r() * 2 - 1) * 2 ** ((j % 5) - 2);
    for (let k = 0; k < m; k++) {
      let t = 1 + k;
      for (let j = 0; j < Math.min(d, 20); j++) t += X[i * d + j] * ((j % 3) - 1 + 0.5 * k);
      Y[i * m + k] = t + 0.3 * (r() - 0.5);
    }
  }
  return { X: { rows: n, cols: d, data: X } as Matrix, Y };
}

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return scale > 0 ? worst / scale : worst;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

let las: NamedLinAlg[];
beforeAll(async () => {
  las = await linalgs();
});

describe('fitLinear on wide ridge designs: the n x n dual', () => {
  const compare = (la: NamedLinAlg, n: number, d: number, ridge: number) => {
    const { X, Y } = wide(n + d, n, d);
    const dual = fitLinear(la.la, X, Y, { ridge }) as LinearModel<number>;
    const primal = fitLinear(la.la, X, Y, { ridge, accuracy: 'accurate' }) as LinearModel<number>;
    expect(dual.stats.method, la.name).toBe('dual-cholesky');
    expect(primal.stats.method, la.name).toBe('dd-cholesky+refine');
    expect(maxRel(dual.coef, primal.coef), la.name).toBeLessThan(1e-10);
    expect(rel(dual.intercept, primal.intercept), la.name).toBeLessThan(1e-10);
    expect(rel(dual.stats.dof, primal.stats.dof), la.name).toBeLessThan(1e-10);
    expect(rel(dual.stats.residualSd, primal.stats.residualSd), la.name).toBeLessThan(1e-8);
    expect(rel(dual.stats.rSquared, primal.stats.rSquared), la.name).toBeLessThan(1e-10);
    expect(maxRel(dual.stats.stdErrors, primal.stats.stdErrors), la.name).toBeLessThan(1e-8);
    expect(rel(dual.stats.interceptStdError, primal.stats.interceptStdError), la.name).toBeLessThan(1e-8);
    expect(dual.stats.condition).toBeGreaterThan(1);
    expect(Number.isFinite(dual.stats.condition)).toBe(true);
  };

  it('reproduces the primal coefficients and statistics on 40 x 300 (to 1e-10 relative)', () => {
    // the double-double primal on 300 columns is the slow part (seconds): one backend here, all three below
    compare(las[1], 40, 300, 0.5);
  });

  it('agrees with the primal on every LinAlg (plain, wasm, js twin), 30 x 90', () => {
    for (const la of las) compare(la, 30, 90, 3);
  });

  it('matches with weights (zero weights included), several outputs and without an intercept', () => {
    const { X, Y } = wide(2, 36, 120, 2);
    const w = Float64Array.from({ length: 36 }, (_, i) => (i % 9 === 0 ? 0 : 0.5 + (i % 4)));
    const la = las[1].la;
    for (const intercept of [true, false]) {
      const dual = fitLinear(la, X, { rows: 36, cols: 2, data: Y }, { ridge: 2, weights: w, intercept }) as LinearModel<Float64Array>;
      const primal = fitLinear(la, X, { rows: 36, cols: 2, data: Y }, { ridge: 2, weights: w, intercept, accuracy: 'accurate' }) as LinearModel<Float64Array>;
      expect(dual.stats.method).toBe('dual-cholesky');
      expect(dual.stats.n).toBe(32);
      expect(maxRel(dual.coef, primal.coef)).toBeLessThan(1e-10);
      expect(maxRel(dual.intercept, primal.intercept)).toBeLessThan(1e-10);
      expect(maxRel(dual.stats.stdErrors, primal.stats.stdErrors)).toBeLessThan(1e-8);
      expect(maxRel(dual.stats.residualSd, primal.stats.residualSd)).toBeLessThan(1e-8);
      if (intercept) expect(maxRel(dual.stats.interceptStdError, primal.stats.interceptStdError)).toBeLessThan(1e-8);
      else expect(Number.isNaN(dual.stats.interceptStdError[0])).toBe(true);
    }
  });

  it('the dual coefficients satisfy the primal normal equations (X^T X + ridge I) b = X^T y (centred)', () => {
    const { X, Y } = wide(3, 25, 80);
    const ridge = 0.7;
    const mdl = fitLinear(las[1].la, X, Y, { ridge }) as LinearModel<number>;
    const { rows: n, cols: d, data } = X;
    const mu = new Float64Array(d);
    let muY = 0;
    for (let i = 0; i < n; i++) {
      muY += Y[i] / n;
      for (let j = 0; j < d; j++) mu[j] += data[i * d + j] / n;
    }
    let worst = 0;
    let scale = 0;
    for (let j = 0; j < d; j++) {
      let lhs = ridge * mdl.coef[j];
      let rhs = 0;
      for (let i = 0; i < n; i++) {
        let f = 0;
        for (let k = 0; k < d; k++) f += (data[i * d + k] - mu[k]) * mdl.coef[k];
        lhs += (data[i * d + j] - mu[j]) * f;
        rhs += (data[i * d + j] - mu[j]) * (Y[i] - muY);
      }
      worst = Math.max(worst, Math.abs(lhs - rhs));
      scale = Math.max(scale, Math.abs(rhs));
    }
    expect(worst / scale).toBeLessThan(1e-12);
    let b0 = muY;
    for (let j = 0; j < d; j++) b0 -= mu[j] * mdl.coef[j];
    expect(Math.abs(mdl.intercept - b0)).toBeLessThan(1e-12 * Math.max(1, Math.abs(b0)));
  });

  it('fits 30 x 10,000 with ridge 1 in seconds', () => {
    const { X, Y } = wide(4, 30, 10_000);
    const t0 = performance.now();
    const mdl = fitLinear(las[1].la, X, Y, { ridge: 1 }) as LinearModel<number>;
    const ms = performance.now() - t0;
    expect(mdl.stats.method).toBe('dual-cholesky');
    expect(mdl.coef.length).toBe(10_000);
    expect(mdl.coef.every(Number.isFinite)).toBe(true);
    expect(mdl.stats.stdErrors.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    // predictions on the training rows are close to y (30 rows, 10,000 columns, a light ridge)
    const pred = mdl.predict(X) as Float64Array;
    let worst = 0;
    for (let i = 0; i < 30; i++) worst = Math.max(worst, Math.abs(pred[i] - Y[i]));
    expect(worst).toBeLessThan(1);
    expect(ms).toBeLessThan(10_000);
  });
});
