/**
 * quantizeGPTQ and pruneSparseGPT take the weights users have: one row as a
 * plain vector (a model's coef) and float32 matrices (safetensors, ONNX).
 * Float32 values widen to float64 exactly, so the results must equal the
 * float64 path's on the same values bit for bit; a vector's result must
 * equal the one-row matrix's, in the vector's shape.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { quantizeGPTQ, pruneSparseGPT } from '../src/core.js';
import type { Engine } from '../src/index.js';
import { rng, normal } from '../src/random.js';
import { ENGINE_BACKENDS, engine, expectCode } from './helpers/engines.js';

/** A random SPD H = A^T A + I (cols x cols) and rows x cols weights, float32-representable. */
function problem(rows: number, cols: number, seed: number): { W: Float32Array; H: Float64Array } {
  const z = normal(rng(seed));
  const W = Float32Array.from({ length: rows * cols }, () => z());
  const A = Float64Array.from({ length: (cols + 3) * cols }, () => z());
  const H = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < cols; j++) {
      let s = i === j ? 1 : 0;
      for (let k = 0; k < cols + 3; k++) s += A[k * cols + i] * A[k * cols + j];
      H[i * cols + j] = s;
    }
  }
  for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) H[i * cols + j] = H[j * cols + i];
  return { W, H };
}

for (const backend of ENGINE_BACKENDS) {
  describe(`GPTQ / SparseGPT weight inputs (${backend})`, () => {
    let e: Engine;
    beforeAll(async () => {
      e = await engine(backend);
    });

    it('quantizeGPTQ: a Float32Array matrix gives exactly the float64 result on the same values', () => {
      const { W, H } = problem(3, 9, 1);
      for (const opts of [{ bits: 4 }, { bits: 3, scheme: 'affine' as const, actOrder: true }, { bits: 8, granularity: { block: 9 } }]) {
        const f32 = quantizeGPTQ(e, { rows: 3, cols: 9, data: W }, H, opts);
        const f64 = quantizeGPTQ(e, { rows: 3, cols: 9, data: Float64Array.from(W) }, H, opts);
        expect(f32.tensor).toEqual(f64.tensor);
        expect(f32.report).toEqual(f64.report);
      }
    });

    it('quantizeGPTQ: a vector (Float64Array, Float32Array, number[]) equals the one-row matrix, in shape [d]', () => {
      const { W, H } = problem(1, 11, 2);
      const row = quantizeGPTQ(e, { rows: 1, cols: 11, data: Float64Array.from(W) }, H, { bits: 4 });
      for (const v of [Float64Array.from(W), W, Array.from(W)]) {
        const r = quantizeGPTQ(e, v, H, { bits: 4 });
        expect(r.tensor.shape).toEqual([11]);
        expect(r.tensor.granularity).toBe('tensor'); // 'row' of one row is one scale
        expect(r.tensor.data).toEqual(row.tensor.data);
        expect(r.tensor.scale).toEqual(row.tensor.scale);
        expect(r.report).toEqual(row.report);
        // it dequantizes to the same values
        expect(e.dequantize(r.tensor)).toEqual(e.dequantize(row.tensor));
      }
      // the facade takes a model's coef as it is (typed: no cast)
      const model = e.fitLinear(Array.from({ length: 30 }, (_, i) => Array.from({ length: 11 }, (_, j) => Math.sin(i * (j + 1)))), Array.from({ length: 30 }, (_, i) => Math.cos(i)));
      expect(e.quantizeGPTQ(model.coef, H, { bits: 4 }).tensor.shape).toEqual([11]);
      expect(e.pruneSparseGPT(Float32Array.from(model.coef), H, { sparsity: 0.5 }).tensor.kept).toBe(5); // round(0.5 * 11) = 6 removed
    });

    it('pruneSparseGPT: float32 matrices and vectors, on both the OBS and the SparseGPT path', () => {
      const { W, H } = problem(2, 12, 3);
      for (const method of ['obs', 'sparsegpt'] as const) {
        for (const target of [{ sparsity: 0.5 }, { nm: [2, 4] as [number, number] }]) {
          const opts = { ...target, method, blockSize: 4 };
          const f32 = pruneSparseGPT(e, { rows: 2, cols: 12, data: W }, H, opts);
          const f64 = pruneSparseGPT(e, { rows: 2, cols: 12, data: Float64Array.from(W) }, H, opts);
          expect(f32.tensor.toDense()).toEqual(f64.tensor.toDense());
          expect(f32.report).toEqual(f64.report);
        }
      }
      const row = W.subarray(0, 12);
      const asMatrix = pruneSparseGPT(e, { rows: 1, cols: 12, data: Float64Array.from(row) }, H, { sparsity: 0.25 });
      for (const v of [Float64Array.from(row), row, Array.from(row)]) {
        const r = pruneSparseGPT(e, v, H, { sparsity: 0.25 });
        expect(r.tensor.shape).toEqual([12]);
        expect(r.tensor.toDense()).toEqual(asMatrix.tensor.toDense());
        expect(r.tensor.kept).toBe(9);
        expect(r.report).toEqual(asMatrix.report);
      }
    });

    it('vectors are still validated: length against H, non-numbers, empty', () => {
      const { H } = problem(1, 4, 4);
      expectCode(() => quantizeGPTQ(e, Float64Array.of(1, 2, 3), H), 'E_SHAPE');
      expectCode(() => quantizeGPTQ(e, [1, null, 3, 4] as never, H), 'E_NONFINITE');
      expectCode(() => pruneSparseGPT(e, Float32Array.of(1, NaN, 3, 4), H, { sparsity: 0.5 }), 'E_NONFINITE');
      expectCode(() => pruneSparseGPT(e, new Float32Array(0), H, { sparsity: 0.5 }), 'E_SHAPE');
      expectCode(() => quantizeGPTQ(e, { rows: 2, cols: 2, data: Float32Array.of(1, 2, 3) }, H), 'E_SHAPE');
    });
  });
}
