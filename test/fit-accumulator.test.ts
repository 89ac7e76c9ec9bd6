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
import type { LinAlg } from '../src/ops/linalg.js';
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
  while (cuts[cuts.length - 1] < n) {
    const u = r();
    const len = u < 0.15 ? 0 : u < 0.3 ? 1 : Math.floor(r() * n * 0.3);
    cuts.push(Math.min(n, cuts[cuts.length - 1] + len));
  }
  return cuts;
}

function rel(a: ArrayLike<number> | number, b: ArrayLike<number> | number): number {
  const A = typeof a === 'number' ? [a] : Array.from(a);
  const B = typeof b === 'number' ? [b] : Array.from(b);
  let worst = 0;
  for (let i = 0; i < A.length; i++) worst = Math.max(worst, Math.abs(A[i] - B[i]) / Math.max(1e-300, Math.abs(B[i])));
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
    const a = cuts[c];
    const b = cuts[c + 1];
    const chunk: DesignMatrix = { rows: b - a, cols: d, data: X.data.subarray(a * d, b * d) };
    if (X.lo) chunk.lo = X.lo.subarray(a * d, b * d);
    const yc = m === 1 ? Y.subarray(a, b) : { rows: b - a, cols: m, data: Y.subarray(a * m, b * m) };
    accs[Math.floor(r() * accs.length)].add(chunk, yc, w?.subarray(a, b));
  }
  while (accs.length > 1) {
    const i = Math.floor(r() * accs.length);
    const [x] = accs.splice(i, 1);
    const j = Math.floor(r() * accs.length);
    const target = r() < 0.5 ? accs[j] : linearAccumulatorFromJSON(la, JSON.stringify(accs[j].toJSON()));
    accs[j] = target.merge(r() < 0.5 ? x! : linearAccumulatorFromJSON(la, x!.toJSON()));
  }
  return accs[0];
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
      filip.x.map((r) => r[0]),
      10,
    );
    const Y = Float64Array.from(filip.y);
    for (let seed = 0; seed < 3; seed++) {
      const acc = shardedFit(la, 200 + seed, X, Y, 1, undefined, { shards: 3, accuracy: 'accurate' });
      const m = acc.fit();
      expect(m.stats.method).toBe('dd-cholesky');
      const b = [m.intercept as number, ...m.coef];
      const lre = Math.min(...b.map((v, i) => -Math.log10(Math.abs(v - filip.beta[i]) / Math.abs(filip.beta[i]))));
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

function errorOf(fn: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; details: Record<string, unknown> };
  }
  throw new Error('expected a throw, nothing was thrown');
}

/** n rows, 4 columns each 1000 + U(-1, 1), column 1 = column 0 + eps U(-1, 1); y linear + noise. cond ~ 6 / eps^2. */
function nearCollinear(seed: number, eps: number, n = 500): { X: number[][]; y: number[] } {
  const r = rng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: 4 }, () => 1000 + (2 * r() - 1));
    row[1] = row[0] + eps * (2 * r() - 1);
    X.push(row);
    y.push(1.5 * row[0] - 0.5 * row[1] + 2 * row[2] - row[3] + 0.01 * (2 * r() - 1));
  }
  return { X, y };
}

describe.each(all)("linearAccumulator with 'fast' (float64) moments ($name)", ({ la }) => {
  it('refuses designs float64 moments cannot resolve (cond > 1e10) whatever accuracy fit() is asked for, naming the columns', () => {
    for (const eps of [1e-5, 1e-7]) {
      // cond ~4e10 and ~4e14: a double-double solve of these moments used to return coefficients wrong in the 6th / 3rd digit as 'dd-cholesky'
      const { X, y } = nearCollinear(7, eps);
      const acc = linearAccumulator(la, 4).add(X, y);
      for (const accuracy of [undefined, 'auto', 'fast', 'accurate'] as const) {
        const e = errorOf(() => acc.fit(accuracy ? { accuracy } : {}));
        expect(e.code, `eps ${eps}, ${accuracy}`).toBe('E_SINGULAR');
        expect(e.details.columns).toEqual([0, 1]);
        expect(e.message).toMatch(/float64 moments/);
        expect(e.message).toContain("{ accuracy: 'accurate' }");
        expect(e.message).toContain('ridge > 0');
      }
    }
  });

  it("reports the float64 solve it ran ('cholesky') and is as accurate as float64 moments allow", () => {
    const { X, y } = nearCollinear(7, 1e-3); // cond ~4e6: beyond 'auto''s 1e6, within 1e10
    const truth = fitLinear(la, X, y, { accuracy: 'accurate' });
    const acc = linearAccumulator(la, 4).add(X.slice(0, 200), y.slice(0, 200)).add(X.slice(200), y.slice(200));
    for (const accuracy of ['auto', 'fast', 'accurate'] as const) {
      const m = acc.fit({ accuracy });
      expect(m.stats.method).toBe('cholesky');
      expect(m.stats.condition).toBeGreaterThan(1e6);
      expect(rel(m.coef, truth.coef)).toBeLessThan(1e-8); // ~cond * 1e-16 (measured 2e-10)
    }
  });

  it('fits ill-conditioned designs normally with ridge > 0', () => {
    const { X, y } = nearCollinear(7, 1e-7);
    const acc = linearAccumulator(la, 4).add(X.slice(0, 123), y.slice(0, 123)).add(X.slice(123), y.slice(123));
    const m = acc.fit({ ridge: 0.5 });
    expect(m.stats.method).toBe('cholesky');
    expect(rel(m.coef, fitLinear(la, X, y, { ridge: 0.5 }).coef)).toBeLessThan(1e-10);
  });

  it("'accurate' moments keep the double-double path on the same designs", () => {
    const { X, y } = nearCollinear(7, 1e-7);
    const acc = linearAccumulator(la, 4, { accuracy: 'accurate' }).add(X.slice(0, 250), y.slice(0, 250)).add(X.slice(250), y.slice(250));
    const m = acc.fit();
    expect(m.stats.method).toBe('dd-cholesky');
    expect(rel(m.coef, fitLinear(la, X, y, { accuracy: 'accurate' }).coef)).toBeLessThan(1e-12);
  });

  it("statistics hold ~1e-16 / (1 - R^2) relative across chunkings (NIST Pontius: 1 - R^2 = 1e-7), coefficients ~1e-12", () => {
    const pontius = nistSet('Pontius');
    const X = polynomialDesign(
      pontius.x.map((r) => r[0]),
      2,
    );
    const Y = Float64Array.from(pontius.y);
    const one = fitLinear(la, X, Y);
    const bound = 10 * (Number.EPSILON / (1 - (one.stats.rSquared as number)));
    for (let seed = 0; seed < 8; seed++) {
      const m = shardedFit(la, 300 + seed, X, Y, 1, undefined, { shards: 1 + (seed % 3) }).fit();
      expect(rel(m.coef, one.coef)).toBeLessThan(1e-12);
      expect(rel(m.stats.residualSd, one.stats.residualSd)).toBeLessThan(bound); // measured up to 1.7e-9
      expect(rel(m.stats.stdErrors, one.stats.stdErrors)).toBeLessThan(bound);
    }
  });
});

interface NistSet {
  name: string;
  model: string;
  degree: number | null;
  x: number[][];
  y: number[];
}
function nistSet(name: string): NistSet {
  const nist = JSON.parse(readFileSync(new URL('./fixtures/nist-strd-lls.json', import.meta.url), 'utf8')) as { sets: NistSet[] };
  return nist.sets.find((s) => s.name === name)!;
}

describe.each(all)("linearAccumulator with 'accurate' moments: the 1e-12 streaming contract on NIST ($name)", ({ la }) => {
  for (const name of ['Pontius', 'Longley']) {
    it(`${name}: any chunking and merge order matches the one-shot fit to 1e-12 in coefficients and statistics`, () => {
      const s = nistSet(name);
      const X: DesignMatrix =
        s.model === 'polynomial'
          ? polynomialDesign(
              s.x.map((r) => r[0]),
              s.degree as number,
            )
          : { rows: s.x.length, cols: (s.x[0] as number[]).length, data: Float64Array.from(s.x.flat()) };
      const Y = Float64Array.from(s.y);
      const oneAccurate = fitLinear(la, X, Y, { accuracy: 'accurate' });
      const oneAuto = fitLinear(la, X, Y);
      for (let seed = 0; seed < 10; seed++) {
        const acc = shardedFit(la, 400 + seed, X, Y, 1, undefined, { shards: 1 + (seed % 4), accuracy: 'accurate' });
        expect(acc.n).toBe(s.y.length);
        // like with like: the double-double solve of DD moments vs the one-shot accurate path (measured <= 3e-16)
        const m = acc.fit({ accuracy: 'accurate' });
        expect(m.stats.method).toBe('dd-cholesky');
        expectSame(m, oneAccurate, 1e-12);
        expect(rel(m.stats.interceptStdError, oneAccurate.stats.interceptStdError)).toBeLessThan(1e-12);
        // default fit() ('cholesky' on these well-conditioned designs): statistics to 1e-12 too (measured <= 2e-13);
        // its coefficients, like the one-shot 'cholesky', carry ~cond * 1e-16 (measured up to 3.4e-12 vs the one-shot)
        const d = acc.fit();
        expect(rel(d.stats.residualSd, oneAuto.stats.residualSd)).toBeLessThan(1e-12);
        expect(rel(d.stats.stdErrors, oneAuto.stats.stdErrors)).toBeLessThan(1e-12);
        expect(rel(d.stats.rSquared, oneAuto.stats.rSquared)).toBeLessThan(1e-12);
      }
    });
  }
});

describe.each(all)('linearAccumulator settings and JSON checks ($name)', ({ la }) => {
  it('validates its options at creation: weights and intercept must be booleans; null options mean defaults', () => {
    const e = errorOf(() => linearAccumulator(la, 3, { weights: [1, 2, 3] as never }));
    expect(e.code).toBe('E_RANGE');
    expect(e.message).toMatch(/weights must be true or false/);
    expectCode(() => linearAccumulator(la, 3, { intercept: 'no' as never }), 'E_RANGE');
    expectCode(() => linearAccumulator(la, 3, { intercept: 0 as never }), 'E_RANGE');
    expectCode(() => linearAccumulator(la, 3, 5 as never), 'E_RANGE');
    const acc = linearAccumulator(la, 1, null);
    expect(acc.intercept).toBe(true);
    acc.add([[1], [2], [3]], [1, 2, 4]);
    expect(acc.fit(null).coef.length).toBe(1);
  });

  it('says all rows had zero weight (not "empty") when every added row had weight 0', () => {
    const acc = linearAccumulator(la, 2, { weights: true });
    acc.add([[1, 2], [3, 4]], [1, 2], [0, 0]);
    const e = errorOf(() => acc.fit());
    expect(e.code).toBe('E_RANGE');
    expect(e.message).toMatch(/all 2 row\(s\) added so far had weight 0/);
    const other = linearAccumulator(la, 2, { weights: true }).add([[5, 6]], [3], [0]);
    expect(errorOf(() => linearAccumulator(la, 2, { weights: true }).merge(other).fit()).message).toMatch(/had weight 0/);
    expect(errorOf(() => linearAccumulator(la, 2).fit()).message).toMatch(/empty/);
  });

  it('fromJSON rejects tampered moments with E_FORMAT saying what is wrong', () => {
    const acc = linearAccumulator(la, 2).add([[1, 2], [2, 1], [3, 5], [4, 4], [5, 7], [6, 5]], [1, 2, 3, 5, 4, 6]);
    const j = acc.toJSON();
    const q = 3;
    const bad = (patch: (c: typeof j) => void, re: RegExp) => {
      const c = JSON.parse(JSON.stringify(j)) as typeof j;
      patch(c);
      const e = errorOf(() => linearAccumulatorFromJSON(la, c));
      expect(e.code, e.message).toBe('E_FORMAT');
      expect(e.message).toMatch(re);
    };
    bad((c) => (c.n = 1000), /weight sum must equal n/);
    bad((c) => (c.sumW = [-6, 0]), /sumW/);
    bad((c) => (c.sumW = ['NaN', 0]), /sumW/);
    bad((c) => (c.comoments.hi[0] = -1), /diagonal co-moments .* cannot be negative/);
    bad((c) => (c.mean.hi[1] = 'Infinity'), /mean\.hi\[1\] is Infinity/);
    bad((c) => (c.mean.lo[0] = 'NaN'), /mean\.lo\[0\] is NaN/);
    bad((c) => (c.comoments.hi[1] = (c.comoments.hi[1] as number) + 1), /not symmetric/);
    bad((c) => (c.comoments.lo[q + 2] = 'NaN'), /comoments\.lo/);
    bad((c) => (c.intercept = 'false' as never), /booleans/);
    const w = linearAccumulator(la, 2, { weights: true }).add([[1, 2], [2, 1], [3, 5]], [1, 2, 3], [0.5, 1, 2]);
    const wj = w.toJSON();
    expect(linearAccumulatorFromJSON(la, wj).toJSON()).toEqual(wj); // weighted: sumW != n is legitimate
    const e = errorOf(() => linearAccumulatorFromJSON(la, { ...wj, sumW: [-3.5, 0] }));
    expect(e.code).toBe('E_FORMAT');
    // legitimate JSON still round-trips exactly, fast and accurate
    expect(linearAccumulatorFromJSON(la, JSON.stringify(j)).toJSON()).toEqual(j);
    const a = linearAccumulator(la, 2, { accuracy: 'accurate' }).add([[1, 2], [2, 1], [3, 5], [4, 4]], [1, 2, 3, 5]).add([[1e8, 1e-8]], [7]);
    expect(linearAccumulatorFromJSON(la, JSON.stringify(a.toJSON())).toJSON()).toEqual(a.toJSON());
  });
});
