/**
 * fitQuantized: each `optimal: true` answer is checked against a brute force
 * over every point of its grid (the training loss in closed form with the
 * intercept re-fitted, from a Gram matrix the test builds itself); budget-
 * limited answers are never worse than GPTQ's; logistic answers beat GPTQ on
 * the log-likelihood; the model round-trips through .slim; bad input is a
 * typed error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init, type Engine } from '../src/index.js';
import { fitQuantized } from '../src/compress/fit-quantized.js';
import { compressionReport } from '../src/compress/rate-distortion.js';
import { fitLinear } from '../src/fit/linear.js';
import { decodeSlim, encodeSlim } from '../src/io/index.js';
import { CompressedLinearModel } from '../src/compress/compressed-model.js';
import { quantRange } from '../src/codes.js';
import { rng, normal } from '../src/random.js';
import { expectCode } from './helpers/engines.js';

let e: Engine;
beforeAll(async () => {
  e = await init({ warmUp: false });
});

/** n x d features (ill: AR(1) rho 0.98 with one column in other units), y = X w + noise. */
function data(n: number, d: number, seed: number, ill: boolean) {
  const z = normal(rng(seed));
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let prev = z();
    for (let j = 0; j < d; j++) {
      prev = ill ? 0.98 * prev + Math.sqrt(1 - 0.98 * 0.98) * z() : z();
      X[i * d + j] = ill && j === 0 ? 40 * prev + 100 : prev;
    }
  }
  const w = Float64Array.from({ length: d }, (_, j) => z() / (ill && j === 0 ? 40 : 1));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 2;
    for (let j = 0; j < d; j++) t += X[i * d + j] * w[j];
    y[i] = t + 0.5 * z();
  }
  return { X: { rows: n, cols: d, data: X }, y };
}

/** min over every grid point of the mean squared error with the best intercept (the grid of the answer). */
function bruteForce(X: { rows: number; cols: number; data: Float64Array }, y: Float64Array, scale: number, zero: number, bits: number, scheme: 'symmetric' | 'affine', fit: { intercept?: boolean; ridge?: number } = {}): number {
  const { rows: n, cols: d, data } = X;
  const mu = new Float64Array(d);
  let ym = 0;
  if (fit.intercept !== false) {
    for (let i = 0; i < n; i++) {
      ym += y[i] / n;
      for (let j = 0; j < d; j++) mu[j] += data[i * d + j] / n;
    }
  }
  const ridge = fit.ridge ?? 0;
  const G = new Float64Array(d * d);
  const r = new Float64Array(d);
  let yy = 0;
  for (let i = 0; i < n; i++) {
    const yc = y[i] - ym;
    yy += yc * yc;
    for (let j = 0; j < d; j++) {
      const xj = data[i * d + j] - mu[j];
      r[j] += xj * yc;
      for (let k = 0; k < d; k++) G[j * d + k] += xj * (data[i * d + k] - mu[k]);
    }
  }
  const { qmin, qmax } = quantRange(bits, scheme);
  const q = new Int32Array(d).fill(qmin);
  const w = new Float64Array(d);
  let best = Infinity;
  for (;;) {
    for (let j = 0; j < d; j++) w[j] = scale * (q[j] - zero);
    let f = yy;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += G[j * d + k] * w[k];
      f += w[j] * (s + ridge * w[j] - 2 * r[j]);
    }
    best = Math.min(best, f / n);
    let j = 0;
    while (j < d && q[j] === qmax) q[j++] = qmin;
    if (j === d) break;
    q[j]++;
  }
  return best;
}

const CASES = [
  { d: 6, bits: 2, scheme: 'symmetric' as const },
  { d: 8, bits: 2, scheme: 'symmetric' as const },
  { d: 4, bits: 3, scheme: 'affine' as const },
  { d: 5, bits: 4, scheme: 'symmetric' as const },
];

describe('fitQuantized (least squares) against brute force', () => {
  for (const { d, bits, scheme } of CASES) {
    for (const ill of [false, true]) {
      it(`d = ${d}, ${bits} bits ${scheme}, ${ill ? 'ill-conditioned' : 'random'} X`, () => {
        for (let seed = 1; seed <= 2; seed++) {
          const { X, y } = data(ill ? d + 4 : 40, d, 10 * d + seed + (ill ? 5 : 0), ill);
          const { model, report } = fitQuantized(e, X, y, { bits, scheme });
          expect(report.optimal).toBe(true);
          const min = bruteForce(X, y, report.scale[0], report.zeroPoint ? report.zeroPoint[0] : 0, bits, scheme);
          expect(Math.abs(report.objective - min)).toBeLessThanOrEqual(1e-9 * min);
          expect(report.lowerBound).toBe(report.objective);
          // the model's own predictions give the reported loss
          const p = model.predict(X);
          let se = 0;
          for (let i = 0; i < y.length; i++) se += (y[i] - p[i]) ** 2;
          expect(se / y.length).toBeCloseTo(report.objective, 12);
          expect(report.objective).toBeLessThanOrEqual(report.startObjective * (1 + 1e-12));
          // a budget of a few nodes: never worse than GPTQ, and the bound stays below the grid's minimum
          const lim = fitQuantized(e, X, y, { bits, scheme, budget: { nodes: 2 } }).report;
          expect(lim.objective).toBeLessThanOrEqual(lim.startObjective * (1 + 1e-12));
          const limMin = bruteForce(X, y, lim.scale[0], lim.zeroPoint ? lim.zeroPoint[0] : 0, bits, scheme);
          expect(lim.objective).toBeGreaterThanOrEqual(limMin * (1 - 1e-9));
          if (!lim.optimal) expect(lim.lowerBound!).toBeLessThanOrEqual(limMin * (1 + 1e-9));
        }
      });
    }
  }

  it('without an intercept, and with a ridge penalty: the same proof, against the brute force of that loss', () => {
    const { X, y } = data(30, 6, 41, true);
    for (const fit of [{ intercept: false }, { ridge: 3 }, { intercept: false, ridge: 0.5 }]) {
      const { model, report } = fitQuantized(e, X, y, { bits: 2, ...fit });
      expect(report.optimal).toBe(true);
      const min = bruteForce(X, y, report.scale[0], 0, 2, 'symmetric', fit);
      expect(Math.abs(report.objective - min)).toBeLessThanOrEqual(1e-9 * min);
      if (fit.intercept === false) expect(model.intercept[0]).toBe(0);
    }
  });

  it('a fixed scale is the grid searched; { block } gives one scale per block', () => {
    const { X, y } = data(60, 6, 3, false);
    const fixed = fitQuantized(e, X, y, { bits: 2, scale: 0.25 }).report;
    expect(Array.from(fixed.scale)).toEqual([0.25]);
    expect(fixed.optimal).toBe(true);
    expect(fixed.objective).toBeCloseTo(bruteForce(X, y, 0.25, 0, 2, 'symmetric'), 10);
    const blocks = fitQuantized(e, X, y, { bits: 3, granularity: { block: 3 } });
    expect(blocks.report.scale.length).toBe(2);
    expect(blocks.model.groupSize).toBe(3);
    expect(blocks.report.objective).toBeLessThanOrEqual(blocks.report.startObjective * (1 + 1e-12));
  });

  it('beats round-to-nearest and GPTQ on correlated features, and writes to .slim', async () => {
    const { X, y } = data(400, 12, 9, true);
    const { model, report } = fitQuantized(e, X, y, { bits: 3 });
    expect(report.objective).toBeLessThan(report.startObjective);
    expect(report.startObjective).toBeLessThanOrEqual(report.rtnObjective);
    expect(report.objective).toBeGreaterThanOrEqual(report.floatObjective);
    expect(model.report().method).toBe('qat');
    const back = await decodeSlim(await encodeSlim({ kind: 'compressed-linear', model }));
    if (back.kind !== 'compressed-linear') throw new Error(`expected a compressed linear model, got ${back.kind}`);
    const m2: CompressedLinearModel = back.model;
    expect(Array.from(m2.predict(X))).toEqual(Array.from(model.predict(X)));
    expect(m2.report().method).toBe('qat');
    expect((m2.report().quantize as { optimal: boolean }).optimal).toBe(report.optimal);
  });
});

describe('fitQuantized (logistic)', () => {
  it('IRLS on the grid, finished on the log-likelihood: no worse than GPTQ, a logistic model', async () => {
    const { X, y: t } = data(600, 8, 21, true);
    const y = Float64Array.from(t, (v, i) => (v - 2 + Math.sin(i) > 0 ? 1 : 0));
    const { model, report } = fitQuantized(e, X, y, { bits: 3, task: 'logistic' });
    expect(report.optimal).toBe(false);
    expect(typeof report.subproblemOptimal).toBe('boolean');
    expect(report.objective).toBeLessThanOrEqual(report.startObjective);
    expect(report.objective).toBeGreaterThanOrEqual(report.floatObjective);
    expect(model.task).toBe('logistic');
    const labels = model.predict(X);
    expect(labels.every((v) => v === 0 || v === 1)).toBe(true);
    const back = await decodeSlim(await encodeSlim({ kind: 'compressed-logistic', model }));
    if (back.kind !== 'compressed-logistic') throw new Error(`expected a compressed logistic model, got ${back.kind}`);
    expect(Array.from(back.model.decisionFunction(X))).toEqual(Array.from(model.decisionFunction(X)));
  });
});

describe("compressionReport 'qat' rows", () => {
  it('one row per bit width with the proof status when X and y are given; E_RANGE without y', () => {
    const train = data(300, 6, 31, true);
    const test = data(300, 6, 32, true);
    const model = fitLinear(e, train.X, train.y);
    const rows = compressionReport(e, model, test.X, test.y, { X: train.X, y: train.y, bits: [2, 3], sparsity: [0] });
    const qat = rows.filter((r) => r.method === 'qat');
    expect(qat.map((r) => r.bits)).toEqual([2, 3]);
    for (const r of qat) {
      expect(typeof r.optimal).toBe('boolean');
      const fq = fitQuantized(e, train.X, train.y, { bits: r.bits! });
      const p = fq.model.predict(test.X);
      let se = 0;
      for (let i = 0; i < p.length; i++) se += (p[i] - test.y[i]) ** 2;
      expect(r.mse).toBeCloseTo(se / p.length, 12);
      expect(r.optimal).toBe(fq.report.optimal);
    }
    expect(compressionReport(e, model, test.X, test.y, { X: train.X, bits: [3], sparsity: [0] }).some((r) => r.method === 'qat')).toBe(false);
    expectCode(() => compressionReport(e, model, test.X, test.y, { X: train.X, methods: ['qat'] }), 'E_RANGE');
  });
});

describe('fitQuantized bad input', () => {
  const { X, y } = data(30, 4, 1, false);
  it('bits outside 2..8, budgets <= 0, bad scales, tasks and granularities are typed errors', () => {
    for (const bits of [1, 9, 2.5]) expectCode(() => fitQuantized(e, X, y, { bits }), 'E_RANGE');
    for (const budget of [{ nodes: 0 }, { ms: 0 }, { nodes: -3 }, { ms: NaN }]) expectCode(() => fitQuantized(e, X, y, { budget }), 'E_RANGE');
    expectCode(() => fitQuantized(e, X, y, { budget: { node: 5 } as never }), 'E_RANGE');
    for (const scale of [0, -1, Infinity, 'max' as never]) expectCode(() => fitQuantized(e, X, y, { scale }), 'E_RANGE');
    expectCode(() => fitQuantized(e, X, y, { task: 'poisson' as never }), 'E_RANGE');
    expectCode(() => fitQuantized(e, X, y, { granularity: { block: 3 } }), 'E_SHAPE');
    expectCode(() => fitQuantized(e, X, y, { ridge: -1 }), 'E_RANGE');
    expectCode(() => fitQuantized(e, X, y.subarray(1)), 'E_SHAPE');
    expectCode(() => fitQuantized(e, X, y, { task: 'logistic' }), 'E_RANGE'); // labels not 0/1
  });
});
