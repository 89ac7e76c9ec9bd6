/**
 * fitLogistic's step: on a dense design one la.centredGram pass over X per
 * Newton step forms the Hessian and the gradient (no centred design is built,
 * no la.gram); on a mostly-zero design one pass over its nonzeros does
 * (la.nonzeroGram, staged once and released, or the JS pass for a LinAlg
 * without it), with no centredGram; and
 * the fit equals an independent textbook Newton solve on [1, X] (plain JS,
 * uncentred, Cholesky) on a scorecard-like indicator design, with weights,
 * without an intercept, with ridge, and with rows past the saturation
 * threshold (where the gradient comes from a pass over X instead).
 */
import { describe, expect, it } from 'vitest';
import { fitLogistic } from '../src/fit/logistic.js';
import type { LinAlg } from '../src/ops/linalg.js';
import { rng } from './helpers/harness.js';
import { linalgs } from './helpers/plain-linalg.js';

interface Problem {
  X: number[][];
  y: number[];
  weights?: number[];
}

/** Indicator columns one-hot in groups of 7 (8 bins, the first the reference), labels from a known model. */
function indicators(n: number, d: number, seed: number): Problem {
  const r = rng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(d).fill(0);
    let eta = -1;
    for (let g = 0; g < d; g += 7) {
      const bin = Math.floor(r() * 8) - 1;
      if (bin >= 0 && g + bin < d) {
        row[g + bin] = 1;
        eta += ((bin % 5) - 2) / 3;
      }
    }
    X.push(row);
    y.push(r() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
  }
  return { X, y };
}

function dense(n: number, d: number, seed: number, scale = 1): Problem {
  const r = rng(seed);
  const X: number[][] = [];
  const y: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: d }, () => 100 + scale * (r() - 0.5));
    const eta = 0.3 + row.reduce((s, v, j) => s + ((v - 100) / scale) * (j % 2 ? 1 : -0.7), 0);
    X.push(row);
    y.push(r() < 1 / (1 + Math.exp(-eta)) ? 1 : 0);
    weights.push(i % 5 === 0 ? 0 : 0.5 + r());
  }
  return { X, y, weights };
}

/** Newton on the penalised log-likelihood over [1, X] (or X), to the float64 floor; H^-1 at the solution. */
function newton(P: Problem, intercept: boolean, ridge: number): { beta: number[]; cov: number[][] } {
  const rows = P.X.map((x) => (intercept ? [1, ...x] : x));
  const p = rows[0]!.length;
  let beta = new Array<number>(p).fill(0);
  let cov: number[][] = [];
  for (let it = 0; it < 100; it++) {
    const H = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const g = new Array<number>(p).fill(0);
    rows.forEach((z, i) => {
      const w = P.weights ? P.weights[i]! : 1;
      const pr = 1 / (1 + Math.exp(-z.reduce((s, v, j) => s + v * beta[j]!, 0)));
      for (let a = 0; a < p; a++) {
        g[a] += w * (P.y[i]! - pr) * z[a]!;
        for (let b = 0; b < p; b++) H[a]![b] += w * pr * (1 - pr) * z[a]! * z[b]!;
      }
    });
    for (let a = intercept ? 1 : 0; a < p; a++) {
      g[a] -= ridge * beta[a]!;
      H[a]![a] += ridge;
    }
    // Cholesky H = L L^T, then H^-1 column by column
    const L = H.map((r) => r.slice());
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < j; k++) L[j]![j] -= L[j]![k]! ** 2;
      L[j]![j] = Math.sqrt(L[j]![j]!);
      for (let i = j + 1; i < p; i++) {
        for (let k = 0; k < j; k++) L[i]![j] -= L[i]![k]! * L[j]![k]!;
        L[i]![j] /= L[j]![j]!;
      }
    }
    const solve = (b: number[]) => {
      const x = b.slice();
      for (let i = 0; i < p; i++) {
        for (let k = 0; k < i; k++) x[i] -= L[i]![k]! * x[k]!;
        x[i] /= L[i]![i]!;
      }
      for (let i = p - 1; i >= 0; i--) {
        for (let k = i + 1; k < p; k++) x[i] -= L[k]![i]! * x[k]!;
        x[i] /= L[i]![i]!;
      }
      return x;
    };
    const step = solve(g);
    beta = beta.map((v, j) => v + step[j]!);
    cov = Array.from({ length: p }, (_, j) => solve(Array.from({ length: p }, (_, k) => (k === j ? 1 : 0))));
    if (step.every((s, j) => Math.abs(s) <= 1e-15 * (1 + Math.abs(beta[j]!)))) break;
  }
  return { beta, cov };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

/** The LinAlg with its calls counted. */
function counted(la: LinAlg): { la: LinAlg; calls: Record<string, number> } {
  const calls: Record<string, number> = { gram: 0, centredGram: 0, columnStats: 0, staged: 0, released: 0, nonzeroGram: 0 };
  const wrapped: LinAlg = {
    backend: la.backend,
    gram: (...a) => (calls.gram++, la.gram(...a)),
    solveSPD: (...a) => la.solveSPD(...a),
    columnStats: (...a) => (calls.columnStats++, la.columnStats(...a)),
    centredGram: (...a) => (calls.centredGram++, la.centredGram(...a)),
  };
  const stage = la.nonzeroGram?.bind(la);
  if (stage) {
    wrapped.nonzeroGram = (index, d) => {
      calls.staged++;
      const g = stage(index, d);
      return {
        gram: (W, r) => (calls.nonzeroGram++, g.gram(W, r)),
        release: () => (calls.released++, g.release()),
      };
    };
  }
  return { calls, la: wrapped };
}

const all = await linalgs();

describe.each(all)('fitLogistic step ($name)', ({ la }) => {
  it('dense design: one centredGram pass per Newton step (plus the one at the estimate), no la.gram', () => {
    const P = dense(400, 5, 3);
    const c = counted(la);
    const m = fitLogistic(c.la, P.X, P.y);
    expect(m.stats.converged).toBe(true);
    expect(c.calls.gram).toBe(0);
    expect(c.calls.centredGram).toBe(m.stats.iterations + 1);
    expect(c.calls.staged).toBe(0);
    expect(c.calls.columnStats).toBe(1);
  });

  it('indicator design: one pass over the nonzeros per step, staged once and released, no centredGram, no columnStats', () => {
    const P = indicators(400, 15, 3);
    const c = counted(la);
    const m = fitLogistic(c.la, P.X, P.y);
    expect(m.stats.converged).toBe(true);
    expect(c.calls.gram + c.calls.centredGram + c.calls.columnStats).toBe(0);
    if (la.nonzeroGram) {
      expect(c.calls.staged).toBe(1);
      expect(c.calls.released).toBe(1);
      expect(c.calls.nonzeroGram).toBe(m.stats.iterations + 1);
    } else {
      expect(c.calls.staged).toBe(0);
    }
  });

  it('the staged index is released when the fit throws', () => {
    // complete separation on an indicator design (9 levels, the last the reference; y = 1 on levels 0-3): E_SEPARATION
    const X = Array.from({ length: 90 }, (_, i) => Array.from({ length: 8 }, (_, j) => (i % 9 === j ? 1 : 0)));
    const y = X.map((_, i) => (i % 9 < 4 ? 1 : 0));
    const c = counted(la);
    expect(() => fitLogistic(c.la, X, y)).toThrow(/separat/);
    expect(c.calls.staged).toBe(la.nonzeroGram ? 1 : 0);
    expect(c.calls.released).toBe(c.calls.staged);
  });

  const cases: { name: string; P: () => Problem; intercept: boolean; ridge: number }[] = [
    { name: 'indicator design', P: () => indicators(2000, 15, 5), intercept: true, ridge: 0 },
    { name: 'dense, offset columns, weights with zeros', P: () => dense(600, 4, 6), intercept: true, ridge: 0 },
    { name: 'no intercept', P: () => indicators(800, 8, 7), intercept: false, ridge: 0 },
    { name: 'ridge', P: () => indicators(500, 15, 8), intercept: true, ridge: 2 },
  ];
  it.each(cases)('equals an independent Newton solve: $name', ({ P, intercept, ridge }) => {
    const prob = P();
    const m = fitLogistic(la, prob.X, prob.y, { intercept, ridge, weights: prob.weights });
    const ref = newton(prob, intercept, ridge);
    const off = intercept ? 1 : 0;
    expect(m.stats.converged).toBe(true);
    m.coef.forEach((v, j) => expect(rel(v, ref.beta[j + off]!)).toBeLessThan(1e-10));
    if (intercept) expect(rel(m.intercept, ref.beta[0]!)).toBeLessThan(1e-10);
    if (ridge === 0) {
      m.stats.stdErrors.forEach((v, j) => expect(rel(v, Math.sqrt(ref.cov[j + off]![j + off]!))).toBeLessThan(1e-9));
      if (intercept) expect(rel(m.stats.interceptStdError, Math.sqrt(ref.cov[0]![0]!))).toBeLessThan(1e-9);
    }
  });

  it('rows past the saturation threshold (|eta| > 37) at the estimate: same solution as the independent solve', () => {
    // a strong slope and a few far-out rows whose fitted probabilities are 0 or 1 to float64, without separation
    const r = rng(9);
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 300; i++) {
      const x = r() * 4 - 2;
      X.push([x]);
      y.push(r() < 1 / (1 + Math.exp(-3 * x)) ? 1 : 0);
    }
    for (const x of [-30, -25, 25, 30]) {
      X.push([x]);
      y.push(x > 0 ? 1 : 0);
    }
    const m = fitLogistic(la, X, y);
    expect(Math.abs(m.coef[0]! * 30 + m.intercept)).toBeGreaterThan(37);
    const ref = newton({ X, y }, true, 0);
    expect(m.stats.converged).toBe(true);
    expect(rel(m.coef[0]!, ref.beta[1]!)).toBeLessThan(1e-10);
    expect(rel(m.intercept, ref.beta[0]!)).toBeLessThan(1e-10);
    expect(rel(m.stats.stdErrors[0]!, Math.sqrt(ref.cov[1]![1]!))).toBeLessThan(1e-9);
  });
});
