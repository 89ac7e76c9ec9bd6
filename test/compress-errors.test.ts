import { describe, expect, it } from 'vitest';
import { pruneBySpec, pruneGlobal } from '../src/compress/prune-spec.js';
import { quantizeWith } from '../src/compress/quantize-with.js';
import { quantizeGPTQ } from '../src/compress/gptq.js';
import { pruneSparseGPT } from '../src/compress/sparsegpt.js';
import { compressModel } from '../src/compress/model.js';
import { LinearModel } from '../src/fit/model.js';
import { SlimfitError } from '../src/errors.js';
import { codeOf, engine } from './helpers/engines.js';

const e = await engine('js');
const w = Float64Array.from({ length: 16 }, (_, i) => Math.sin(i + 1));
const W = { rows: 2, cols: 4, data: Float64Array.from({ length: 8 }, (_, i) => Math.cos(i)) };
const H = Float64Array.from([4, 1, 0, 0, 1, 3, 1, 0, 0, 1, 2, 0.5, 0, 0, 0.5, 1]);
const any = (v: unknown) => v as never;
const model1 = new LinearModel({ d: 4, outputs: 1, coef: W.data.slice(0, 4), intercept: 0, fitIntercept: false, stats: {} as never });

describe('bad input is a typed SlimfitError', () => {
  it('sparsity outside [0, 1)', () => {
    for (const sparsity of [-0.1, 1, 1.5, NaN, Infinity]) {
      expect(codeOf(() => pruneBySpec(e, w, { sparsity }))).toBe('E_RANGE');
      expect(codeOf(() => pruneBySpec(e, w, { structured: 'rows', sparsity, shape: [4, 4] }))).toBe('E_RANGE');
      expect(codeOf(() => pruneGlobal(e, [w], { sparsity }))).toBe('E_RANGE');
      expect(codeOf(() => pruneSparseGPT(e, W, H, { sparsity }))).toBe('E_RANGE');
    }
  });

  it('bad prune specs and shapes', () => {
    expect(codeOf(() => pruneBySpec(e, w, { nm: [3, 2] }))).toBe('E_RANGE');
    expect(codeOf(() => pruneBySpec(e, w, { threshold: -1 }))).toBe('E_RANGE');
    expect(codeOf(() => pruneBySpec(e, w, { nm: [0, 4] }))).toBe('E_RANGE');
    expect(codeOf(() => pruneBySpec(e, w, { nm: any([2]) }))).toBe('E_RANGE');
    expect(codeOf(() => pruneBySpec(e, w, { sparsity: 0.5, scope: 'row' }))).toBe('E_SHAPE');
    expect(codeOf(() => pruneBySpec(e, w, { sparsity: 0.5, scope: 'row', shape: [3, 5] }))).toBe('E_SHAPE');
    expect(codeOf(() => pruneBySpec(e, w, { structured: 'cols', sparsity: 0.5, shape: [4, 4], norm: any(3) }))).toBe('E_RANGE');
    expect(codeOf(() => pruneBySpec(e, w, { sparsity: 0.5, importance: any('l3') }))).toBe('E_RANGE');
    expect(codeOf(() => pruneBySpec(e, w, any({ foo: 1 })))).toBe('E_RANGE');
    expect(codeOf(() => pruneBySpec(e, any([1, 2, 3]), { sparsity: 0.5 }))).toBe('E_SHAPE');
    expect(codeOf(() => pruneBySpec(e, new Float32Array(0), { sparsity: 0.5 }))).toBe('E_SHAPE');
    expect(codeOf(() => pruneGlobal(e, [], { sparsity: 0.5 }))).toBe('E_SHAPE');
    expect(codeOf(() => pruneSparseGPT(e, W, H, { sparsity: 0.5, nm: [2, 4] }))).toBe('E_RANGE');
    expect(codeOf(() => pruneSparseGPT(e, W, H, {}))).toBe('E_RANGE');
    expect(codeOf(() => pruneSparseGPT(e, W, H, { sparsity: 0.5, method: any('magic') }))).toBe('E_RANGE');
  });

  it('bits outside 2..8 and bad quantization options', () => {
    for (const bits of [1, 9, 4.5, NaN]) {
      expect(codeOf(() => quantizeWith(e, w, { bits }))).toBe('E_RANGE');
      expect(codeOf(() => quantizeGPTQ(e, W, H, { bits }))).toBe('E_RANGE');
    }
    expect(codeOf(() => quantizeWith(e, w, { rounding: any('up') }))).toBe('E_RANGE');
    expect(codeOf(() => quantizeWith(e, w, { calibration: any('kl') }))).toBe('E_RANGE');
    expect(codeOf(() => quantizeWith(e, w, { calibration: 'percentile', p: 40 }))).toBe('E_RANGE');
    expect(codeOf(() => quantizeWith(e, w, { calibration: 'percentile', p: 101 }))).toBe('E_RANGE');
    expect(codeOf(() => quantizeWith(e, w, { rounding: 'stochastic', seed: -1 }))).toBe('E_RANGE');
    expect(codeOf(() => quantizeWith(e, w, { zeroPoint: 3 }))).toBe('E_RANGE');
    expect(codeOf(() => quantizeWith(e, w, { scheme: 'affine', zeroPoint: 3 }))).toBe('E_RANGE'); // needs a scale
    expect(codeOf(() => quantizeWith(e, w, { scale: 0 }))).toBe('E_RANGE');
    expect(codeOf(() => quantizeWith(e, [], {}))).toBe('E_SHAPE');
    expect(codeOf(() => quantizeWith(e, [1e39], {}))).toBe('E_NONFINITE'); // overflows float32
  });

  it('block sizes that are not positive integers or do not divide', () => {
    for (const block of [0, -32, 2.5, NaN]) {
      expect(codeOf(() => quantizeWith(e, w, { granularity: { block } }))).toBe('E_RANGE');
      expect(codeOf(() => quantizeGPTQ(e, W, H, { granularity: { block } }))).toBe('E_RANGE');
    }
    expect(codeOf(() => quantizeWith(e, w, { granularity: { block: 5 } }))).toBe('E_SHAPE');
    expect(codeOf(() => quantizeGPTQ(e, W, H, { granularity: { block: 3 } }))).toBe('E_SHAPE');
    for (const blockSize of [0, -1, 1.5]) {
      expect(codeOf(() => quantizeGPTQ(e, W, H, { blockSize }))).toBe('E_RANGE');
      expect(codeOf(() => pruneSparseGPT(e, W, H, { sparsity: 0.5, blockSize }))).toBe('E_RANGE');
    }
    expect(codeOf(() => quantizeGPTQ(e, W, H, { granularity: { axis: 0, shape: [4, 2] } }))).toBe('E_SHAPE');
    expect(codeOf(() => quantizeGPTQ(e, W, H, { damp: -0.1 }))).toBe('E_RANGE');
  });

  it('H of the wrong size, asymmetric, or not positive definite (the message suggests damping)', () => {
    expect(codeOf(() => quantizeGPTQ(e, W, new Float64Array(9)))).toBe('E_SHAPE');
    expect(codeOf(() => pruneSparseGPT(e, W, new Float64Array(25), { sparsity: 0.5 }))).toBe('E_SHAPE');
    const asym = H.slice();
    asym[1] = 2;
    expect(codeOf(() => quantizeGPTQ(e, W, asym))).toBe('E_SHAPE');
    const negDiag = H.slice();
    negDiag[5] = -1;
    expect(codeOf(() => quantizeGPTQ(e, W, negDiag))).toBe('E_SINGULAR');
    // indefinite: eigenvalues 3 and -1 in the first two coordinates
    const indefinite = Float64Array.from([1, 2, 0, 0, 2, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    // The hint is a damp larger than the one in use that was checked to work (here ridge must exceed
    // 1 = |smallest eigenvalue| * mean(diag H), so 10 for the default 0.01 and for 0.5: never a fixed 0.1).
    const collinear = Float64Array.from([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const cases: [Float64Array, number | undefined, number][] = [
      [indefinite, undefined, 10],
      [indefinite, 0.5, 5],
      [collinear, 0, 0.001],
    ];
    for (const [Hbad, damp, want] of cases) {
      const o = damp === undefined ? {} : { damp };
      for (const f of [() => quantizeGPTQ(e, W, Hbad, o), () => pruneSparseGPT(e, W, Hbad, { sparsity: 0.5, ...o })]) {
        try {
          f();
          expect.unreachable();
        } catch (err) {
          expect(err).toBeInstanceOf(SlimfitError);
          expect((err as SlimfitError).code).toBe('E_SINGULAR');
          const m = /increase damp to ([0-9.e+-]+)/.exec((err as SlimfitError).message);
          expect(m).not.toBeNull();
          const suggested = Number(m![1]);
          expect(suggested).toBe(want);
          expect(suggested).toBeGreaterThan(damp ?? 0.01);
          expect(codeOf(() => quantizeGPTQ(e, W, Hbad, { damp: suggested }))).toBeUndefined();
        }
      }
    }
    // collinear features: singular without damping, fine with the default damping
    expect(codeOf(() => quantizeGPTQ(e, W, collinear, { damp: 0 }))).toBe('E_SINGULAR');
    expect(codeOf(() => quantizeGPTQ(e, W, collinear))).toBeUndefined();
    expect(codeOf(() => pruneSparseGPT(e, W, collinear, { sparsity: 0.5 }))).toBeUndefined();
  });

  it('actOrder must be a boolean', () => {
    for (const actOrder of ['yes', 1, 0, null] as unknown[]) {
      expect(codeOf(() => quantizeGPTQ(e, W, H, { actOrder: any(actOrder) }))).toBe('E_RANGE');
      expect(codeOf(() => compressModel(e, model1, { method: 'gptq', quantize: { bits: 4, actOrder: any(actOrder) }, H: H }))).toBe('E_RANGE');
    }
    expect(quantizeGPTQ(e, W, H, { actOrder: true }).report.actOrder).toBe(true);
  });

  it("granularity 'row' means one scale per row in quantizeWith too (with shape), as in quantizeGPTQ", () => {
    const byRow = quantizeWith(e, W.data, { bits: 4, granularity: 'row', shape: [2, 4] });
    const byAxis = quantizeWith(e, W.data, { bits: 4, granularity: { axis: 0, shape: [2, 4] } });
    expect(byRow.tensor).toEqual(byAxis.tensor);
    expect(byRow.tensor.scale.length).toBe(2);
    expect(quantizeWith(e, W.data, { bits: 4, granularity: { axis: 0 }, shape: [2, 4] }).tensor).toEqual(byAxis.tensor);
    expect(Array.from(quantizeGPTQ(e, W, H, { bits: 4, granularity: 'row' }).tensor.scale)).toEqual(Array.from(byRow.tensor.scale));
    expect(codeOf(() => quantizeWith(e, W.data, { granularity: 'row' }))).toBe('E_SHAPE'); // flat w: rows unknown
    expect(codeOf(() => quantizeWith(e, W.data, { granularity: 'row', shape: [3, 3] }))).toBe('E_SHAPE');
    expect(codeOf(() => quantizeWith(e, W.data, { granularity: 'tensor', shape: [2, 4] }))).toBe('E_RANGE');
  });

  it('NaN anywhere', () => {
    const bad = w.slice();
    bad[7] = NaN;
    expect(codeOf(() => pruneBySpec(e, bad, { sparsity: 0.5 }))).toBe('E_NONFINITE');
    expect(codeOf(() => pruneBySpec(e, bad, { nm: [2, 4] }))).toBe('E_NONFINITE');
    expect(codeOf(() => pruneGlobal(e, [w, bad], { sparsity: 0.5 }))).toBe('E_NONFINITE');
    expect(codeOf(() => quantizeWith(e, bad, { bits: 4 }))).toBe('E_NONFINITE');
    const badW = { rows: 2, cols: 4, data: W.data.slice() };
    badW.data[3] = NaN;
    expect(codeOf(() => quantizeGPTQ(e, badW, H))).toBe('E_NONFINITE');
    expect(codeOf(() => pruneSparseGPT(e, badW, H, { sparsity: 0.5 }))).toBe('E_NONFINITE');
    const badH = H.slice();
    badH[6] = Infinity;
    expect(codeOf(() => quantizeGPTQ(e, W, badH))).toBe('E_NONFINITE');
    expect(codeOf(() => pruneSparseGPT(e, W, badH, { nm: [2, 4] }))).toBe('E_NONFINITE');
  });
});
