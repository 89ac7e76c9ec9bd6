/**
 * Differentially private fits (docs/PRIVACY.md): the noise has the scale the
 * accounting states (statistical tests, each with a stated false-failure
 * rate), accuracy improves with epsilon and tends to the non-private fit,
 * seeds reproduce, no .slim holds a training row, the report travels with the
 * model, and every option a private fit cannot honour is a typed error.
 */
import { describe, expect, it } from 'vitest';
import { init } from '../src/engine/init.js';
import { fitLinear } from '../src/fit/linear.js';
import { fitLogistic } from '../src/fit/logistic.js';
import { linearAccumulator, linearAccumulatorFromJSON } from '../src/fit/accumulator.js';
import { LinearModel } from '../src/fit/model.js';
import { LogisticModel } from '../src/fit/logistic-model.js';
import { decodeSlim, encodeSlim } from '../src/io/slim.js';
import { creditDataset } from '../src/data/credit.js';
import { perturbNormal, sspScales } from '../src/privacy/adassp.js';
import { zcdpBudget, zcdpEpsilon } from '../src/privacy/accounting.js';
import { noiseStream, radialLaplace } from '../src/privacy/noise.js';
import { objectivePerturbation } from '../src/privacy/objective.js';
import { rng } from '../src/random.js';
import type { Matrix } from '../src/types.js';
import { expectCode } from './helpers/engines.js';

const engine = await init({ backend: 'wasm' });

/**
 * Two-sided z bound for a false-failure rate of 1e-6 per check: P(|N(0,1)| > 4.89) = 1.0e-6.
 * Sums of thousands of draws are normal to well within what this needs (CLT).
 */
const Z6 = 4.89;

/** n rows of d features uniform in [-1, 1], y = X beta + 0.1 noise (bounded: |y| < 3.5). */
function synthetic(n: number, d: number, seed: number): { X: Matrix; y: Float64Array; beta: number[] } {
  const u = rng(seed);
  const beta = Array.from({ length: d }, (_, j) => (j % 2 ? -0.5 : 0.8) / Math.sqrt(d));
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = 0.3;
    for (let j = 0; j < d; j++) {
      X[i * d + j] = 2 * u() - 1;
      t += beta[j] * X[i * d + j];
    }
    y[i] = t + 0.1 * (u() + u() + u() - 1.5);
  }
  return { X: { rows: n, cols: d, data: X }, y, beta };
}

describe('the noise has the stated scale', () => {
  it('zCDP accounting: rho + 2 sqrt(rho ln(1/delta)) = epsilon, and the Gaussian scales follow from it', () => {
    for (const [eps, delta] of [[0.1, 1e-6], [1, 1e-6], [8, 1e-6], [2, 0.01]]) {
      const rho = zcdpBudget(eps, delta);
      expect(zcdpEpsilon(rho, delta)).toBeCloseTo(eps, 12);
      // the formula written out independently: sqrt(rho) = sqrt(ln(1/delta) + eps) - sqrt(ln(1/delta))
      const r = Math.sqrt(Math.log(1 / delta) + eps) - Math.sqrt(Math.log(1 / delta));
      const s = sspScales(3, 2, eps, delta, 'adassp');
      expect(s.sigmaGram).toBeCloseTo(9 / Math.sqrt((2 * r * r) / 3), 6);
      expect(s.sigmaCross).toBeCloseTo(6 / Math.sqrt((2 * r * r) / 3), 6);
      expect(sspScales(3, 2, eps, delta, 'ssp').sigmaGram).toBeCloseTo(9 / Math.sqrt(r * r), 6);
    }
  });

  it('the released Gram and cross products carry N(0, sigma^2) noise: mean and variance tests over 3000 seeds (false-failure rate ~4e-6 in all)', () => {
    const p = 4;
    const G = Float64Array.from({ length: p * p }, (_, k) => (Math.floor(k / p) === k % p ? 50 : 3));
    const c = Float64Array.of(1, 2, 3, 4);
    const seeds = 3000;
    let zg = 0;
    let sg = 0;
    let zc = 0;
    let sc = 0;
    let ng = 0;
    let nc = 0;
    let sigmaG = 0;
    let sigmaC = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const r = perturbNormal({ G, c, p, boundZ: 2, boundY: 3, epsilon: 1, delta: 1e-6, method: 'adassp', noise: noiseStream(seed) });
      sigmaG = r.sigmaGram;
      sigmaC = r.sigmaCross;
      for (let i = 0; i < p; i++) {
        for (let j = i; j < p; j++) {
          const e = (r.A[i * p + j] - G[i * p + j]) / sigmaG;
          expect(r.A[j * p + i]).toBe(r.A[i * p + j]);
          zg += e;
          sg += e * e;
          ng++;
        }
        const e = (r.b[i] - c[i]) / sigmaC;
        zc += e;
        sc += e * e;
        nc++;
      }
    }
    // the scale itself, from the formula: B_Z^2 / sqrt(2 rho / 3) and B_Z B_Y / sqrt(2 rho / 3)
    const rho = zcdpBudget(1, 1e-6);
    expect(sigmaG).toBeCloseTo(4 / Math.sqrt((2 * rho) / 3), 9);
    expect(sigmaC).toBeCloseTo(6 / Math.sqrt((2 * rho) / 3), 9);
    // mean 0: the sum of k standard normals is N(0, k)
    expect(Math.abs(zg / Math.sqrt(ng))).toBeLessThan(Z6);
    expect(Math.abs(zc / Math.sqrt(nc))).toBeLessThan(Z6);
    // variance 1: the sum of squares of k standard normals is chi^2_k, mean k, variance 2k
    expect(Math.abs((sg - ng) / Math.sqrt(2 * ng))).toBeLessThan(Z6);
    expect(Math.abs((sc - nc) / Math.sqrt(2 * nc))).toBeLessThan(Z6);
    // power: a scale 8% off would be caught (30000 Gram draws resolve the variance to ~4% at 4.89 sigma)
    expect(Math.abs((sg / 1.08 ** 2 - ng) / Math.sqrt(2 * ng))).toBeGreaterThan(Z6);
  });

  it('Box-Muller on crypto uniforms: mean, variance and tail mass of N(0, 1) (1e5 draws, false-failure rate ~3e-6)', () => {
    const s = noiseStream();
    const k = 100_000;
    let m = 0;
    let v = 0;
    let tail = 0;
    for (let i = 0; i < k; i++) {
      const z = s.gaussian();
      m += z;
      v += z * z;
      if (Math.abs(z) > 1.959963985) tail++;
    }
    expect(Math.abs(m / Math.sqrt(k))).toBeLessThan(Z6);
    expect(Math.abs((v - k) / Math.sqrt(2 * k))).toBeLessThan(Z6);
    // P(|Z| > 1.96) = 0.05: a binomial count
    expect(Math.abs((tail - 0.05 * k) / Math.sqrt(k * 0.05 * 0.95))).toBeLessThan(Z6);
  });

  it('objective perturbation: ||b|| ~ Gamma(p, 2/eps\'), mean 2p/eps\', variance 4p/eps\'^2 (4000 draws, false-failure rate ~2e-6)', () => {
    const p = 6;
    const eps = 0.8;
    const o = objectivePerturbation(10_000, p, eps, 1e-3, noiseStream(7));
    // eps' = eps - ln(1 + 2c/(n L) + c^2/(n L)^2) with c = 1/4
    const q = 0.25 / (10_000 * 1e-3);
    expect(o.epsilonPrime).toBeCloseTo(eps - Math.log(1 + 2 * q + q * q), 12);
    expect(o.extraRidge).toBe(0);
    const s = noiseStream(11);
    const k = 4000;
    const scale = 2 / o.epsilonPrime;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < k; i++) {
      const b = radialLaplace(s, p, scale);
      const r = Math.hypot(...b);
      sum += r;
      sq += r * r;
    }
    const mean = sum / k;
    expect(Math.abs((mean - p * scale) / Math.sqrt((p * scale * scale) / k))).toBeLessThan(Z6);
    const variance = sq / k - mean * mean;
    // relative SE of a sample variance of a Gamma(6) is about sqrt((2 + 6/p)/k) = 0.027
    expect(Math.abs(variance / (p * scale * scale) - 1)).toBeLessThan(Z6 * Math.sqrt((2 + 6 / p) / k));
    // a too-small budget takes the Delta branch: eps' = eps / 2 and a positive extra ridge
    const small = objectivePerturbation(100, p, 0.1, 1e-4, noiseStream(1));
    expect(small.epsilonPrime).toBe(0.05);
    expect(small.extraRidge).toBeCloseTo(0.25 / (100 * Math.expm1(0.025)) - 1e-4, 12);
  });
});

const coefError = (m: LinearModel, beta: number[]) => Math.hypot(...Array.from(m.coef, (b, j) => b - beta[j]));

describe('accuracy against epsilon', () => {
  const { X, y, beta } = synthetic(20_000, 5, 1);
  const boundX = Math.sqrt(5);
  const plain = fitLinear(engine, X, y);

  for (const method of ['adassp', 'ssp'] as const) {
    it(`${method}: coefficient error falls as epsilon grows and tends to the non-private fit`, () => {
      const errs = [0.05, 0.5, 5, 500].map((epsilon) => {
        let e = 0;
        for (let seed = 0; seed < 8; seed++) e += coefError(fitLinear(engine, X, y, { privacy: { epsilon, delta: 1e-6, boundX, boundY: 4, method, seed } }), Array.from(plain.coef));
        return e / 8;
      });
      for (let k = 1; k < errs.length; k++) expect(errs[k]).toBeLessThan(errs[k - 1]);
      expect(errs[errs.length - 1]).toBeLessThan(2e-3);
      const big = fitLinear(engine, X, y, { privacy: { epsilon: 1e6, delta: 1e-6, boundX, boundY: 4, method, seed: 1 } });
      expect(coefError(big, beta)).toBeLessThan(coefError(plain, beta) + 1e-4);
      expect(Math.abs((big.intercept as number) - (plain.intercept as number))).toBeLessThan(1e-4);
    });
  }

  it('logistic (objective perturbation): error falls with epsilon and tends to the regularised non-private optimum', () => {
    const u = rng(5);
    const n = 5000;
    const d = 3;
    const Xd = new Float64Array(n * d);
    const yl = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let e = -0.4;
      for (let j = 0; j < d; j++) {
        Xd[i * d + j] = 2 * u() - 1;
        e += [1.5, -1, 0.5][j] * Xd[i * d + j];
      }
      yl[i] = u() < 1 / (1 + Math.exp(-e)) ? 1 : 0;
    }
    const Xl = { rows: n, cols: d, data: Xd };
    const ref = fitLogistic(engine, Xl, yl, { privacy: { epsilon: 1e9, boundX: 2, regularization: 1e-6, seed: 1 } });
    const plainL = fitLogistic(engine, Xl, yl);
    // epsilon -> infinity leaves the (tiny) regulariser only: the maximum-likelihood fit
    for (let j = 0; j < d; j++) expect(Math.abs(ref.coef[j] - plainL.coef[j])).toBeLessThan(2e-3);
    expect(Math.abs(ref.intercept - plainL.intercept)).toBeLessThan(2e-3);
    const errs = [0.1, 1, 10, 1000].map((epsilon) => {
      let e = 0;
      for (let seed = 0; seed < 6; seed++) {
        const m = fitLogistic(engine, Xl, yl, { privacy: { epsilon, boundX: 2, regularization: 1e-6, seed } });
        e += Math.hypot(...Array.from(m.coef, (b, j) => b - ref.coef[j]));
      }
      return e / 6;
    });
    for (let k = 1; k < errs.length; k++) expect(errs[k]).toBeLessThan(errs[k - 1]);
  });
});

describe('seeds, reports and clipping', () => {
  const { X, y } = synthetic(3000, 4, 2);
  const priv = { epsilon: 1, delta: 1e-6, boundX: 2, boundY: 4 };

  it('the same seed reproduces the fit bit for bit; another seed, or none, differs', () => {
    const a = fitLinear(engine, X, y, { privacy: { ...priv, seed: 42 } });
    const b = fitLinear(engine, X, y, { privacy: { ...priv, seed: 42 } });
    const c = fitLinear(engine, X, y, { privacy: { ...priv, seed: 43 } });
    const u1 = fitLinear(engine, X, y, { privacy: priv });
    const u2 = fitLinear(engine, X, y, { privacy: priv });
    expect(Array.from(b.coef)).toEqual(Array.from(a.coef));
    expect(b.intercept).toBe(a.intercept);
    expect(Array.from(c.coef)).not.toEqual(Array.from(a.coef));
    expect(Array.from(u1.coef)).not.toEqual(Array.from(u2.coef));
    expect(a.stats.privacy).toMatchObject({ seeded: true, private: false, mechanism: 'adassp', neighbouring: 'add-remove', epsilon: 1, delta: 1e-6 });
    expect(u1.stats.privacy).toMatchObject({ seeded: false, private: true });
    const la = fitLogistic(engine, X, Float64Array.from(y, (v) => (v > 0.3 ? 1 : 0)), { privacy: { epsilon: 1, boundX: 2, seed: 9 } });
    const lb = fitLogistic(engine, X, Float64Array.from(y, (v) => (v > 0.3 ? 1 : 0)), { privacy: { epsilon: 1, boundX: 2, seed: 9 } });
    const lc = fitLogistic(engine, X, Float64Array.from(y, (v) => (v > 0.3 ? 1 : 0)), { privacy: { epsilon: 1, boundX: 2, seed: 10 } });
    expect(Array.from(lb.coef)).toEqual(Array.from(la.coef));
    expect(Array.from(lc.coef)).not.toEqual(Array.from(la.coef));
    expect(la.stats.privacy).toMatchObject({ mechanism: 'objective-perturbation', neighbouring: 'replace-one', delta: 0, seeded: true, private: false });
  });

  it('counts the rows it clips and reports the ridge; the data statistics are NaN', () => {
    const data = Float64Array.from(X.data);
    // rows 0..9 get a norm of 10 (> boundX = 2), rows 10..14 a target of 100 (> boundY = 4)
    for (let i = 0; i < 10; i++) data[i * 4] = 10;
    const yy = Float64Array.from(y);
    for (let i = 10; i < 15; i++) yy[i] = 100;
    let already = 0;
    for (let i = 15; i < X.rows; i++) {
      let s = 0;
      for (let j = 0; j < 4; j++) s += data[i * 4 + j] ** 2;
      if (s > 4 || Math.abs(yy[i]) > 4) already++;
    }
    const m = fitLinear(engine, { rows: X.rows, cols: 4, data }, yy, { privacy: { ...priv, seed: 1 } });
    expect(m.stats.privacy!.clippedRows).toBe(15 + already);
    expect(m.stats.privacy!.ridge).toBeGreaterThanOrEqual(0);
    expect(m.stats.method).toBe('noisy-normal');
    expect(m.stats.rSquared).toBeNaN();
    expect(Array.from(m.stats.stdErrors).every(Number.isNaN)).toBe(true);
    // the input is not modified by clipping
    expect(data[0]).toBe(10);
  });

  it('without an intercept: the row bound is boundX itself, the intercept 0, and the model serialises', () => {
    const m = fitLinear(engine, X, y, { intercept: false, privacy: { ...priv, method: 'ssp', seed: 2 } });
    expect(m.intercept).toBe(0);
    expect(m.coef.length).toBe(4);
    expect(LinearModel.fromJSON(JSON.stringify(m.toJSON())).stats.privacy).toEqual(m.stats.privacy);
    const l = fitLogistic(engine, X, Float64Array.from(y, (v) => (v > 0.3 ? 1 : 0)), { intercept: false, privacy: { epsilon: 1, boundX: 2, seed: 2 } });
    expect(l.intercept).toBe(0);
    expect(LogisticModel.fromJSON(JSON.stringify(l.toJSON())).stats.privacy).toEqual(l.stats.privacy);
  });

  it('boundsFromData: the fit runs and says it is not private', () => {
    const m = fitLinear(engine, X, y, { privacy: { epsilon: 1, delta: 1e-6, boundsFromData: true } });
    expect(m.stats.privacy).toMatchObject({ boundsFromData: true, private: false, clippedRows: 0 });
    const l = fitLogistic(engine, X, Float64Array.from(y, (v) => (v > 0.3 ? 1 : 0)), { privacy: { epsilon: 1, boundsFromData: true } });
    expect(l.stats.privacy).toMatchObject({ boundsFromData: true, private: false });
  });

  it('the streaming accumulator clips as rows are added and adds the noise once at fit(): chunked, merged and one-shot fits agree', () => {
    const a = linearAccumulator(engine, 4, { privacy: { boundX: 1.5, boundY: 4 } });
    const b = linearAccumulator(engine, 4, { privacy: { boundX: 1.5, boundY: 4 } });
    const half = 1700;
    a.add({ rows: half, cols: 4, data: X.data.subarray(0, half * 4) }, y.subarray(0, half));
    b.add({ rows: X.rows - half, cols: 4, data: X.data.subarray(half * 4) }, y.subarray(half));
    const merged = linearAccumulatorFromJSON(engine, JSON.stringify(a.toJSON())).merge(linearAccumulatorFromJSON(engine, JSON.stringify(b.toJSON())));
    const fs = merged.fit({ privacy: { epsilon: 1, delta: 1e-6, seed: 5 } });
    const one = fitLinear(engine, X, y, { privacy: { epsilon: 1, delta: 1e-6, boundX: 1.5, boundY: 4, seed: 5 } });
    expect(fs.stats.privacy!.clippedRows).toBe(one.stats.privacy!.clippedRows);
    expect(fs.stats.privacy!.clippedRows).toBeGreaterThan(0);
    for (let j = 0; j < 4; j++) expect(Math.abs(fs.coef[j] - one.coef[j])).toBeLessThan(1e-9);
    expect(Math.abs((fs.intercept as number) - (one.intercept as number))).toBeLessThan(1e-9);
    expect(fs.stats.privacy!.ridge).toBeCloseTo(one.stats.privacy!.ridge, 6);
    // no bounds at creation: the rows were not clipped, so no private fit
    const plainAcc = linearAccumulator(engine, 4).add(X, y);
    expectCode(() => plainAcc.fit({ privacy: { epsilon: 1, delta: 1e-6 } }), 'E_RANGE');
    expectCode(() => merged.merge(plainAcc), 'E_RANGE');
    expectCode(() => merged.fit({ ridge: 1, privacy: { epsilon: 1, delta: 1e-6 } }), 'E_RANGE');
    expectCode(() => linearAccumulator(engine, 4, { privacy: { boundX: 1 } as never }), 'E_RANGE');
    expectCode(() => linearAccumulator(engine, 4, { weights: true, privacy: { boundX: 1, boundY: 1 } }), 'E_RANGE');
    expectCode(() => linearAccumulatorFromJSON(engine, { ...a.toJSON(), privacy: { boundX: 1.5, boundY: 4, clippedRows: -1 } }), 'E_FORMAT');
  });
});

/** The model of a decoded .slim (the fits here never write tensors). */
function modelOf(d: Awaited<ReturnType<typeof decodeSlim>>): LinearModel | LogisticModel {
  if (d.kind !== 'linear' && d.kind !== 'logistic') throw new Error(`a .slim of kind ${d.kind}, not a fitted model`);
  return d.model;
}

/** Whether `needle` occurs in `hay`. */
function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  outer: for (let i = hay.indexOf(first); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(first, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

describe('no .slim holds a training row', () => {
  const data = creditDataset(400, 77);
  const X = data.X;
  const d = X.cols;
  const text = new TextEncoder();
  const rowNeedles = (i: number, y: Float64Array): Uint8Array[] => {
    const row = X.data.slice(i * d, i * d + d);
    const withY = Float64Array.of(...row, y[i]);
    return [
      new Uint8Array(row.buffer),
      new Uint8Array(Float32Array.from(row).buffer),
      new Uint8Array(withY.buffer),
      new Uint8Array(Float32Array.from(withY).buffer),
      text.encode(Array.from(row, String).join(',')),
      text.encode([...Array.from(row, String), String(y[i])].join(',')),
    ];
  };
  const boundX = 400;
  const models: [string, () => LinearModel | LogisticModel, Float64Array][] = [
    ['linear', () => fitLinear(engine, X, data.loss), data.loss],
    ['linear, private', () => fitLinear(engine, X, data.loss, { privacy: { epsilon: 1, delta: 1e-6, boundX, boundY: 50 } }), data.loss],
    ['logistic', () => fitLogistic(engine, X, data.defaulted, { ridge: 1e-3 }), data.defaulted],
    ['logistic, private', () => fitLogistic(engine, X, data.defaulted, { privacy: { epsilon: 1, boundX } }), data.defaulted],
  ];

  it('the search finds a row where there is one (the check can fail)', () => {
    const hay = new Uint8Array(64 + 8 * (d + 1));
    hay.set(rowNeedles(3, data.loss)[2], 17);
    expect(contains(hay, rowNeedles(3, data.loss)[2])).toBe(true);
    expect(contains(hay, rowNeedles(4, data.loss)[2])).toBe(false);
  });

  for (const [name, fit, y] of models) {
    it(`${name}: no row's float64, float32 or CSV text in the file (versions 1 and 2) or its decoded header`, async () => {
      const m = fit();
      const content = m instanceof LinearModel ? { kind: 'linear' as const, model: m } : { kind: 'logistic' as const, model: m };
      for (const formatVersion of [1, 2] as const) {
        const bytes = await encodeSlim(content, { features: [...data.features], formatVersion });
        const back = await decodeSlim(bytes);
        const decoded = text.encode(JSON.stringify({ ...back.header, model: modelOf(back).toJSON() }));
        for (let i = 0; i < X.rows; i++) {
          for (const needle of rowNeedles(i, y)) {
            expect(contains(bytes, needle)).toBe(false);
            expect(contains(decoded, needle)).toBe(false);
          }
        }
      }
    });
  }
});

describe('the report is stored with the model', () => {
  const { X, y } = synthetic(2000, 3, 3);

  it('toJSON / fromJSON and .slim keep stats.privacy; a malformed one is E_FORMAT', async () => {
    const m = fitLinear(engine, X, y, { privacy: { epsilon: 2, delta: 1e-6, boundX: 2, boundY: 4, method: 'ssp', seed: 3 } });
    const back = LinearModel.fromJSON(JSON.stringify(m.toJSON()));
    expect(back.stats.privacy).toEqual(m.stats.privacy);
    expect(Array.from(back.coef)).toEqual(Array.from(m.coef));
    const file = await decodeSlim(await encodeSlim({ kind: 'linear', model: m }));
    expect((modelOf(file) as LinearModel).stats.privacy).toEqual(m.stats.privacy);
    const l = fitLogistic(engine, X, Float64Array.from(y, (v) => (v > 0.3 ? 1 : 0)), { privacy: { epsilon: 1, boundX: 2, seed: 1 } });
    expect(LogisticModel.fromJSON(JSON.stringify(l.toJSON())).stats.privacy).toEqual(l.stats.privacy);
    expect((modelOf(await decodeSlim(await encodeSlim({ kind: 'logistic', model: l }))) as LogisticModel).stats.privacy).toEqual(l.stats.privacy);
    const j = m.toJSON() as unknown as { stats: { privacy: Record<string, unknown> } };
    for (const bad of [{ epsilon: 0 }, { delta: 1 }, { mechanism: 'laplace' }, { extra: 1 }, { private: true }, { clippedRows: -1 }]) {
      const copy = JSON.parse(JSON.stringify(j)) as typeof j;
      Object.assign(copy.stats.privacy, bad);
      expect(() => LinearModel.fromJSON(copy as never), JSON.stringify(bad)).toThrow(/E_FORMAT/);
    }
  });
});

describe('bad input is a typed error', () => {
  const { X, y } = synthetic(200, 3, 4);
  const ok = { epsilon: 1, delta: 1e-6, boundX: 2, boundY: 4 };
  const yl = Float64Array.from(y, (v) => (v > 0.3 ? 1 : 0));
  const cases: [string, () => unknown][] = [
    ['epsilon 0', () => fitLinear(engine, X, y, { privacy: { ...ok, epsilon: 0 } })],
    ['epsilon < 0', () => fitLinear(engine, X, y, { privacy: { ...ok, epsilon: -1 } })],
    ['epsilon NaN', () => fitLinear(engine, X, y, { privacy: { ...ok, epsilon: NaN } })],
    ['epsilon missing', () => fitLinear(engine, X, y, { privacy: { delta: 1e-6, boundX: 2, boundY: 4 } as never })],
    ['delta 0', () => fitLinear(engine, X, y, { privacy: { ...ok, delta: 0 } })],
    ['delta 1', () => fitLinear(engine, X, y, { privacy: { ...ok, delta: 1 } })],
    ['delta missing', () => fitLinear(engine, X, y, { privacy: { epsilon: 1, boundX: 2, boundY: 4 } as never })],
    ['boundX 0', () => fitLinear(engine, X, y, { privacy: { ...ok, boundX: 0 } })],
    ['boundY < 0', () => fitLinear(engine, X, y, { privacy: { ...ok, boundY: -2 } })],
    ['boundX missing', () => fitLinear(engine, X, y, { privacy: { epsilon: 1, delta: 1e-6, boundY: 4 } })],
    ['boundY missing', () => fitLinear(engine, X, y, { privacy: { epsilon: 1, delta: 1e-6, boundX: 4 } })],
    ['unknown privacy option', () => fitLinear(engine, X, y, { privacy: { ...ok, epsilom: 1 } as never })],
    ['bad method', () => fitLinear(engine, X, y, { privacy: { ...ok, method: 'laplace' as never } })],
    ['bad seed', () => fitLinear(engine, X, y, { privacy: { ...ok, seed: 1.5 } })],
    ['with ridge', () => fitLinear(engine, X, y, { ridge: 1, privacy: ok })],
    ['with weights', () => fitLinear(engine, X, y, { weights: new Float64Array(200).fill(1), privacy: ok })],
    ['with accuracy', () => fitLinear(engine, X, y, { accuracy: 'accurate', privacy: ok })],
    ['matrix y', () => fitLinear(engine, X, { rows: 200, cols: 2, data: new Float64Array(400) }, { privacy: ok })],
    ['logistic: epsilon 0', () => fitLogistic(engine, X, yl, { privacy: { epsilon: 0, boundX: 2 } })],
    ['logistic: boundX missing', () => fitLogistic(engine, X, yl, { privacy: { epsilon: 1 } })],
    ['logistic: delta (pure epsilon-DP)', () => fitLogistic(engine, X, yl, { privacy: { epsilon: 1, boundX: 2, delta: 1e-6 } as never })],
    ['logistic: boundY', () => fitLogistic(engine, X, yl, { privacy: { epsilon: 1, boundX: 2, boundY: 1 } as never })],
    ['logistic: regularization 0', () => fitLogistic(engine, X, yl, { privacy: { epsilon: 1, boundX: 2, regularization: 0 } })],
    ['logistic: with ridge', () => fitLogistic(engine, X, yl, { ridge: 1, privacy: { epsilon: 1, boundX: 2 } })],
    ['logistic: with weights', () => fitLogistic(engine, X, yl, { weights: new Float64Array(200).fill(1), privacy: { epsilon: 1, boundX: 2 } })],
  ];
  for (const [name, fn] of cases) it(name, () => expectCode(fn, 'E_RANGE'));
});
