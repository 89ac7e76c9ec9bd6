/** Every error code, triggered by the bad input it names, before any kernel runs. */
import { describe, expect, it } from 'vitest';
import { SlimfitError } from '../src/index.js';
import { codeOf, ENGINE_BACKENDS, engine } from './helpers/engines.js';

for (const backend of ENGINE_BACKENDS) {
  describe(`typed errors (${backend})`, () => {
    it('E_SHAPE: ragged, empty, mismatched, wrong types', async () => {
      const e = await engine(backend);
      expect(codeOf(() => e.gram([[1, 2], [3]]))).toBe('E_SHAPE');
      expect(codeOf(() => e.gram([]))).toBe('E_SHAPE');
      expect(codeOf(() => e.gram({ rows: 2, cols: 2, data: new Float64Array(3) }))).toBe('E_SHAPE');
      expect(codeOf(() => e.gram([[1], [2]], [1, 2, 3]))).toBe('E_SHAPE');
      expect(codeOf(() => e.solveSPD(new Float64Array(3), [1]))).toBe('E_SHAPE');
      expect(codeOf(() => e.solveSPD(new Float64Array([2, 0, 0, 2]), [1, 2, 3]))).toBe('E_SHAPE');
      expect(codeOf(() => e.solveSPD(new Float64Array([2, 1, 0, 2]), [1, 2]))).toBe('E_SHAPE'); // not symmetric
      expect(codeOf(() => e.quantize(new Float32Array(0)))).toBe('E_SHAPE');
      expect(codeOf(() => e.quantize(new Float32Array(10), { granularity: { block: 3 } }))).toBe('E_SHAPE');
      expect(codeOf(() => e.quantize(new Float32Array(10), { granularity: { axis: 0, shape: [3, 3] } }))).toBe('E_SHAPE');
      expect(codeOf(() => e.prune(new Float32Array(0), { threshold: 0 }))).toBe('E_SHAPE');
      expect(codeOf(() => e.prune([1, 2] as never, { threshold: 0 }))).toBe('E_SHAPE');
      const q = e.quantize(new Float32Array([1, 2, 3]));
      expect(codeOf(() => e.dequantize({ ...q, data: new Int8Array(2) }))).toBe('E_SHAPE');
      expect(codeOf(() => e.dequantize({ ...q, scale: new Float32Array(2) }))).toBe('E_SHAPE');
    });

    it('E_NONFINITE names the first bad index', async () => {
      const e = await engine(backend);
      const X = { rows: 3, cols: 2, data: new Float64Array([1, 2, 3, NaN, 5, Infinity]) };
      try {
        e.gram(X);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(SlimfitError);
        expect((err as SlimfitError).code).toBe('E_NONFINITE');
        expect((err as SlimfitError).details).toEqual({ index: 3 });
        expect((err as Error).message).toMatch(/row 1, column 1/);
      }
      const w = new Float32Array(1000);
      w[999] = -Infinity;
      expect(codeOf(() => e.quantize(w))).toBe('E_NONFINITE');
      expect(codeOf(() => e.prune(w, { threshold: 0 }))).toBe('E_NONFINITE');
      expect(codeOf(() => e.gram([[1], [2]], [1, NaN]))).toBe('E_NONFINITE');
      // quantize validates through its reductions, prune inside its kernel:
      // every position (SIMD body and tail), every scheme and granularity.
      for (const n of [5, 64, 1001]) {
        for (const at of [0, n >> 1, n - 1]) {
          for (const bad of [NaN, Infinity, -Infinity]) {
            const v = new Float32Array(n).fill(0.5);
            v[at] = bad;
            for (const opts of [{}, { scheme: 'affine' as const }, { granularity: { block: n } }, { scale: 0.1 }]) {
              let err: unknown;
              try {
                e.quantize(v, opts);
              } catch (x) {
                err = x;
              }
              expect((err as SlimfitError).code).toBe('E_NONFINITE');
              expect((err as SlimfitError).details).toEqual({ index: at });
            }
            for (const arr of [v, Float64Array.from(v)]) {
              let err: unknown;
              try {
                e.prune(arr, { threshold: 0.1 });
              } catch (x) {
                err = x;
              }
              expect((err as SlimfitError).details).toEqual({ index: at });
            }
            const buf = e.memory.f32(n);
            buf.view.set(v);
            expect(codeOf(() => e.prune(buf, { threshold: 0.1 }))).toBe('E_NONFINITE');
            buf.free();
          }
        }
      }
      expect(codeOf(() => e.solveSPD(new Float64Array([1, NaN, NaN, 1]), [1, 1]))).toBe('E_NONFINITE');
    });

    it('E_RANGE: bad options', async () => {
      const e = await engine(backend);
      const w = new Float32Array([1, 2, 3, 4]);
      expect(codeOf(() => e.quantize(w, { bits: 9 }))).toBe('E_RANGE');
      expect(codeOf(() => e.quantize(w, { bits: 1 }))).toBe('E_RANGE');
      expect(codeOf(() => e.quantize(w, { bits: 4.5 }))).toBe('E_RANGE');
      expect(codeOf(() => e.quantize(w, { scheme: 'log' as never }))).toBe('E_RANGE');
      expect(codeOf(() => e.quantize(w, { scale: 0 }))).toBe('E_RANGE');
      expect(codeOf(() => e.quantize(w, { scheme: 'affine', zeroPoint: 256 }))).toBe('E_RANGE');
      expect(codeOf(() => e.quantize(w, { zeroPoint: 1 }))).toBe('E_RANGE');
      expect(codeOf(() => e.quantize(w, { granularity: { block: 0 } }))).toBe('E_RANGE');
      expect(codeOf(() => e.prune(w, { threshold: -1 }))).toBe('E_RANGE');
      expect(codeOf(() => e.prune(w, { threshold: NaN }))).toBe('E_RANGE');
      expect(codeOf(() => e.solveSPD(new Float64Array([1]), [1], { ridge: -1 }))).toBe('E_RANGE');
      expect(codeOf(() => e.gram([[1], [2]], [1, 2], { weights: [1, -1] }))).toBe('E_RANGE');
      expect(codeOf(() => e.gram([[1], [2]], [1, 2], { weights: [0, 0] }))).toBe('E_RANGE');
    });

    it('null and missing arguments: E_SHAPE for a missing X, null options mean defaults, a null option value is E_RANGE', async () => {
      const e = await engine(backend);
      expect(codeOf(() => e.gram(null as never))).toBe('E_SHAPE');
      expect(codeOf(() => e.gram(undefined as never))).toBe('E_SHAPE');
      expect(codeOf(() => e.gram({ rows: 1, cols: 1, data: null as never }))).toBe('E_SHAPE');
      // null options = omitted
      expect(Array.from(e.gram([[1], [2]], [1, 2], null).xtx)).toEqual([5]);
      expect(Array.from(e.solveSPD([[4]], [8], null))).toEqual([2]);
      expect(e.quantize([1, 2], null).bits).toBe(8);
      expect(Array.from(e.dequantize(e.quantize([7]), null))).toEqual([7]);
      // null option values are bad values, not "use the default"
      const w = new Float32Array([1, 2, 3, 4]);
      for (const bad of [{ scheme: null }, { granularity: null }, { bits: null }, { scale: null }, { scheme: 'affine', zeroPoint: null }]) {
        expect(codeOf(() => e.quantize(w, bad as never)), JSON.stringify(bad)).toBe('E_RANGE');
      }
      expect(codeOf(() => e.quantize(w, { scale: 'big' as never }))).toBe('E_RANGE');
      expect(codeOf(() => e.solveSPD([[2]], [4], { ridge: null as never }))).toBe('E_RANGE');
      // b as number[][] is a shape error, not a non-finite one
      expect(codeOf(() => e.solveSPD([[2, 0], [0, 2]], [[1, 0], [0, 1]] as never))).toBe('E_SHAPE');
      expect(codeOf(() => e.solveSPD([[2, 0], [0, 2]], [[1], [2]] as never))).toBe('E_SHAPE');
    });

    it('E_SINGULAR names the pivot', async () => {
      const e = await engine(backend);
      const err = (() => {
        try {
          e.solveSPD(new Float64Array([1, 1, 1, 1]), [1, 1]);
        } catch (x) {
          return x as SlimfitError;
        }
      })();
      expect(err?.code).toBe('E_SINGULAR');
      expect(err?.details).toEqual({ pivot: 1 });
    });

    it('E_MEMORY: beyond 1 GiB per buffer, with the exact byte counts', async () => {
      const e = await engine(backend);
      expect(codeOf(() => e.memory.f64(2 ** 27 + 1))).toBe('E_MEMORY');
      expect(() => e.memory.u8(2 ** 30 + 1)).toThrow(/1073741825 bytes .*1073741824 bytes/);
    });
  });
}

it('E_BACKEND: wasm requested where SIMD is missing', async () => {
  const { createEngine } = await import('../src/engine/init.js');
  await expect(createEngine('wasm', false)).rejects.toMatchObject({ code: 'E_BACKEND' });
});
