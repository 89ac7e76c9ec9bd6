import { describe, expect, it } from 'vitest';
import type { QuantizedTensor } from '../src/index.js';
import { ENGINE_BACKENDS, engine } from './helpers/engines.js';
import { LENGTHS, rng } from './helpers/harness.js';

function randF32(n: number, seed: number, scale = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

/** Independent reading of packed codes (the layout documented on QuantizedTensor). */
function codes(q: QuantizedTensor, n: number): number[] {
  const out: number[] = [];
  const signed = q.scheme === 'symmetric';
  const slot = q.bits <= 2 ? 2 : q.bits <= 4 ? 4 : 8;
  for (let i = 0; i < n; i++) {
    let v: number;
    if (slot === 8) v = q.data[i];
    else {
      const per = 8 / slot;
      const byte = (q.data[Math.floor(i / per)] & 0xff) >> ((i % per) * slot);
      v = byte & ((1 << slot) - 1);
      if (signed && v >= 1 << (slot - 1)) v -= 1 << slot;
    }
    out.push(v);
  }
  return out;
}

const wasmE = await engine('wasm');
const jsE = await engine('js');

describe('quantize / dequantize: both backends bit-identical, invariants hold', () => {
  for (const n of LENGTHS.filter((v) => v > 0)) {
    it(`n = ${n}`, () => {
      const w = randF32(n, n, 3);
      for (const bits of [2, 3, 4, 8]) {
        for (const scheme of ['symmetric', 'affine'] as const) {
          const opts = { bits, scheme };
          const a = wasmE.quantize(w, opts);
          const b = jsE.quantize(w, opts);
          expect(a.data).toEqual(b.data);
          expect(a.scale).toEqual(b.scale);
          const da = wasmE.dequantize(a);
          expect(da).toEqual(jsE.dequantize(b));
          const s = a.scale[0];
          // every value is inside the representable range, so the error is at most s/2
          // (plus float32 rounding of the products)
          let worst = -Infinity; // error minus its allowance; one expect, not n
          for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(da[i] - w[i]) - (s / 2 + 1e-6 * Math.abs(w[i]) + 1e-7));
          expect(worst).toBeLessThanOrEqual(0);
        }
      }
    });
  }

  it('per-row and per-block scales follow each group', () => {
    for (const e of [wasmE, jsE]) {
      const rows = 7;
      const cols = 33;
      const w = randF32(rows * cols, 4);
      for (let c = 0; c < cols; c++) w[3 * cols + c] *= 100; // one row much larger
      const q = e.quantize(w, { granularity: { axis: 0, shape: [rows, cols] } });
      expect(q.scale.length).toBe(rows);
      for (let r = 0; r < rows; r++) {
        let m = 0;
        for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(w[r * cols + c]));
        expect(q.scale[r]).toBe(Math.fround(m / 127));
      }
      const qb = e.quantize(w, { bits: 4, granularity: { block: 33 } });
      expect(qb.scale.length).toBe(7);
      expect(qb.data.length).toBe(Math.ceil((rows * cols) / 2));
      const back = e.dequantize(qb);
      for (let i = 0; i < w.length; i++) expect(Math.abs(back[i] - w[i])).toBeLessThanOrEqual(qb.scale[Math.floor(i / 33)] / 2 + 1e-4);
    }
  });

  it('rounds half to even and saturates (ONNX QuantizeLinear)', () => {
    for (const e of [wasmE, jsE]) {
      const w = Float32Array.from([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 200, -200, 127.5, -128.5]);
      const q = e.quantize(w, { scale: 1 });
      expect(Array.from(q.data)).toEqual([0, 2, 2, 0, -2, -2, 4, 127, -128, 127, -128]);
      const a = e.quantize(Float32Array.from([0.5, 1.5, 254.5, 300, -1]), { scheme: 'affine', scale: 1, zeroPoint: 0 });
      expect(Array.from(a.data)).toEqual([0, 2, 254, 255, 0]);
    }
  });

  it('packs 4-bit and 2-bit codes low bits first, two\'s complement', () => {
    for (const e of [wasmE, jsE]) {
      const q4 = e.quantize(Float32Array.from([1, -1, 7, -8, 3]), { bits: 4, scale: 1 });
      expect(q4.data).toBeInstanceOf(Uint8Array);
      expect(Array.from(q4.data)).toEqual([0xf1, 0x87, 0x03]);
      expect(codes(q4, 5)).toEqual([1, -1, 7, -8, 3]);
      const q2 = e.quantize(Float32Array.from([1, -1, -2, 0, 1]), { bits: 2, scale: 1 });
      expect(Array.from(q2.data)).toEqual([0b00101101, 0b01]);
      expect(Array.from(e.dequantize(q2))).toEqual([1, -1, -2, 0, 1]);
    }
  });

  it('affine keeps zero exact and uses the whole unsigned range', () => {
    for (const e of [wasmE, jsE]) {
      const w = Float32Array.from([0.2, 0.5, 1.0, 0.75, 0]);
      const q = e.quantize(w, { scheme: 'affine', bits: 8 });
      expect(q.data).toBeInstanceOf(Uint8Array);
      expect(q.zeroPoint![0]).toBe(0);
      expect(Math.max(...q.data)).toBe(255);
      expect(e.dequantize(q)[4]).toBe(0);
    }
  });

  it('zero-copy: input buffer in, codes written into an out buffer', () => {
    for (const e of [wasmE, jsE]) {
      const n = 1001;
      const w = randF32(n, 8);
      const inBuf = e.memory.f32(n);
      inBuf.view.set(w);
      const out = e.memory.i8(n);
      const q = e.quantize(inBuf, { out });
      expect(Array.from(out.view)).toEqual(Array.from(e.quantize(w).data));
      const back = e.memory.f32(n);
      e.dequantize({ ...q, data: out.view }, { out: back });
      expect(Array.from(back.view)).toEqual(Array.from(e.dequantize(e.quantize(w))));
      inBuf.free();
      out.free();
      back.free();
    }
  });
});

for (const backend of ENGINE_BACKENDS) {
  describe(`engine.prune with a threshold (${backend})`, () => {
    it('zeroes |w| <= t, returns a bitmask and the kept count, keeps the input type', async () => {
      const e = await engine(backend);
      for (const n of [1, 7, 8, 9, 65, 1000]) {
        const w32 = randF32(n, n);
        const t = 0.3;
        const r = e.prune(w32, { threshold: t });
        expect(r.values).toBeInstanceOf(Float32Array);
        let kept = 0;
        for (let i = 0; i < n; i++) {
          const keep = Math.abs(w32[i]) > t;
          if (keep) kept++;
          expect(r.values[i]).toBe(keep ? w32[i] : 0);
          expect(((r.mask[i >> 3] >> (i & 7)) & 1) === 1).toBe(keep);
        }
        expect(r.kept).toBe(kept);
        expect(r.mask.length).toBe(Math.ceil(n / 8));
        const r64 = e.prune(Float64Array.from(w32), { threshold: t });
        expect(r64.values).toBeInstanceOf(Float64Array);
        expect(r64.kept).toBe(kept);
      }
    });

    it('compares float32 weights exactly against a float64 threshold', async () => {
      const e = await engine(backend);
      const t = 0.1; // fround(0.1) > 0.1
      const w = Float32Array.from([Math.fround(0.1), -Math.fround(0.1), 0.09]);
      expect(Math.fround(0.1)).toBeGreaterThan(0.1);
      expect(Array.from(e.prune(w, { threshold: t }).values)).toEqual([w[0], w[1], 0]);
    });

    it('prunes in place through a zero-copy buffer', async () => {
      const e = await engine(backend);
      const b = e.memory.f32(5);
      b.view.set([0.1, -2, 0.3, 4, -0.05]);
      const r = e.prune(b, { threshold: 0.2, out: b });
      expect(Array.from(b.view)).toEqual([0, -2, Math.fround(0.3), 4, 0]);
      expect(r.kept).toBe(3);
      b.free();
    });
  });
}

describe('engine methods for the compression specs', () => {
  it('engine.prune dispatches sparsity / N:M specs to SparseTensor results', async () => {
    const { SparseTensor } = await import('../src/index.js');
    for (const e of [wasmE, jsE]) {
      const w = randF32(64, 11);
      const half = e.prune(w, { sparsity: 0.5 });
      expect(half).toBeInstanceOf(SparseTensor);
      expect(half.kept).toBe(32);
      const kept = Array.from(half.toDense()).filter((v) => v !== 0).map(Math.abs);
      const dropped = Array.from(w).filter((_, i) => half.toDense()[i] === 0).map(Math.abs);
      expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
      const nm = e.prune(w, { nm: [2, 4] });
      expect(nm.kept).toBe(32);
      const t = e.prune(w, { threshold: 0.5 });
      expect(t).toBeInstanceOf(SparseTensor);
      expect(t.kept).toBe(Array.from(w).filter((v) => Math.abs(v) > 0.5).length);
    }
  });
});
