/**
 * Round-to-nearest in the features' units: a least-squares model on income
 * (thousands), debt-to-income and utilisation (fractions), the case where one
 * max-abs scale rounds the income weight away; the warning without data; the
 * factors through .slim, ONNX-free prediction and coefficients(); bad options.
 */
import { describe, expect, it } from 'vitest';
import { compressModel } from '../src/compress/model.js';
import { spanWarning } from '../src/compress/model-units.js';
import { fitLinear } from '../src/fit/linear.js';
import type { LinearModel } from '../src/fit/model.js';
import { decodeSlim, encodeSlim } from '../src/io/index.js';
import { fullMask } from '../src/mask.js';
import { rng, normal } from '../src/random.js';
import type { Matrix } from '../src/types.js';
import { engine, expectCode } from './helpers/engines.js';
import { buildSlim, parseSlim } from './helpers/slim-file.js';

const e = await engine('wasm');

/** income (k$), debt-to-income, utilisation; y = 2 + 0.06 income - 9 dti + 4 util + noise (sd 1.37). */
function credit(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const u = rng(seed);
  const z = normal(u);
  const data = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const income = Math.max(10, 60 + 25 * z());
    const dti = Math.min(0.9, Math.max(0, 0.35 + 0.12 * z()));
    const util = u();
    data.set([income, dti, util], i * 3);
    y[i] = 2 + 0.06 * income - 9 * dti + 4 * util + 1.37 * z();
  }
  return { X: { rows: n, cols: 3, data }, y };
}

const train = credit(4000, 1);
const test = credit(4000, 2);
const model: LinearModel = fitLinear(e, train.X, train.y);
const mse = (p: Float64Array) => p.reduce((s, v, i) => s + (v - test.y[i]) ** 2, 0) / p.length;
const floatMse = mse(model.predict(test.X));

describe('units-aware round-to-nearest', () => {
  it('without data, 8-bit per tensor loses the income weight and warns; with data it quantizes in the features\' units', () => {
    const raw = compressModel(e, model, { quantize: { bits: 8, granularity: 'tensor' } });
    expect(raw.report().units).toBe('raw');
    expect(raw.report().warnings).toHaveLength(1);
    expect(raw.report().warnings[0]).toMatch(/span 1\d\dx \(more than 2\^7 = 128 at 8 bits, per-tensor\).*calibration data.*granularity/);
    expect(mse(raw.predict(test.X))).toBeGreaterThan(1.2 * floatMse);

    const units = compressModel(e, model, { quantize: { bits: 8, granularity: 'tensor' }, X: train.X });
    expect(units.report().units).toBe('features');
    expect(units.report().warnings).toEqual([]);
    expect(units.inputScale).toBeInstanceOf(Float32Array);
    expect(mse(units.predict(test.X))).toBeLessThan(1.001 * floatMse);
    // the income weight survives, to about 2^-8 of its contribution
    expect(Math.abs(units.coefficients()[0] - model.coef[0])).toBeLessThan(0.01 * model.coef[0]);
    expect(units.coefficients()[0]).toBeGreaterThan(0);
  });

  it('at 4 bits: raw rounds income to 0 (even with the intercept correction); the features\' units stay near float', () => {
    const raw = compressModel(e, model, { quantize: { bits: 4, granularity: 'tensor', units: 'raw' }, X: train.X });
    expect(raw.coefficients()[0]).toBe(0);
    const auto = compressModel(e, model, { quantize: { bits: 4, granularity: 'tensor' }, X: train.X });
    expect(auto.report().units).toBe('features');
    expect(mse(auto.predict(test.X))).toBeLessThan(1.01 * floatMse);
    expect(mse(raw.predict(test.X))).toBeGreaterThan(1.5 * floatMse);
    // the factors cost 4 bytes per input
    expect(auto.bytes).toBe(raw.bytes + 4 * 3);
  });

  it('predict equals the effective coefficients, and the factors survive .slim', async () => {
    const c = compressModel(e, model, { quantize: { bits: 5, scheme: 'affine', granularity: 'tensor', units: 'features' }, X: train.X });
    const w = c.coefficients();
    const p = c.predict(test.X);
    for (let i = 0; i < 50; i++) {
      const x = test.X.data.subarray(3 * i, 3 * i + 3);
      const ref = c.intercept[0] + w[0] * x[0] + w[1] * x[1] + w[2] * x[2];
      // predict scales once per group, coefficients() rounds (q - z) s to float32 first: 2^-24 per weight
      const size = Math.abs(w[0] * x[0]) + Math.abs(w[1] * x[1]) + Math.abs(w[2] * x[2]);
      expect(Math.abs(p[i] - ref)).toBeLessThanOrEqual(2 ** -23 * size + 1e-12 * Math.abs(ref));
    }
    const back = await decodeSlim(await encodeSlim({ kind: 'compressed-linear', model: c }));
    if (back.kind !== 'compressed-linear') throw new Error(back.kind);
    expect(Array.from(back.model.inputScale!)).toEqual(Array.from(c.inputScale!));
    expect(Array.from(back.model.predict(test.X))).toEqual(Array.from(p));
    expect(back.model.report().units).toBe('features');
  });

  it("'auto' keeps inputs in one unit raw (the factors would cost more than they save)", () => {
    // standard normal inputs, weights of mixed size: the factors change little and add 4 bytes per input
    const z = normal(rng(5));
    const d = 24;
    const X: Matrix = { rows: 2000, cols: d, data: Float64Array.from({ length: 2000 * d }, () => z()) };
    const coef = Float64Array.from({ length: d }, (_, j) => (j % 2 ? 1 : 0.01) * z());
    const m = { d, coef, intercept: 0.3, fitIntercept: true };
    const c = compressModel(e, m, { quantize: { bits: 4, granularity: 'tensor' }, X });
    expect(c.report().units).toBe('raw');
    expect(c.inputScale).toBeUndefined();
  });

  it('the span warning: only past 2^(bits-1), per scale group, ignoring zeros and pruned weights', () => {
    const W = Float64Array.of(1, 0.025, 0, 2, 3, 0.001);
    const all = fullMask(6);
    expect(spanWarning(W, all, 5, 8, 'per-tensor')).toBeUndefined(); // 3 / 0.025 = 120 <= 128; the 0 is ignored
    expect(spanWarning(W, all, 5, 4, 'per-tensor')).toMatch(/span 120x \(more than 2\^3 = 8 at 4 bits/);
    expect(spanWarning(W, all, 6, 8, 'per-tensor')).toMatch(/span 3\.00e\+3x/); // 0.001 joins the group
    const keep = Uint8Array.of(0b011111); // weight 5 pruned
    expect(spanWarning(W, keep, 6, 8, 'per-tensor')).toBeUndefined();
  });

  it('bad units options are typed errors', () => {
    expectCode(() => compressModel(e, model, { quantize: { bits: 4, units: 'features' } }), 'E_RANGE');
    expectCode(() => compressModel(e, model, { method: 'gptq', quantize: { bits: 4, units: 'features' }, X: train.X }), 'E_RANGE');
    expectCode(() => compressModel(e, model, { quantize: { bits: 4, units: 'kilo' as never }, X: train.X }), 'E_RANGE');
  });
});

describe('reading a .slim held in a Node Buffer', () => {
  it('a Buffer that is a view into a larger pool decodes the same values', async () => {
    const c = compressModel(e, model, { quantize: { bits: 4, granularity: 'tensor' }, X: train.X });
    const bytes = await encodeSlim({ kind: 'compressed-linear', model: c });
    const pool = Buffer.alloc(bytes.length + 1000);
    pool.set(bytes, 333);
    const view = pool.subarray(333, 333 + bytes.length); // as readFileSync gives small files: byteOffset > 0
    const back = await decodeSlim(view);
    if (back.kind !== 'compressed-linear') throw new Error(back.kind);
    expect(Array.from(back.model.intercept)).toEqual(Array.from(c.intercept));
    expect(Array.from(back.model.predict(test.X))).toEqual(Array.from(c.predict(test.X)));
  });
});

describe('.slim with factors: what the reader refuses', () => {
  it('units other than raw / features, factors without units, units without factors: E_FORMAT', async () => {
    const withUnits = compressModel(e, model, { quantize: { bits: 4, granularity: 'tensor', units: 'features' }, X: train.X });
    const raw = compressModel(e, model, { quantize: { bits: 4, granularity: 'tensor', units: 'raw' }, X: train.X });
    const f = parseSlim(await encodeSlim({ kind: 'compressed-linear', model: withUnits }));
    expect(f.header.model.units).toBe('features');
    const r = parseSlim(await encodeSlim({ kind: 'compressed-linear', model: raw }));
    expect(r.header.model.units).toBeUndefined(); // raw files keep their bytes
    const refused = async (p: typeof f, re: RegExp) => {
      const err = await decodeSlim(await buildSlim(p)).then(() => undefined, (x: unknown) => x);
      expect((err as { code?: string })?.code, String(err)).toBe('E_FORMAT');
      expect(String(err)).toMatch(re);
    };
    await refused({ ...f, header: { ...f.header, model: { ...f.header.model, units: 'kilo' } } }, /model\.units/);
    const { units: _u, ...noUnits } = f.header.model;
    await refused({ ...f, header: { ...f.header, model: noUnits } }, /input_scale/);
    await refused({ ...r, header: { ...r.header, model: { ...r.header.model, units: 'features' } } }, /input_scale/);
  });
});
