/**
 * Bad values reach users' calls as typed errors, never as a TypeError /
 * RangeError from deep inside, and nothing is coerced or clamped in silence:
 * non-numbers in plain arrays, BigInt typed arrays, non-finite model fields,
 * an accumulator too large to exist, a scale outside float32, a Gram matrix
 * that overflows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { auc, compressModel, compressionReport, calibrationHessian, quantizeWith, type LinearModelLike } from '../src/core.js';
import type { Engine } from '../src/index.js';
import { ENGINE_BACKENDS, engine, expectCode } from './helpers/engines.js';

const model = (over: Record<string, unknown>): LinearModelLike => ({ d: 2, outputs: 1, coef: Float64Array.of(1, 2), intercept: 0.5, fitIntercept: true, ...over }) as unknown as LinearModelLike;

for (const backend of ENGINE_BACKENDS) {
  describe(`typed errors for bad values (${backend})`, () => {
    let e: Engine;
    beforeAll(async () => {
      e = await engine(backend);
    });

    it('quantize and quantizeWith refuse non-numbers in plain arrays instead of coercing them', () => {
      for (const w of [[1, null, 3], [1, '2', true], [1, undefined], [1, {}], [1, 2n]]) {
        expectCode(() => e.quantize(w as never, { bits: 4 }), 'E_NONFINITE');
        expectCode(() => quantizeWith(e, w as never, { bits: 4 }), 'E_NONFINITE');
      }
      expect(() => e.quantize([1, null, 3] as never)).toThrow(/w\[1\] is null, not a number/);
      expectCode(() => e.quantize([[1, 2]] as never), 'E_SHAPE');
      // numbers still go through, and a string-free array of numbers is not slowed by a copy check
      expect(Array.from(e.quantize([1, -2, 3], { bits: 8 }).data)).toEqual([42, -85, 127]);
    });

    it('BigInt typed arrays are E_SHAPE with a way out, not "Cannot convert a BigInt"', () => {
      expectCode(() => e.quantize(BigInt64Array.of(1n, 2n) as never, { bits: 4 }), 'E_SHAPE');
      expectCode(() => quantizeWith(e, BigUint64Array.of(1n) as never), 'E_SHAPE');
      expectCode(() => e.fitLinear([[1], [2], [3]], BigInt64Array.of(1n, 2n, 3n) as never), 'E_SHAPE');
      expect(() => e.quantize(BigInt64Array.of(1n) as never)).toThrow(/Float64Array\.from\(w, Number\)/);
    });

    it('compressModel, compressionReport and calibrationHessian check every model field first', () => {
      // the call: no intercept, no fitIntercept ("undefined is not iterable" before)
      expectCode(() => compressModel(e, { d: 2, coef: Float64Array.of(1, 2) } as never, { quantize: { bits: 4 } }), 'E_SHAPE');
      expectCode(() => compressModel(e, model({ intercept: NaN }), { quantize: { bits: 4 } }), 'E_NONFINITE');
      expectCode(() => compressModel(e, model({ intercept: Float64Array.of(Infinity) })), 'E_NONFINITE');
      expectCode(() => compressModel(e, model({ coef: Float64Array.of(1, NaN) })), 'E_NONFINITE');
      expectCode(() => compressModel(e, model({ coef: [1, 2] })), 'E_SHAPE');
      expectCode(() => compressModel(e, model({ d: 0 })), 'E_SHAPE');
      expectCode(() => compressModel(e, model({ outputs: 2 })), 'E_SHAPE');
      expectCode(() => compressModel(e, model({ fitIntercept: 'yes' })), 'E_SHAPE');
      expectCode(() => compressModel(e, null as never), 'E_SHAPE');
      expectCode(() => compressModel(e, model({}), { quantize: null } as never), 'E_RANGE');
      expectCode(() => compressionReport(e, model({ intercept: NaN }), [[1, 2]], [1]), 'E_NONFINITE');
      expectCode(() => calibrationHessian(e, model({ intercept: undefined }), [[1, 2]], false), 'E_SHAPE');
      expect(compressModel(e, model({}), { quantize: { bits: 8 } }).predict([[1, 1]])[0]).toBeCloseTo(3.5, 1);
    });

    it('linearAccumulator(2^20) is E_MEMORY naming the bytes, not "Invalid typed array length"', () => {
      let msg = '';
      try {
        e.linearAccumulator(2 ** 20);
      } catch (err) {
        expectCode(() => {
          throw err;
        }, 'E_MEMORY');
        msg = (err as Error).message;
      }
      expect(msg).toContain(String((2 ** 20 + 1) ** 2 * 8));
      expect(msg).toMatch(/at most 11585/);
      expectCode(() => e.linearAccumulator(11585), 'E_MEMORY'); // (11585 + 1)^2 * 8 > 1 GiB
      expect(e.linearAccumulator(3).d).toBe(3);
    });

    it('an explicit scale outside float32 is E_RANGE naming the smallest usable scale, not clamped in silence', () => {
      for (const scale of [1e-45, 1e-39, 1e39]) {
        expectCode(() => e.quantize([1, 2], { scale }), 'E_RANGE');
        expectCode(() => quantizeWith(e, [1, 2], { scale, bits: 4 }), 'E_RANGE');
      }
      expect(() => e.quantize([1, 2], { scale: 1e-45 })).toThrow(/smallest usable scale is 1\.1754943508222875e-38/);
      // the smallest normal float32 itself is usable, and kept exactly
      expect(e.quantize([0, 0], { scale: 2 ** -126 }).scale[0]).toBe(2 ** -126);
    });

    it('auc checks its inputs instead of counting "1" as a negative or sorting null', () => {
      expectCode(() => auc([0.1, null, 0.3] as never, [0, 1, 1]), 'E_NONFINITE');
      expectCode(() => auc([0.1, 0.2, 0.3], [0, '1', 1] as never), 'E_NONFINITE');
      expectCode(() => auc([0.1, 0.2, 0.3], [0, 2, 1]), 'E_RANGE');
      expectCode(() => auc([0.1, 0.2], [0, 1, 1]), 'E_SHAPE');
      expectCode(() => auc([0.1, NaN], [0, 1]), 'E_NONFINITE');
      expect(auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    });

    it('solveSPD whose solution overflows is E_RANGE, not Infinity', () => {
      expectCode(() => e.solveSPD([[1e-300]], [1e300]), 'E_RANGE');
      expect(e.solveSPD([[2]], [1e300])[0]).toBe(5e299);
    });

    it('gram on values whose products overflow is E_RANGE naming the entry, not Infinity', () => {
      expectCode(() => e.gram([[1e200, 1], [1e200, 2]]), 'E_RANGE');
      expect(() => e.gram([[1, 1e200], [2, 1e200]])).toThrow(/X\^T W X overflows float64 at \[1\]\[1\]/);
      expect(() => e.gram([[1], [2]], [1e308, 1e308])).toThrow(/X\^T W Y overflows/);
      // in linear memory too
      const buf = e.memory.f64(2);
      buf.view.set([1e200, 1e200]);
      try {
        expectCode(() => e.gram({ rows: 2, cols: 1, data: buf }), 'E_RANGE');
      } finally {
        buf.free();
      }
      // large but representable sums are fine
      expect(e.gram([[1e150], [1e150]]).xtx[0]).toBeCloseTo(2e300, -290);
    });
  });
}
