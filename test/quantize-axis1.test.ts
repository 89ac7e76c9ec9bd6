import { describe, expect, it } from 'vitest';
import type { QuantizedTensor, QuantScheme } from '../src/types.js';
import { rng, normal } from '../src/random.js';
import { decodeSlim, encodeSlim } from '../src/io/slim.js';
import { decodeSafetensors, quantizedFromSafetensors, quantizedToSafetensors } from '../src/io/safetensors.js';
import { unpackCodes } from '../src/codes.js';
import { engine } from './helpers/engines.js';
import { roundHalfEvenOracle as rhe } from './helpers/round-oracle.js';

// engine.quantize / dequantize with granularity { axis: 1, shape: [rows, cols] }:
// one scale (and zero point) per column of a row-major matrix, against an
// independent reference (ONNX QuantizeLinear, axis = 1, in float32: the
// scales by the max-abs / min-max rules per column), identical on both
// backends, and through the .slim and safetensors writers and readers.

const engines = [await engine('wasm'), await engine('js')];


/** The reference: per-column parameters by the documented rules, then QuantizeLinear with axis = 1. */
function reference(w: Float32Array, rows: number, cols: number, bits: number, scheme: QuantScheme): { q: number[]; scale: Float32Array; zeroPoint?: Int32Array } {
  const qmin = scheme === 'symmetric' ? -(2 ** (bits - 1)) : 0;
  const qmax = scheme === 'symmetric' ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const scale = new Float32Array(cols);
  const zp = new Int32Array(cols);
  for (let c = 0; c < cols; c++) {
    let lo = 0;
    let hi = 0;
    let ma = 0;
    for (let r = 0; r < rows; r++) {
      const v = w[r * cols + c];
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      ma = Math.max(ma, Math.abs(v));
    }
    if (scheme === 'symmetric') scale[c] = ma === 0 ? 1 : Math.max(Math.fround(ma / qmax), 2 ** -126);
    else {
      scale[c] = hi === lo ? 1 : Math.max(Math.fround((hi - lo) / (qmax - qmin)), 2 ** -126);
      zp[c] = Math.min(qmax, Math.max(qmin, qmin - rhe(lo / scale[c])));
    }
  }
  const q: number[] = [];
  for (let i = 0; i < w.length; i++) {
    const c = i % cols;
    q.push(Math.min(qmax, Math.max(qmin, rhe(Math.fround(w[i] / scale[c])) + zp[c])));
  }
  return scheme === 'symmetric' ? { q, scale } : { q, scale, zeroPoint: zp };
}

function matrix(rows: number, cols: number, seed: number): Float32Array {
  const z = normal(rng(seed));
  // columns of very different magnitudes: a per-tensor scale would lose the small ones
  return Float32Array.from({ length: rows * cols }, (_, i) => z() * 10 ** ((i % cols) % 4 - 2));
}

describe('granularity { axis: 1 } (one scale per column)', () => {
  it('quantize matches the ONNX axis-1 reference on both backends (every width, both schemes, odd shapes); dequantize is (q - z) * s per column', () => {
    for (const [rows, cols] of [[1, 1], [3, 5], [7, 4], [5, 17], [33, 9], [70, 130]] as const) {
      const w = matrix(rows, cols, rows * 1000 + cols);
      for (let bits = 2; bits <= 8; bits++) {
        for (const scheme of ['symmetric', 'affine'] as const) {
          const ref = reference(w, rows, cols, bits, scheme);
          const outs = engines.map((e) => {
            const t = e.quantize(w, { bits, scheme, granularity: { axis: 1, shape: [rows, cols] } });
            const what = `${e.backend} [${rows}, ${cols}] ${bits}-bit ${scheme}`;
            expect(Array.from(t.scale), `${what} scales`).toEqual(Array.from(ref.scale));
            if (ref.zeroPoint) expect(Array.from(t.zeroPoint!), `${what} zero points`).toEqual(Array.from(ref.zeroPoint));
            else expect(t.zeroPoint, what).toBeUndefined();
            expect(t.shape).toEqual([rows, cols]);
            expect(Array.from(unpackCodes(t.data, w.length, bits, scheme)), `${what} codes`).toEqual(ref.q);
            const back = e.dequantize(t);
            const expected = Float32Array.from(ref.q, (q, i) => (q - (ref.zeroPoint ? ref.zeroPoint[i % cols] : 0)) * ref.scale[i % cols]);
            expect(back, `${what} dequantized`).toEqual(expected);
            // round to nearest: within s/2 of w wherever w is inside the range
            const over: number[] = [];
            for (let i = 0; i < w.length; i++) if (Math.abs(back[i] - w[i]) > ref.scale[i % cols] / 2 + 1e-6 * Math.abs(w[i])) over.push(i);
            expect(over, `${what}: values further than s/2 from w`).toEqual([]);
            return t;
          });
          expect(outs[0].data, `[${rows}, ${cols}] ${bits}-bit ${scheme}: backends agree`).toEqual(outs[1].data);
        }
      }
    }
  });

  it('explicit per-column scales and zero points are used as given', () => {
    for (const e of engines) {
      const w = Float32Array.of(0.5, 1, 1.5, -0.5, -1, 7, 0.25, 2, 3);
      const t = e.quantize(w, { bits: 8, scheme: 'affine', granularity: { axis: 1, shape: [3, 3] }, scale: [0.5, 0.25, 1], zeroPoint: [10, 0, 128] });
      expect(Array.from(t.data)).toEqual([11, 4, 130, 9, 0, 135, 10, 8, 131]);
    }
  });

  it('a bad shape or axis is refused with a code', () => {
    for (const e of engines) {
      const w = new Float32Array(12);
      expect(() => e.quantize(w, { granularity: { axis: 1, shape: [5, 3] } })).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
      expect(() => e.quantize(w, { granularity: { axis: 2 as 1, shape: [4, 3] } })).toThrow(expect.objectContaining({ code: 'E_RANGE' }));
      const t = e.quantize(w, { granularity: { axis: 1, shape: [4, 3] } });
      expect(() => e.dequantize({ ...t, scale: new Float32Array(4).fill(1) })).toThrow(expect.objectContaining({ code: 'E_SHAPE' }));
    }
  });

  it('round trip through encodeSlim / decodeSlim and the safetensors writer / reader, then dequantize', async () => {
    const e = engines[0];
    const w = matrix(6, 10, 3);
    const tensors: Record<string, QuantizedTensor> = {};
    for (const bits of [2, 4, 8]) {
      for (const scheme of ['symmetric', 'affine'] as const) tensors[`q${bits}${scheme[0]}`] = e.quantize(w, { bits, scheme, granularity: { axis: 1, shape: [6, 10] } });
    }
    const slim = await decodeSlim(await encodeSlim({ kind: 'tensors', tensors }));
    expect(slim.kind).toBe('tensors');
    const st = quantizedFromSafetensors(decodeSafetensors(quantizedToSafetensors(tensors)));
    for (const [name, t] of Object.entries(tensors)) {
      for (const back of [(slim as { tensors: Record<string, QuantizedTensor> }).tensors[name], st.quantized[name]]) {
        expect(back.granularity).toEqual({ axis: 1, shape: [6, 10] });
        expect(back.data).toEqual(t.data);
        expect(back.scale).toEqual(t.scale);
        if (t.zeroPoint) expect(back.zeroPoint).toEqual(t.zeroPoint);
        for (const d of engines) expect(d.dequantize(back), `${name} on ${d.backend}`).toEqual(e.dequantize(t));
      }
    }
  });
});
