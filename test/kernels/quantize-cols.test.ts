import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';
import { roundHalfEvenOracle as rhe } from '../helpers/round-oracle.js';

// Per-column (ONNX axis = 1) kernels: quantizeColsF32 / dequantizeColsF32 and
// the column reductions colMaxAbsF32 / colMinMaxF32, on both backends, bit for
// bit against an independent oracle written here: ONNX QuantizeLinear with
// axis = 1 of a row-major [rows, cols] tensor, q[r][c] = saturate(
// roundHalfEven(f32(x[r][c] / s[c])) + z[c]), and DequantizeLinear
// f32((q - z[c]) * s[c]). Shapes cover SIMD tails (cols not a multiple of 4
// or 16), a partial last row and tensors longer than the kernels' 4096-value
// packing block (a block boundary inside a row).

const slotOf = (bits: number) => (bits >= 5 ? 8 : bits >= 3 ? 4 : 2);
const packedBytes = (n: number, bits: number) => Math.ceil((n * slotOf(bits)) / 8);

function oracleQ(x: Float32Array, cols: number, s: Float32Array, z: Int32Array | null, qmin: number, qmax: number, bits: number): Uint8Array {
  const slot = slotOf(bits);
  const M = 2 ** slot;
  const packed = new Uint8Array(packedBytes(x.length, bits));
  for (let r = 0; r * cols < x.length; r++) {
    for (let c = 0; c < cols && r * cols + c < x.length; c++) {
      const i = r * cols + c;
      const v = Math.min(Math.max(rhe(Math.fround(x[i] / s[c])) + (z ? z[c] : 0), qmin), qmax);
      const bitPos = i * slot;
      packed[Math.floor(bitPos / 8)] += (((v % M) + M) % M) * 2 ** (bitPos % 8);
    }
  }
  return packed;
}

function oracleDQ(packed: Uint8Array, n: number, cols: number, s: Float32Array, z: Int32Array | null, bits: number, signed: boolean): Float32Array {
  const slot = slotOf(bits);
  const M = 2 ** slot;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const bitPos = i * slot;
    let q = Math.floor(packed[Math.floor(bitPos / 8)] / 2 ** (bitPos % 8)) % M;
    if (signed && q >= M / 2) q -= M;
    const c = i % cols;
    out[i] = Math.fround((q - (z ? z[c] : 0)) * s[c]);
  }
  return out;
}

const bits32 = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** [rows, cols] shapes; n = rows * cols unless `extra` trims the last row. */
const SHAPES: [number, number][] = [
  [1, 1], [1, 3], [3, 1], [2, 4], [3, 5], [7, 7], [4, 16], [5, 17], [3, 33], [2, 64], [9, 100], [129, 67], [40, 1031],
];

/** Values around the column scales with exact ties (k + 0.5) * s and out-of-range ones. */
function data(n: number, cols: number, s: Float32Array, seed: number): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const sc = s[i % cols];
    const u = r();
    if (u < 0.25) x[i] = (Math.floor(r() * 40) - 20 + 0.5) * sc;
    else if (u < 0.3) x[i] = (r() < 0.5 ? -1 : 1) * 1e3 * sc;
    else if (u < 0.33) x[i] = r() < 0.5 ? -0 : 0;
    else x[i] = (r() * 2 - 1) * 150 * sc;
  }
  return x;
}

for (const backend of BACKENDS) {
  describe(`per-column kernels (${backend})`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(backend);
    });

    function quant(x: Float32Array, cols: number, s: Float32Array, z: Int32Array | null, qmin: number, qmax: number, bits: number): Uint8Array {
      h.reset();
      const n = x.length;
      const nb = packedBytes(n, bits);
      const xp = h.put(x);
      const sp = h.put(s);
      const zp = z ? h.put(z) : 0;
      const op = h.alloc(nb + 16);
      h.u8(op, nb + 16).fill(0xee);
      h.k.quantizeColsF32(xp, n, cols, sp, zp, qmin, qmax, bits, op);
      expect(Array.from(h.u8(op + nb, 16)), 'bytes past the output untouched').toEqual(new Array(16).fill(0xee));
      expect(firstDiff(h.u8(xp, n * 4), bits32(x)), 'input untouched').toBe(-1);
      return h.u8(op, nb).slice();
    }

    function dequant(q: Uint8Array, n: number, cols: number, s: Float32Array, z: Int32Array | null, bits: number, signed: boolean): Float32Array {
      h.reset();
      const qp = h.put(q);
      const sp = h.put(s);
      const zp = z ? h.put(z) : 0;
      const op = h.alloc(n * 4 + 16);
      h.u8(op + n * 4, 16).fill(0xee);
      h.k.dequantizeColsF32(qp, n, cols, sp, zp, bits, signed ? 1 : 0, op);
      expect(Array.from(h.u8(op + n * 4, 16)), 'bytes past the output untouched').toEqual(new Array(16).fill(0xee));
      return h.f32(op, n).slice();
    }

    it('quantize and dequantize match the ONNX axis-1 oracle bit for bit (every width, symmetric and affine, tails, partial last row)', () => {
      let seed = 1;
      for (const [rows, cols] of SHAPES) {
        for (const trim of [0, 1, 3]) {
          const n = rows * cols - trim;
          if (n <= 0 || (trim > 0 && trim >= cols)) continue;
          const r = rng(seed++);
          const s = Float32Array.from({ length: cols }, () => Math.fround(0.001 + r() * 0.2));
          const x = data(n, cols, s, seed++);
          for (let bits = 2; bits <= 8; bits++) {
            const what = `[${rows}, ${cols}]-${trim} ${bits}-bit`;
            // symmetric: signed range, no zero points
            const smin = -(2 ** (bits - 1));
            const smax = 2 ** (bits - 1) - 1;
            const qs = quant(x, cols, s, null, smin, smax, bits);
            expect(firstDiff(qs, oracleQ(x, cols, s, null, smin, smax, bits)), `${what} symmetric codes`).toBe(-1);
            expect(firstDiff(bits32(dequant(qs, n, cols, s, null, bits, true)), bits32(oracleDQ(qs, n, cols, s, null, bits, true))), `${what} symmetric values`).toBe(-1);
            // affine: unsigned range, one zero point per column
            const amax = 2 ** bits - 1;
            const z = Int32Array.from({ length: cols }, () => Math.floor(r() * (amax + 1)));
            const qa = quant(x, cols, s, z, 0, amax, bits);
            expect(firstDiff(qa, oracleQ(x, cols, s, z, 0, amax, bits)), `${what} affine codes`).toBe(-1);
            expect(firstDiff(bits32(dequant(qa, n, cols, s, z, bits, false)), bits32(oracleDQ(qa, n, cols, s, z, bits, false))), `${what} affine values`).toBe(-1);
          }
        }
      }
    });

    it('one column is the per-tensor quantizeF32; cols = n is one scale per value', () => {
      const n = 1001;
      const s1 = Float32Array.of(0.0173);
      const x = data(n, 1, s1, 7);
      h.reset();
      const xp = h.put(x);
      const sp = h.put(s1);
      const a = h.alloc(n);
      const b = h.alloc(n);
      h.k.quantizeF32(xp, n, n, sp, 0, -128, 127, 8, a);
      h.k.quantizeColsF32(xp, n, 1, sp, 0, -128, 127, 8, b);
      expect(firstDiff(h.u8(a, n), h.u8(b, n))).toBe(-1);
      const sn = Float32Array.from({ length: n }, (_, i) => Math.fround(0.01 + (i % 13) * 0.003));
      const xs = data(n, n, sn, 8);
      expect(firstDiff(quant(xs, n, sn, null, -8, 7, 4), oracleQ(xs, n, sn, null, -8, 7, 4))).toBe(-1);
    });

    it('colMaxAbsF32 / colMinMaxF32 are exact per column (signed zeros, tails, partial last row, NaN sticks in max-abs)', () => {
      let seed = 100;
      for (const [rows, cols] of SHAPES) {
        for (const trim of [0, 2]) {
          const n = rows * cols - trim;
          if (n <= 0 || (trim > 0 && trim >= cols)) continue;
          const r = rng(seed++);
          const x = Float32Array.from({ length: n }, () => {
            const u = r();
            return u < 0.2 ? (r() < 0.5 ? -0 : 0) : Math.fround((r() * 2 - 1) * 10);
          });
          h.reset();
          const C = Math.min(cols, n);
          const xp = h.put(x);
          const ma = h.alloc(C * 4 + 16);
          const mn = h.alloc(C * 4 + 16);
          const mx = h.alloc(C * 4 + 16);
          for (const p of [ma, mn, mx]) h.u8(p + C * 4, 16).fill(0xee);
          h.k.colMaxAbsF32(xp, n, cols, ma);
          h.k.colMinMaxF32(xp, n, cols, mn, mx);
          for (const p of [ma, mn, mx]) expect(Array.from(h.u8(p + C * 4, 16)), 'bytes past the output untouched').toEqual(new Array(16).fill(0xee));
          for (let c = 0; c < C; c++) {
            let a = 0;
            let lo = x[c];
            let hi = lo;
            for (let i = c; i < n; i += cols) {
              a = Math.max(a, Math.abs(x[i]));
              lo = Math.min(lo, x[i]);
              hi = Math.max(hi, x[i]);
            }
            const what = `[${rows}, ${cols}]-${trim} column ${c}`;
            expect(Object.is(h.f32(ma, C)[c], Math.fround(a)), `${what} max-abs`).toBe(true);
            expect(Object.is(h.f32(mn, C)[c], lo), `${what} min ${h.f32(mn, C)[c]} vs ${lo}`).toBe(true);
            expect(Object.is(h.f32(mx, C)[c], hi), `${what} max ${h.f32(mx, C)[c]} vs ${hi}`).toBe(true);
          }
          // a NaN in one column makes that column's max-abs NaN, the others unchanged
          if (n > 1) {
            const y = x.slice();
            const at = n - 1;
            y[at] = NaN;
            h.reset();
            const yp = h.put(y);
            const out = h.alloc(C * 4);
            h.k.colMaxAbsF32(yp, n, cols, out);
            expect(Number.isNaN(h.f32(out, C)[at % cols]), 'NaN column').toBe(true);
          }
        }
      }
    });

    it('n = 0 or cols < 1 writes nothing', () => {
      h.reset();
      const xp = h.put(Float32Array.of(1, 2, 3, 4));
      const sp = h.put(Float32Array.of(1, 1, 1, 1));
      const op = h.alloc(16);
      h.u8(op, 16).fill(0xee);
      h.k.quantizeColsF32(xp, 0, 4, sp, 0, -128, 127, 8, op);
      h.k.quantizeColsF32(xp, 4, 0, sp, 0, -128, 127, 8, op);
      h.k.dequantizeColsF32(xp, 0, 4, sp, 0, 8, 1, op);
      h.k.colMaxAbsF32(xp, 0, 4, op);
      h.k.colMinMaxF32(xp, 4, 0, op, op + 8);
      expect(Array.from(h.u8(op, 16))).toEqual(new Array(16).fill(0xee));
    });
  });
}
