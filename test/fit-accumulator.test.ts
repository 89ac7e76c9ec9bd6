/**
 * linearAccumulator: results independent of chunking and merge order (random
 * chunkings, tree merges, JSON hops), equal to the one-shot fit; exact JSON
 * round-trip; settings and input checks.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LinearAccumulator, linearAccumulator, linearAccumulatorFromJSON } from '../src/fit/accumulator.js';
import { polynomialDesign, type DesignMatrix } from '../src/fit/design.js';
import { fitLinear } from '../src/fit/linear.js';
import type { LinearModel } from '../src/fit/model.js';
import type { LinAlg } from '../src/engine/linalg.js';
import { rng } from './helpers/harness.js';
import { linalgs } from './helpers/plain-linalg.js';
import { expectCode } from './helpers/engines.js';

function problem(seed: number, n: number, d: number, m: number) {
  const r = rng(seed);
  const X = new Float64Array(n * d);
  const Y = new Float64Array(n * m);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let j = 0; j < d; j++) {
      const v = 10 * j + r() * (j + 1);
      X[i * d + j] = v;
      t += v * (j - 1.5);
    }
    for (let k = 0; k < m; k++) Y[i * m + k] = t * (k + 1) + 3 + r();
    w[i] = i % 7 === 0 ? 0 : 0.5 + r();
  }
  return { X, Y, w };
}

/** Cuts [0, n) into random chunks (some of one row, some empty). */
function chunking(r: () => number, n: number): number[] {
  const cuts = [0];
  while ((cuts[cuts.length - 1] as number) < n) {
    const u = r();
    const len = u < 0.15 ? 0 : u < 0.3 ? 1 : Math.floor(r() * n * 0.3);
    cuts.push(Math.min(n, (cuts[cuts.length - 1] as number) + len));
  }
  return cuts;
}

function rel(a: ArrayLike<number> | number, b: ArrayLike<number> | number): number {
  const A = typeof a === 'number' ? [a] : Array.from(a);
  const B = typeof b === 'number' ? [b] : Array.from(b);
  let worst = 0;
  for (let i = 0; i < A.length; i++) worst = Math.max(worst, Math.abs((A[i] as number) - (B[i] as number)) / Math.max(1e-300, Math.abs(B[i] as number)));
  return worst;
}

function expectSame(a: LinearModel, b: LinearModel, tol: number): void {
  expect(rel(a.coef, b.coef)).toBeLessThan(tol);
  expect(rel(a.intercept, b.intercept)).toBeLessThan(tol);
  expect(rel(a.stats.stdErrors, b.stats.stdErrors)).toBeLessThan(tol);
  expect(rel(a.stats.residualSd, b.stats.residualSd)).toBeLessThan(tol);
  expect(rel(a.stats.rSquared, b.stats.rSquared)).toBeLessThan(tol);
  expect(a.stats.n).toBe(b.stats.n);
  expect(a.stats.dof).toBeCloseTo(b.stats.dof, 9); // non-integer with ridge
}

/** Fits via random chunks spread over `shards` accumulators, merged in a random tree with JSON hops. */
function shardedFit(la: LinAlg, seed: number, X: DesignMatrix, Y: Float64Array, m: number, w: Float64Array | undefined, opts: { shards: number; accuracy?: 'fast' | 'accurate'; intercept?: boolean }): LinearAccumulator {
  const r = rng(seed);
  const n = X.rows;
  const d = X.cols;
  const make = () => linearAccumulator(la, d, { outputs: m, weights: w !== undefined, accuracy: opts.accuracy ?? 'fast', intercept: opts.intercept ?? true });
  let accs = Array.from({ length: opts.shards }, make);
  const cuts = chunking(r, n);
  for (let c = 0; c + 1 < cuts.length; c++) {
    const a = cuts[c] as number;
    const b = cuts[c + 1] as number;
    const chunk: DesignMatrix = { rows: b - a, cols: d, data: X.data.subarray(a * d, b * d) };
    if (X.lo) chunk.lo = X.lo.subarray(a * d, b * d);
    const yc = m === 1 ? Y.subarray(a, b) : { rows: b - a, cols: m, data: Y.subarray(a * m, b * m) };
    accs[Math.floor(r() * accs.length)]!.add(chunk, yc, w?.subarray(a, b));
  }
  while (accs.length > 1) {
    const i = Math.floor(r() * accs.length);
    const [x] = accs.splice(i, 1);
    const j = Math.floor(r() * accs.length);
    const target = r() < 0.5 ? accs[j]! : linearAccumulatorFromJSON(la, JSON.stringify(accs[j]!.toJSON()));
    accs[j] = target.merge(r() < 0.5 ? x! : linearAccumulatorFromJSON(la, x!.toJSON()));
  }
  return accs[0]!;
}

const all = await linalgs();

describe.each(all)('linearAccumulator ($name)', ({ la }) => {
  it('any chunking and merge order gives the one-shot fit to 1e-12 (weighted, multi-output)', () => {
    const n = 400;
    const d = 4;
    const m = 2;
    const { X, Y, w } = problem(1, n, d, m);
    const Xm = { rows: n, cols: d, data: X };
    const oneShot = fitLinear(la, Xm, { rows: n, cols: m, data: Y }, { weights: w });
    for (let seed = 0; seed < 12; seed++) {
      const acc = shardedFit(la, seed, Xm, Y, m, w, { shards: 1 + (seed % 4) });
      expect(acc.n).toBe(oneShot.stats.n);
      expectSame(acc.fit(), oneShot, 1e-12);
    }
  });

  it('unweighted, single output, with and without intercept, with ridge', () => {
    const n = 250;
    const { X, Y } = problem(2, n, 3, 1);
    const Xm = { rows: n, cols: 3, data: X };
    for (const intercept of [true, false]) {
      for (const ridge of [0, 2.5]) {
        const one = fitLinear(la, Xm, Y, { intercept, ridge });
        for (let seed = 0; seed < 4; seed++) {
          const acc = shardedFit(la, 100 + seed, Xm, Y, 1, undefined, { shards: 3, intercept });
          expectSame(acc.fit({ ridge }), one, 1e-12);
        }
      }
    }
  });

  it("'accurate' moments: chunked Filip (raw powers in double-double) keeps >= 12 digits", () => {
    const nist = JSON.parse(readFileSync(new URL('./fixtures/nist-strd-lls.json', import.meta.url), 'utf8')) as { sets: { name: string; x: number[][]; y: number[]; beta: number[] }[] };
    const filip = nist.sets.find((s) => s.name === 'Filip')!;
    const X = polynomialDesign(
      filip.x.map((r) => r[0] as number),
      10,
    );
    const Y = Float64Array.from(filip.y);
    for (let seed = 0; seed < 3; seed++) {
      const acc = shardedFit(la, 200 + seed, X, Y, 1, undefined, { shards: 3, accuracy: 'accurate' });
      const m = acc.fit();
      expect(m.stats.method).toBe('dd-cholesky');
      const b = [m.intercept as number, ...m.coef];
      const lre = Math.min(...b.map((v, i) => -Math.log10(Math.abs(v - (filip.beta[i] as number)) / Math.abs(filip.beta[i] as number))));
      expect(lre).toBeGreaterThanOrEqual(12); // no data left to refine against: ~cond * 1e-32
    }
  });

  it('toJSON / fromJSON round-trips exactly', () => {
    const { X, Y, w } = problem(3, 90, 3, 1);
    const acc = linearAccumulator(la, 3, { weights: true });
    acc.add({ rows: 50, cols: 3, data: X.subarray(0, 150) }, Y.subarray(0, 50), w.subarray(0, 50));
    acc.add({ rows: 40, cols: 3, data: X.subarray(150) }, Y.subarray(50), w.subarray(50));
    const j = acc.toJSON();
    const back = LinearAccumulator.fromJSON(la, JSON.stringify(j));
    expect(back.toJSON()).toEqual(j);
    expect(back.fit().toJSON()).toEqual(acc.fit().toJSON());
    expectCode(() => linearAccumulatorFromJSON(la, '{"format":"x"}'), 'E_FORMAT');
    expectCode(() => linearAccumulatorFromJSON(la, { ...j, comoments: { hi: [1], lo: [2] } }), 'E_FORMAT');
    expectCode(() => linearAccumulatorFromJSON(la, { ...j, d: 0 }), 'E_FORMAT');
  });

  it('checks its input and settings', () => {
    const acc = linearAccumulator(la, 2);
    expectCode(() => acc.fit(), 'E_SHAPE'); // empty
    expectCode(() => acc.add([[1, 2, 3]], [1]), 'E_SHAPE');
    expectCode(() => acc.add([[1, 2]], [1, 2]), 'E_SHAPE');
    expectCode(() => acc.add([[1, NaN]], [1]), 'E_NONFINITE');
    expectCode(() => acc.add([[1, 2]], [1], [1]), 'E_RANGE'); // created without weights
    acc.add([], []); // empty chunk: no-op
    expect(acc.n).toBe(0);
    const wacc = linearAccumulator(la, 2, { weights: true });
    expectCode(() => wacc.add([[1, 2]], [1]), 'E_SHAPE');
    expectCode(() => wacc.add([[1, 2]], [1], [-1]), 'E_RANGE');
    expectCode(() => acc.merge(wacc), 'E_RANGE');
    expectCode(() => acc.merge(linearAccumulator(la, 3)), 'E_SHAPE');
    expectCode(() => linearAccumulator(la, 0), 'E_RANGE');
    expectCode(() => linearAccumulator(la, 2, { accuracy: 'best' as never }), 'E_RANGE');
    acc.add([[1, 2], [2, 4.5]], [1, 2]);
    expectCode(() => acc.fit(), 'E_SINGULAR'); // 2 rows, 3 parameters
    acc.add([[3, 6], [4, 8.1]], [3, 4]);
    expect(acc.fit().coef.length).toBe(2);
    expectCode(() => acc.fit({ ridge: -1 }), 'E_RANGE');
    const c = linearAccumulator(la, 2).add([[1, 5], [2, 5], [3, 5], [4, 5]], [1, 2, 3, 4]);
    const e = (() => {
      try {
        c.fit();
      } catch (err) {
        return err as { code: string; details: { columns: number[] } };
      }
      throw new Error('no throw');
    })();
    expect(e.code).toBe('E_SINGULAR');
    expect(e.details.columns).toEqual([1]);
  });
});
