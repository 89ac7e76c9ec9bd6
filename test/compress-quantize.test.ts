import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quantizeWith } from '../src/compress/quantize-with.js';
import { unpackCodes } from '../src/codes.js';
import type { Granularity, QuantScheme } from '../src/types.js';
import { rng, normal } from '../src/random.js';
import { engine } from './helpers/engines.js';

const engines = [await engine('wasm'), await engine('js')];

interface OnnxCase {
  name: string;
  bits: number;
  scheme: QuantScheme;
  block: number;
  scale: number[];
  zeroPoint: number[];
  x: number[];
  q: number[];
  dq: number[];
}
const onnx = JSON.parse(readFileSync(new URL('./fixtures/onnx-quantize.json', import.meta.url), 'utf8')) as { cases: OnnxCase[] };

describe('ONNX QuantizeLinear / DequantizeLinear vectors (test/fixtures/make-onnx-quant-vectors.mjs)', () => {
  for (const c of onnx.cases) {
    it(c.name, () => {
      for (const e of engines) {
        const x = Float32Array.from(c.x);
        for (const rounding of ['half-even'] as const) {
          const granularity = c.block === x.length ? ('tensor' as const) : { block: c.block };
          const opts = { bits: c.bits, scheme: c.scheme, granularity, rounding, scale: c.scale, ...(c.scheme === 'affine' ? { zeroPoint: c.zeroPoint } : {}) };
          const { tensor } = quantizeWith(e, x, opts);
          expect(Array.from(unpackCodes(tensor.data, x.length, c.bits, c.scheme))).toEqual(c.q);
          expect(Array.from(e.dequantize(tensor))).toEqual(c.dq);
          // engine.quantize agrees (the half-even path delegates to it); it always rounds half to even and takes no rounding option
          const { rounding: _, ...quantizeOpts } = opts;
          expect(e.quantize(x, quantizeOpts).data).toEqual(tensor.data);
        }
      }
    });
  }
});

function randn(n: number, seed: number, heavy = false): Float32Array {
  const z = normal(rng(seed));
  return Float32Array.from({ length: n }, () => {
    const v = z();
    return heavy ? v * Math.exp(0.8 * z()) : v; // log-normal scale mixture: heavy tails
  });
}

describe('rounding modes', () => {
  const e = engines[0];
  const scale = 1;
  const x = Float32Array.from([2.5, -2.5, 1.5, -1.5, 0.5, -0.5, 2.7, -2.3, 0.49999997]);
  const codesOf = (rounding: 'half-even' | 'half-away' | 'floor') =>
    Array.from(unpackCodes(quantizeWith(e, x, { rounding, scale }).tensor.data, x.length, 8, 'symmetric'));

  it('half-even (ONNX), half-away (llama.cpp), floor (the article)', () => {
    expect(codesOf('half-even')).toEqual([2, -2, 2, -2, 0, 0, 3, -2, 0]);
    expect(codesOf('half-away')).toEqual([3, -3, 2, -2, 1, -1, 3, -2, 0]);
    expect(codesOf('floor')).toEqual([2, -3, 1, -2, 0, -1, 2, -3, 0]);
  });

  it('stochastic is seeded, reproducible and unbiased', () => {
    const w = new Float32Array(20000).fill(0.3);
    const a = quantizeWith(e, w, { rounding: 'stochastic', scale: 1, seed: 7 });
    const b = quantizeWith(e, w, { rounding: 'stochastic', scale: 1, seed: 7 });
    const c = quantizeWith(e, w, { rounding: 'stochastic', scale: 1, seed: 8 });
    const same = (x: ArrayLike<number>, y: ArrayLike<number>) => x.length === y.length && Array.prototype.every.call(x, (v: number, i: number) => v === y[i]);
    expect(same(a.tensor.data, b.tensor.data)).toBe(true);
    expect(same(a.tensor.data, c.tensor.data)).toBe(false);
    const mean = e.dequantize(a.tensor).reduce((s, v) => s + v, 0) / w.length;
    expect(Math.abs(mean - 0.3)).toBeLessThan(0.02); // sd of the mean = sqrt(0.21 / 20000) ≈ 0.003
  });

  it('TS-loop packing matches the kernel layout for every bit width, scheme and granularity', () => {
    for (const bits of [2, 3, 4, 5, 6, 7, 8]) {
      for (const scheme of ['symmetric', 'affine'] as const) {
        for (const granularity of ['tensor', { block: 16 }, { axis: 0, shape: [5, 16] }] as Granularity[]) {
          const w = randn(80, bits * 10 + (scheme === 'affine' ? 1 : 0));
          // random data has no exact ties, so half-away and half-even give the same codes
          const k = quantizeWith(e, w, { bits, scheme, granularity });
          const t = quantizeWith(e, w, { bits, scheme, granularity, rounding: 'half-away' });
          expect(t.tensor.data).toEqual(k.tensor.data);
          expect(t.tensor.data.constructor).toBe(k.tensor.data.constructor);
          expect(t.tensor.scale).toEqual(k.tensor.scale);
          expect(t.tensor.zeroPoint).toEqual(k.tensor.zeroPoint);
        }
      }
    }
  });

  it('error bounds: nearest within s/2, floor and stochastic within s', () => {
    const w = randn(999, 3);
    for (const rounding of ['half-even', 'half-away', 'floor', 'stochastic'] as const) {
      for (const bits of [3, 8]) {
        const { tensor, report } = quantizeWith(e, w, { bits, rounding, granularity: { block: 37 }, scheme: 'affine' });
        const back = e.dequantize(tensor);
        const bound = rounding === 'half-even' || rounding === 'half-away' ? 0.5 : 1;
        let worst = 0;
        for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(back[i] - w[i]) / (bound * tensor.scale[Math.floor(i / 37)] * (1 + 1e-6) + 1e-7));
        expect(worst).toBeLessThanOrEqual(1);
        expect(report.maxError).toBeLessThanOrEqual(bound * Math.max(...tensor.scale) * (1 + 1e-6) + 1e-7);
      }
    }
  });
});

describe('calibration and the report', () => {
  const e = engines[1];

  it('the report states scales, error and bytes consistently', () => {
    const w = randn(256, 11);
    const { tensor, report } = quantizeWith(e, w, { bits: 4, granularity: { block: 32 } });
    const back = e.dequantize(tensor);
    let se = 0;
    let sx = 0;
    for (let i = 0; i < w.length; i++) {
      se += (back[i] - w[i]) ** 2;
      sx += w[i] ** 2;
    }
    expect(report.rmse).toBeCloseTo(Math.sqrt(se / 256), 12);
    expect(report.sqnrDb).toBeCloseTo(10 * Math.log10(sx / se), 10);
    expect(report.bytesBefore).toBe(1024);
    expect(report.bytesAfter).toBe(128 + 8 * 4); // 4-bit codes + 8 float32 scales
    expect(report.ratio).toBeCloseTo(1024 / 160, 12);
    expect(report.scale).toBe(tensor.scale);
    expect(report.calibration).toBe('minmax');
    // uniform rounding error: RMSE ≈ s / sqrt(12)
    const meanScale = tensor.scale.reduce((a, b) => a + b, 0) / 8;
    expect(report.rmse / (meanScale / Math.sqrt(12))).toBeGreaterThan(0.7);
    expect(report.rmse / (meanScale / Math.sqrt(12))).toBeLessThan(1.3);
  });

  it("'mse' never loses to 'minmax' and wins clearly on heavy tails; 'percentile' clips outliers", () => {
    for (const scheme of ['symmetric', 'affine'] as const) {
      const w = randn(4096, 5, true);
      const mm = quantizeWith(e, w, { bits: 4, scheme }).report;
      const mse = quantizeWith(e, w, { bits: 4, scheme, calibration: 'mse' }).report;
      const pct = quantizeWith(e, w, { bits: 4, scheme, calibration: 'percentile', p: 99 });
      expect(mse.rmse).toBeLessThan(0.8 * mm.rmse);
      expect(pct.report.rmse).toBeLessThan(mm.rmse);
      expect(pct.report.clipHi![0]).toBeLessThan(mm.clipHi![0]);
      // per group, the mse search includes the full range, so it is never worse
      const blocks = quantizeWith(e, randn(512, 6), { bits: 3, scheme, granularity: { block: 64 }, calibration: 'mse' }).report;
      const blocksMM = quantizeWith(e, randn(512, 6), { bits: 3, scheme, granularity: { block: 64 } }).report;
      expect(blocks.rmse).toBeLessThanOrEqual(blocksMM.rmse);
    }
  });

  it("percentile p = 100 is 'minmax'; half-even results equal engine.quantize's own", () => {
    const w = randn(300, 9);
    for (const scheme of ['symmetric', 'affine'] as const) {
      const a = quantizeWith(e, w, { bits: 5, scheme, calibration: 'percentile', p: 100 }).tensor;
      const b = quantizeWith(e, w, { bits: 5, scheme }).tensor;
      const c = e.quantize(w, { bits: 5, scheme });
      expect(a.data).toEqual(b.data);
      expect(b.data).toEqual(c.data);
      expect(b.scale).toEqual(c.scale);
      expect(b.zeroPoint).toEqual(c.zeroPoint);
    }
  });

  it('accepts Float64Array and number[] input; reports f64 bytes for f64 input', () => {
    const w = Array.from(randn(64, 2));
    const a = quantizeWith(e, w, { bits: 8 });
    const b = quantizeWith(e, Float64Array.from(w), { bits: 8 });
    expect(a.tensor.data).toEqual(b.tensor.data);
    expect(b.report.bytesBefore).toBe(512);
  });
});
