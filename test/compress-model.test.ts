import { describe, expect, it } from 'vitest';
import { compressModel } from '../src/compress/model.js';
import { compressionReport } from '../src/compress/rate-distortion.js';
import { auc } from '../src/compress/auc.js';
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
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
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
            for (let k = 0; k < outputs; k++) for (let j = 0; j < d; j++) W[k * d + j] = model.coef[j * outputs + k];
            const g = granularity === 'row' ? { axis: 0 as const, shape: [outputs, d] as [number, number] } : granularity;
            const deq = e.dequantize(quantizeWith(e, W, { bits, scheme, granularity: g }).tensor);
            const coef = new Float64Array(d * outputs);
            for (let k = 0; k < outputs; k++) for (let j = 0; j < d; j++) coef[j * outputs + k] = deq[k * d + j];
            const ref = new LinearModel({ d, outputs, coef, intercept: model.intercept, fitIntercept: true, stats: {} as never }).predict(Xtest);
            const got = c.predict(Xtest);
            // dequantize rounds each (q - z) s to float32 (relative 2^-24); predict keeps it exact in float64
            const absModel = new LinearModel({ d, outputs, coef: coef.map(Math.abs), intercept: outputs === 1 ? 0 : new Float64Array(outputs), fitIntercept: true, stats: {} as never });
            const mag = absModel.predict({ rows: Xtest.rows, cols: d, data: Xtest.data.map(Math.abs) });
            let worst = 0;
            for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - ref[i]) / (2 ** -23 * mag[i] + 1e-12));
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

  it("'gptq' with calibration data beats 'rtn' with the same data on held-out outputs (4 bits; 50% sparsity)", () => {
    // Both get the same intercept correction from Xcal (the features have means 1 + 0.2 j), so this compares
    // the weights alone. Measured for this model: rtn/gptq output MSE 3.1x at 4 bits, 15.2x at 50%, 16.0x at
    // 50% + 4 bits. Not asserted at 3 bits: with d = 16 and one scale, GPTQ's greedy rounding often lands on
    // RTN's codes (measured 0.93x for this model, 1.0x-10.6x over models 6-10); compress-hessian.test.ts
    // covers 2-4 bits at d = 64.
    const model = linearModel(d, 1, 6);
    const ref = model.predict(Xtest);
    for (const o of [{ quantize: { bits: 4 } }, { prune: { sparsity: 0.5 } }, { quantize: { bits: 4 }, prune: { sparsity: 0.5 } }] as const) {
      const r = compressModel(e, model, { ...o, method: 'rtn', X: Xcal });
      expect(r.report().interceptCorrected).toBe(true);
      const rtn = outputMse(r.predict(Xtest), ref);
      const g = compressModel(e, model, { ...o, method: 'gptq', X: Xcal });
      const gptq = outputMse(g.predict(Xtest), ref);
      expect(gptq * 2).toBeLessThan(rtn);
      expect(g.report().interceptShift[0]).not.toBe(0); // the mean shift moved into the intercept
      expect(g.report().interceptCorrected).toBe(true);
    }
    const joint = compressModel(e, model, { quantize: { bits: 4 }, prune: { sparsity: 0.5 }, method: 'gptq', X: Xcal });
    expect(joint.report().kept).toBe(8);
    expect(joint.coefficients().filter((v) => v !== 0).length).toBeLessThanOrEqual(8);
    expect(joint.report().prune!.method).toBe('obs');
  });

  it("'rtn' with calibration X gets the same intercept correction as 'gptq'; without X nothing changes", () => {
    for (const outputs of [1, 3]) {
      const model = linearModel(d, outputs, 6);
      const ref = model.predict(Xtest);
      for (const o of [{ quantize: { bits: 3 } }, { prune: { sparsity: 0.5 } }, { quantize: { bits: 2, granularity: { block: 8 } }, prune: { nm: [2, 4] as [number, number] } }] as const) {
        const plain = compressModel(e, model, o);
        const withX = compressModel(e, model, { ...o, X: Xcal });
        // same weights either way: X only moves the intercept
        expect(withX.coefficients()).toEqual(plain.coefficients());
        expect(withX.bytes).toBe(plain.bytes);
        // without X: the model's own intercept, no correction reported
        expect(plain.report().interceptCorrected).toBe(false);
        expect(Array.from(plain.report().interceptShift)).toEqual(new Array(outputs).fill(0));
        expect(Array.from(plain.intercept)).toEqual(outputs === 1 ? [0.5] : Array.from(model.intercept as Float64Array));
        // with X: b_k + mean(Xcal) . (w_k - w'_k), computed here independently
        const eff = plain.coefficients();
        for (let k = 0; k < outputs; k++) {
          let shift = 0;
          for (let j = 0; j < d; j++) {
            let mean = 0;
            for (let i = 0; i < Xcal.rows; i++) mean += Xcal.data[i * d + j];
            shift += (mean / Xcal.rows) * (model.coef[j * outputs + k] - eff[j * outputs + k]);
          }
          const b = outputs === 1 ? 0.5 : (model.intercept as Float64Array)[k];
          expect(withX.report().interceptShift[k]).toBeCloseTo(shift, 10);
          expect(withX.intercept[k]).toBeCloseTo(b + shift, 10);
        }
        expect(withX.report().interceptCorrected).toBe(true);
        // on held-out rows from the same (non-centred) distribution the correction helps
        expect(outputMse(withX.predict(Xtest), ref)).toBeLessThan(outputMse(plain.predict(Xtest), ref));
      }
      // a model without an intercept has nothing to correct
      const noB = linearModel(d, outputs, 6, false);
      expect(compressModel(e, noB, { quantize: { bits: 3 }, X: Xcal }).report().interceptCorrected).toBe(false);
    }
  });

  it('prune specs: threshold and structured cols are honoured, not turned into something else', () => {
    const model = linearModel(d, 1, 8);
    const absW = Array.from(model.coef, Math.abs);
    const t = [...absW].sort((a, b) => a - b)[5]; // 6 weights have |w| <= t
    const thr = compressModel(e, model, { prune: { threshold: t } });
    expect(thr.report().kept).toBe(d - 6);
    const coefT = thr.coefficients();
    for (let j = 0; j < d; j++) expect(coefT[j]).toBe(absW[j] <= t ? 0 : model.coef[j]);
    const gThr = compressModel(e, model, { method: 'gptq', prune: { threshold: t }, X: Xcal });
    expect(gThr.report().kept).toBe(d - 6);
    expect(gThr.report().prune!.reason).toContain('threshold');
    // one output: structured cols (whole features) is magnitude pruning of single weights, for any norm
    for (const norm of [1, 2] as const) {
      const sc = compressModel(e, model, { prune: { structured: 'cols', norm, sparsity: 0.25 } });
      expect(sc.coefficients()).toEqual(compressModel(e, model, { prune: { sparsity: 0.25 } }).coefficients());
    }
    // several outputs: whole features go, across every output
    const multi = linearModel(d, 3, 9);
    const sc3 = compressModel(e, multi, { prune: { structured: 'cols', sparsity: 0.25 } });
    expect(sc3.report().kept).toBe(3 * (d - 4));
    const c3 = sc3.coefficients();
    const norms = Array.from({ length: d }, (_, j) => multi.coef[j * 3] ** 2 + multi.coef[j * 3 + 1] ** 2 + multi.coef[j * 3 + 2] ** 2);
    const dropped = norms.map((v, j) => [v, j] as const).sort((a, b) => a[0] - b[0]).slice(0, 4).map(([, j]) => j);
    for (let j = 0; j < d; j++) for (let k = 0; k < 3; k++) expect(c3[j * 3 + k] === 0).toBe(dropped.includes(j));
    // refused clearly instead of silently doing something else
    expect(codeOf(() => compressModel(e, multi, { method: 'gptq', prune: { structured: 'cols', sparsity: 0.25 }, X: Xcal }))).toBe('E_RANGE');
    expect(codeOf(() => compressModel(e, model, { prune: { structured: 'rows', sparsity: 0.25 } as never }))).toBe('E_RANGE');
    expect(codeOf(() => compressModel(e, model, { prune: { sparsity: 0.5, scope: 'row' } as never }))).toBe('E_RANGE');
    expect(codeOf(() => compressModel(e, model, { prune: { threshold: -1 } }))).toBe('E_RANGE');
    expect(codeOf(() => compressModel(e, model, { method: 'gptq', prune: { threshold: 1e9 }, X: Xcal }))).toBe('E_RANGE');
    expect(codeOf(() => compressModel(e, model, { prune: {} as never }))).toBe('E_RANGE');
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
    const rows = compressionReport(e, model, Xt, ytest, { bits: [4, 8, null], sparsity: [0, 0.5], X: Xcal });
    expect(rows.length).toBe(1 + 2 * (3 * 2 - 1));
    expect(rows[0].method).toBe('float');
    expect(rows[0].mse).toBeCloseTo(0.09, 1);
    for (const r of rows.slice(1)) {
      expect(r.ratio).toBeCloseTo((8 * d + 8) / r.bytes, 12);
      expect(r.deltaVsFloat).toBeCloseTo(r.mse! - rows[0].mse!, 12);
    }
    const find = (method: string, bits: number | null, sparsity: number) => rows.find((r) => r.method === method && r.bits === bits && r.sparsity === sparsity)!;
    // Both methods get X's intercept correction. Measured output MSE, rtn vs gptq: 4 bits 3.2e-2 vs 7.5e-3,
    // 50% pruned 0.227 vs 0.041. (At 3 bits this 12-weight model rounds identically under both: 2.43e-2.)
    expect(find('gptq', 4, 0).outputMse * 2).toBeLessThan(find('rtn', 4, 0).outputMse);
    expect(find('gptq', null, 0.5).outputMse * 2).toBeLessThan(find('rtn', null, 0.5).outputMse);
    expect(find('rtn', 8, 0).outputMse).toBeLessThan(find('rtn', 4, 0).outputMse);
  });

  it('logistic: scored by AUC', () => {
    const z = normal(rng(15));
    const coef = Float64Array.from({ length: d }, () => z());
    const model = new LogisticModel({ d, coef, intercept: -0.5, fitIntercept: true, stats: {} as never });
    const u = rng(16);
    const p = model.predictProba(Xt);
    const y = Float64Array.from(p, (v) => (u() < v ? 1 : 0));
    const rows = compressionReport(e, model, Xt, y, { bits: [2, 8], sparsity: [0, 0.75], X: Xcal });
    expect(rows[0].auc).toBeCloseTo(auc(model.decisionFunction(Xt), y), 12);
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
