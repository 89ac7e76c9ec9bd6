import { describe, expect, it } from 'vitest';
import { compressModel } from '../src/compress/model.js';
import { compressionReport, auc } from '../src/compress/rate-distortion.js';
import { quantizeWith } from '../src/compress/quantize-with.js';
import { LinearModel } from '../src/fit/model.js';
import { LogisticModel } from '../src/fit/logistic-model.js';
import { rng, normal } from '../src/random.js';
import { codeOf, engine } from './helpers/engines.js';

const e = await engine('wasm');

/** Correlated features (AR(1), rho 0.9) with non-zero means, as credit data has. */
function data(n: number, d: number, seed: number): Float64Array {
  const z = normal(rng(seed));
  const X = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let prev = z();
    for (let j = 0; j < d; j++) {
      if (j > 0) prev = 0.9 * prev + Math.sqrt(1 - 0.81) * z();
      X[i * d + j] = prev + 1 + 0.2 * j;
    }
  }
  return X;
}

function linearModel(d: number, outputs: number, seed: number, fitIntercept = true): LinearModel {
  const z = normal(rng(seed));
  const coef = Float64Array.from({ length: d * outputs }, () => z());
  const intercept = outputs === 1 ? 0.5 : Float64Array.from({ length: outputs }, (_, k) => k - 1);
  return new LinearModel({ d, outputs, coef, intercept, fitIntercept, stats: {} as never });
}

function outputMse(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s / a.length;
}

describe('compressModel', () => {
  const d = 16;
  const Xcal = { rows: 800, cols: d, data: data(800, d, 1) };
  const Xtest = { rows: 1000, cols: d, data: data(1000, d, 2) };

  it('without compression predicts exactly like the model (multi-output layout)', () => {
    const model = linearModel(d, 3, 3);
    const c = compressModel(e, model);
    expect(c.predict(Xtest)).toEqual(model.predict(Xtest));
    expect(c.bytes).toBe(8 * d * 3 + 8 * 3);
  });

  it('predicts from integer codes = dequantize-then-predict within float tolerance', () => {
    for (const outputs of [1, 3]) {
      const model = linearModel(d, outputs, 4);
      for (const granularity of ['tensor', 'row', { block: 8 }] as const) {
        for (const bits of [2, 4, 8]) {
          for (const scheme of ['symmetric', 'affine'] as const) {
            const c = compressModel(e, model, { quantize: { bits, scheme, granularity } });
            // independent path: quantize W (outputs x d) the same way, dequantize, predict in float64
            const W = new Float64Array(d * outputs);
            for (let k = 0; k < outputs; k++) for (let j = 0; j < d; j++) W[k * d + j] = model.coef[j * outputs + k]!;
            const g = granularity === 'row' ? { axis: 0 as const, shape: [outputs, d] as [number, number] } : granularity;
            const deq = e.dequantize(quantizeWith(e, W, { bits, scheme, granularity: g }).tensor);
            const coef = new Float64Array(d * outputs);
            for (let k = 0; k < outputs; k++) for (let j = 0; j < d; j++) coef[j * outputs + k] = deq[k * d + j]!;
            const ref = new LinearModel({ d, outputs, coef, intercept: model.intercept, fitIntercept: true, stats: {} as never }).predict(Xtest);
            const got = c.predict(Xtest);
            // dequantize rounds each (q - z) s to float32 (relative 2^-24); predict keeps it exact in float64
            const absModel = new LinearModel({ d, outputs, coef: coef.map(Math.abs), intercept: outputs === 1 ? 0 : new Float64Array(outputs), fitIntercept: true, stats: {} as never });
            const mag = absModel.predict({ rows: Xtest.rows, cols: d, data: Xtest.data.map(Math.abs) });
            let worst = 0;
            for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i]!) / (2 ** -23 * mag[i]! + 1e-12));
            expect(worst).toBeLessThanOrEqual(1);
            expect(c.coefficients()).toEqual(coef);
          }
        }
      }
    }
  });

  it('pruned weights are not stored: bytes shrink with sparsity; pruning keeps the exact count', () => {
    const model = linearModel(64, 2, 5);
    const q = compressModel(e, model, { quantize: { bits: 4 } });
    const qp = compressModel(e, model, { quantize: { bits: 4 }, prune: { sparsity: 0.75 } });
    expect(qp.report().kept).toBe(32);
    expect(qp.bytes).toBeLessThan(q.bytes);
    expect(q.bytes).toBe(64 + 2 * 4 + 16); // 128 4-bit codes + 2 scales + 2 float64 intercepts
    const coef = qp.coefficients();
    expect(coef.filter((v) => v !== 0).length).toBeLessThanOrEqual(32);
    const nm = compressModel(e, model, { prune: { nm: [2, 4] } });
    expect(nm.report().kept).toBe(64);
    expect(nm.report().ratio).toBeGreaterThan(1.5);
  });

  it("'gptq' with calibration data beats 'rtn' on held-out outputs (3 bits; 50% sparsity)", () => {
    const model = linearModel(d, 1, 6);
    const ref = model.predict(Xtest);
    for (const o of [{ quantize: { bits: 3 } }, { prune: { sparsity: 0.5 } }, { quantize: { bits: 4 }, prune: { sparsity: 0.5 } }] as const) {
      const rtn = outputMse(compressModel(e, model, { ...o, method: 'rtn' }).predict(Xtest), ref);
      const g = compressModel(e, model, { ...o, method: 'gptq', X: Xcal });
      const gptq = outputMse(g.predict(Xtest), ref);
      expect(gptq * 2).toBeLessThan(rtn);
      expect(g.report().interceptShift[0]).not.toBe(0); // the mean shift moved into the intercept
    }
    const joint = compressModel(e, model, { quantize: { bits: 4 }, prune: { sparsity: 0.5 }, method: 'gptq', X: Xcal });
    expect(joint.report().kept).toBe(8);
    expect(joint.coefficients().filter((v) => v !== 0).length).toBeLessThanOrEqual(8);
    expect(joint.report().prune!.method).toBe('obs');
  });

  it('bad input', () => {
    const model = linearModel(d, 1, 7);
    expect(codeOf(() => compressModel(e, model, { method: 'gptq', quantize: { bits: 4 } }))).toBe('E_RANGE');
    expect(codeOf(() => compressModel(e, model, { method: 'gptq', quantize: { bits: 4 }, X: { rows: 2, cols: 3, data: new Float64Array(6) } }))).toBe('E_SHAPE');
    expect(codeOf(() => compressModel(e, model, { quantize: { bits: 9 } }))).toBe('E_RANGE');
    expect(codeOf(() => compressModel(e, model, { prune: { sparsity: 1 } }))).toBe('E_RANGE');
    expect(codeOf(() => compressModel(e, model, { method: 'fast' as never }))).toBe('E_RANGE');
  });
});

describe('compressionReport', () => {
  const d = 12;
  const Xcal = { rows: 600, cols: d, data: data(600, d, 11) };
  const Xt = { rows: 500, cols: d, data: data(500, d, 12) };

  it('linear: one row per method x bits x sparsity, MSE against ytest, ratios from bytes', () => {
    const model = linearModel(d, 1, 13);
    const z = normal(rng(14));
    const ytest = Float64Array.from(model.predict(Xt), (v) => v + 0.3 * z());
    const rows = compressionReport(e, model, Xt, ytest, { bits: [3, 8, null], sparsity: [0, 0.5], X: Xcal });
    expect(rows.length).toBe(1 + 2 * (3 * 2 - 1));
    expect(rows[0]!.method).toBe('float');
    expect(rows[0]!.mse).toBeCloseTo(0.09, 1);
    for (const r of rows.slice(1)) {
      expect(r.ratio).toBeCloseTo((8 * d + 8) / r.bytes, 12);
      expect(r.deltaVsFloat).toBeCloseTo(r.mse! - rows[0]!.mse!, 12);
    }
    const find = (method: string, bits: number | null, sparsity: number) => rows.find((r) => r.method === method && r.bits === bits && r.sparsity === sparsity)!;
    expect(find('gptq', 3, 0).outputMse).toBeLessThan(find('rtn', 3, 0).outputMse);
    expect(find('gptq', null, 0.5).outputMse).toBeLessThan(find('rtn', null, 0.5).outputMse);
    expect(find('rtn', 8, 0).outputMse).toBeLessThan(find('rtn', 3, 0).outputMse);
  });

  it('logistic: scored by AUC', () => {
    const z = normal(rng(15));
    const coef = Float64Array.from({ length: d }, () => z());
    const model = new LogisticModel({ d, coef, intercept: -0.5, fitIntercept: true, stats: {} as never });
    const u = rng(16);
    const p = model.predictProba(Xt);
    const y = Float64Array.from(p, (v) => (u() < v ? 1 : 0));
    const rows = compressionReport(e, model, Xt, y, { bits: [2, 8], sparsity: [0, 0.75], X: Xcal });
    expect(rows[0]!.auc).toBeCloseTo(auc(model.decisionFunction(Xt), y), 12);
    for (const r of rows) {
      expect(r.auc).toBeGreaterThan(0.5);
      expect(r.mse).toBeUndefined();
    }
    expect(Math.abs(rows.find((r) => r.method === 'rtn' && r.bits === 8 && r.sparsity === 0)!.deltaVsFloat)).toBeLessThan(0.01);
  });

  it('auc handles ties as half', () => {
    expect(auc([1, 1, 2, 0], [0, 1, 1, 0])).toBeCloseTo((1 + 1 + 0.5 + 1) / 4, 12);
  });
});
