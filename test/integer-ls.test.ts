/**
 * The proofs checked against brute force: for small boxes every grid point is
 * tried, and each `optimal: true` answer of integerLeastSquares must reach the
 * brute-force minimum (ties aside, the same objective up to 1e-12 relative);
 * budget-limited answers are never worse than the nearest-plane (GPTQ) start
 * and their lowerBound never exceeds the true minimum.
 */
import { describe, expect, it } from 'vitest';
import { integerLeastSquares, nearestPlane, quadObjective, gridCoordinateDescent, checkBudget } from '../src/compress/integer-ls.js';
import { rng, normal } from '../src/random.js';
import { SlimfitError } from '../src/errors.js';

/** A = X^T X for n x d Gaussian X, columns mixed to condition `kappa`-ish when ill; b = A c for a random real c. */
function problem(d: number, seed: number, ill: boolean, spread: number) {
  const z = normal(rng(seed));
  const n = d + 6;
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let prev = z();
    for (let j = 0; j < d; j++) {
      // ill: AR(1) with rho 0.98, nearly collinear neighbours
      prev = ill ? 0.98 * prev + Math.sqrt(1 - 0.98 * 0.98) * z() : z();
      X[i * d + j] = prev;
    }
  }
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let r = 0; r < n; r++) s += X[r * d + i] * X[r * d + j];
    A[i * d + j] = s;
  }
  const c = Float64Array.from({ length: d }, () => z() * spread);
  const b = new Float64Array(d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) b[i] += A[i * d + j] * c[j];
  return { A, b };
}

function bruteForce(A: Float64Array, b: Float64Array, lo: number, hi: number): number {
  const d = b.length;
  const q = new Int32Array(d).fill(lo);
  let best = Infinity;
  for (;;) {
    best = Math.min(best, quadObjective(A, b, q));
    let i = 0;
    while (i < d && q[i] === hi) q[i++] = lo;
    if (i === d) break;
    q[i]++;
  }
  return best;
}

const cases: { d: number; lo: number; hi: number }[] = [
  { d: 3, lo: -2, hi: 1 }, // 2 bits symmetric
  { d: 6, lo: -2, hi: 1 },
  { d: 8, lo: -2, hi: 1 },
  { d: 4, lo: -8, hi: 7 }, // 4 bits
  { d: 5, lo: -8, hi: 7 },
];

describe('integerLeastSquares against brute force', () => {
  for (const { d, lo, hi } of cases) {
    for (const ill of [false, true]) {
      it(`d = ${d}, box [${lo}, ${hi}], ${ill ? 'ill-conditioned' : 'random'} X`, () => {
        let proved = 0;
        for (let seed = 1; seed <= 6; seed++) {
          // spread > the box half-width: the continuous optimum often lies outside the box
          const { A, b } = problem(d, 100 * d + seed + (ill ? 50 : 0), ill, (hi - lo) * 0.6);
          const min = bruteForce(A, b, lo, hi);
          const r = integerLeastSquares({ A, b, lo, hi });
          const tol = 1e-12 * Math.max(1, Math.abs(min));
          expect(r.objective).toBe(quadObjective(A, b, r.q));
          if (r.optimal) {
            proved++;
            expect(Math.abs(r.objective - min)).toBeLessThanOrEqual(tol);
            expect(r.lowerBound).toBe(r.objective);
          }
          for (const v of r.q) expect(v >= lo && v <= hi).toBe(true);
          // a budget of a few nodes: never worse than the start, bound below the minimum
          const lim = integerLeastSquares({ A, b, lo, hi, budget: { nodes: 3 } });
          const start = nearestPlane(A, b, new Int32Array(d).fill(lo), new Int32Array(d).fill(hi))!;
          expect(lim.startObjective).toBe(quadObjective(A, b, start));
          expect(lim.objective).toBeLessThanOrEqual(lim.startObjective);
          expect(lim.objective).toBeGreaterThanOrEqual(min - tol);
          if (!lim.optimal) expect(lim.lowerBound!).toBeLessThanOrEqual(min + tol);
        }
        expect(proved).toBe(6);
      });
    }
  }

  it('per-coordinate boxes, a given start (clamped into the box)', () => {
    const { A, b } = problem(4, 7, true, 5);
    const lo = Int32Array.from([-1, 0, -3, 0]);
    const hi = Int32Array.from([1, 0, 3, 2]);
    const r = integerLeastSquares({ A, b, lo, hi, start: Int32Array.from([9, 9, 9, 9]) });
    expect(Array.from(r.q, (v, i) => v >= lo[i] && v <= hi[i]).every(Boolean)).toBe(true);
    expect(r.q[1]).toBe(0);
    let best = Infinity;
    for (let a = -1; a <= 1; a++) for (let c = -3; c <= 3; c++) for (let e = 0; e <= 2; e++) best = Math.min(best, quadObjective(A, b, [a, 0, c, e]));
    expect(r.optimal).toBe(true);
    expect(Math.abs(r.objective - best)).toBeLessThanOrEqual(1e-12 * Math.abs(best));
  });

  it('coordinate descent never increases the objective', () => {
    const { A, b } = problem(8, 3, true, 4);
    const q = new Int32Array(8);
    const before = quadObjective(A, b, q);
    gridCoordinateDescent(A, b, q, new Int32Array(8).fill(-4), new Int32Array(8).fill(3));
    expect(quadObjective(A, b, q)).toBeLessThanOrEqual(before);
  });

  it('a singular A: no proof claimed', () => {
    const A = Float64Array.from([1, 1, 1, 1]);
    const r = integerLeastSquares({ A, b: Float64Array.from([0.3, 0.3]), lo: -2, hi: 1 });
    expect(r.optimal).toBe(false);
    expect(r.lowerBound).toBeUndefined();
  });

  it('bad budgets and boxes are typed errors', () => {
    for (const budget of [{ nodes: 0 }, { ms: -1 }, { nodes: NaN }, { iterations: 3 }]) {
      expect(() => checkBudget(budget as never)).toThrow(SlimfitError);
      try {
        checkBudget(budget as never);
      } catch (e) {
        expect((e as SlimfitError).code).toBe('E_RANGE');
      }
    }
    const { A, b } = problem(2, 1, false, 1);
    expect(() => integerLeastSquares({ A, b, lo: 2, hi: 1 })).toThrow(/exceeds/);
  });
});
