import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, LENGTHS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';

// quantizeF32 / dequantizeF32: integer outputs bit for bit against a plain-JS
// oracle (its own round-half-even, its own packing arithmetic) and across
// backends; ties to even; saturation; every width 2..8, symmetric, affine and
// mixed ranges; packing layout on hand-made examples; the round trip stays
// within s/2.

// ------------------------------------------------------------------ oracle
/** Round half to even by floor and fraction (independent of the twin's Math.round fix). */
function rheOracle(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1; // exact tie (or +-Infinity, which passes through)
}
const slotOf = (bits: number) => (bits >= 5 ? 8 : bits >= 3 ? 4 : 2);
const packedBytes = (n: number, bits: number) => Math.ceil((n * slotOf(bits)) / 8);

interface QParams {
  seg: number;
  scales: Float32Array;
  zps: Int32Array | null;
  qmin: number;
  qmax: number;
  bits: number;
}

function oracleQ(x: Float32Array, p: QParams): { q: number[]; packed: Uint8Array } {
  const slot = slotOf(p.bits);
  const M = 2 ** slot;
  const packed = new Uint8Array(packedBytes(x.length, p.bits));
  const q: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const g = Math.floor(i / p.seg);
    const s = p.scales[g];
    const z = p.zps ? p.zps[g] : 0;
    let v = rheOracle(Math.fround(x[i] / s)) + z;
    v = Math.min(Math.max(v, p.qmin), p.qmax);
    q.push(v);
    const bitPos = i * slot;
    packed[Math.floor(bitPos / 8)] += (((v % M) + M) % M) * 2 ** (bitPos % 8);
  }
  return { q, packed };
}

function oracleDQ(packed: Uint8Array, n: number, p: { seg: number; scales: Float32Array; zps: Int32Array | null; bits: number; signed: boolean }): Float32Array {
  const slot = slotOf(p.bits);
  const M = 2 ** slot;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const bitPos = i * slot;
    let q = Math.floor(packed[Math.floor(bitPos / 8)] / 2 ** (bitPos % 8)) % M;
    if (p.signed && q >= M / 2) q -= M;
    const g = Math.floor(i / p.seg);
    out[i] = Math.fround((q - (p.zps ? p.zps[g] : 0)) * p.scales[g]);
  }
  return out;
}

// ------------------------------------------------------------------ runners
function quant(h: KernelHarness, x: Float32Array, p: QParams): Uint8Array {
  h.reset();
  const n = x.length;
  const nb = packedBytes(n, p.bits);
  const xp = h.put(x);
  const sp = h.put(p.scales.length ? p.scales : new Float32Array(1));
  const zp = p.zps ? h.put(p.zps.length ? p.zps : new Int32Array(1)) : 0;
  const op = h.alloc(nb + 16);
  h.u8(op, nb + 16).fill(0xee);
  h.k.quantizeF32(xp, n, p.seg, sp, zp, p.qmin, p.qmax, p.bits, op);
  expect(Array.from(h.u8(op + nb, 16)), 'bytes past the output untouched').toEqual(new Array(16).fill(0xee));
  expect(firstDiff(h.u8(xp, n * 4), bits32(x)), 'input untouched').toBe(-1);
  return h.u8(op, nb).slice();
}

function dequant(h: KernelHarness, packed: Uint8Array, n: number, p: { seg: number; scales: Float32Array; zps: Int32Array | null; bits: number; signed: boolean }): Float32Array {
  h.reset();
  const qp = h.put(packed.length ? packed : new Uint8Array(1));
  const sp = h.put(p.scales.length ? p.scales : new Float32Array(1));
  const zp = p.zps ? h.put(p.zps.length ? p.zps : new Int32Array(1)) : 0;
  const op = h.alloc(n * 4 + 16);
  h.u8(op, n * 4 + 16).fill(0xee);
  h.k.dequantizeF32(qp, n, p.seg, sp, zp, p.bits, p.signed ? 1 : 0, op);
  expect(Array.from(h.u8(op + n * 4, 16)), 'bytes past the output untouched').toEqual(new Array(16).fill(0xee));
  return h.f32(op, n).slice();
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
const bits32 = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

// ------------------------------------------------------------------ data
function makeX(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.03) x[i] = r() < 0.5 ? 0 : -0;
    else x[i] = (r() - 0.5) * 2 ** Math.floor(r() * 8 - 3);
  }
  return x;
}

type Scheme = 'symmetric' | 'affine' | 'mixed';

/** Per-segment scales (and zero points) sized so that some values saturate. */
function makeParams(x: Float32Array, seg: number, bits: number, scheme: Scheme, seed: number): QParams {
  const r = rng(seed);
  const n = x.length;
  const G = n === 0 ? 0 : Math.ceil(n / seg);
  const scales = new Float32Array(G);
  const zps = scheme === 'symmetric' ? null : new Int32Array(G);
  let qmin: number, qmax: number;
  if (scheme === 'symmetric') [qmin, qmax] = [-(2 ** (bits - 1)), 2 ** (bits - 1) - 1];
  else if (scheme === 'affine') [qmin, qmax] = [0, 2 ** bits - 1];
  else [qmin, qmax] = [-(2 ** (bits - 1)), 2 ** bits - 1]; // mixed signs: stored as q & mask
  for (let g = 0; g < G; g++) {
    let lo = 0;
    let hi = 0;
    for (let i = g * seg; i < Math.min(n, (g + 1) * seg); i++) {
      lo = Math.min(lo, x[i]);
      hi = Math.max(hi, x[i]);
    }
    const shrink = 0.6 + 0.6 * r(); // < 1: the extremes saturate
    if (scheme === 'symmetric') {
      scales[g] = Math.max(Math.max(-lo, hi) / qmax, 1e-6) * shrink;
    } else {
      const s = Math.max((hi - lo) / (qmax - qmin), 1e-6) * shrink;
      scales[g] = s;
      const zNatural = Math.min(qmax, Math.max(qmin, rheOracle(qmin - Math.fround(lo / scales[g]))));
      zps![g] = scheme === 'affine' ? zNatural : Math.floor((r() - 0.5) * 2 * 2 ** bits); // mixed: any z in +-2^bits
    }
  }
  return { seg, scales, zps, qmin, qmax, bits };
}

const segsFor = (n: number) => [...new Set([1, 3, 4, 32, Math.max(n, 1)])];
const BITS = [2, 3, 4, 5, 6, 7, 8];
const SCHEMES: Scheme[] = ['symmetric', 'affine', 'mixed'];

// ------------------------------------------------------------------ tests
for (const b of BACKENDS) {
  describe(`quantize kernels (${b})`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(b);
    });

    for (const scheme of SCHEMES) {
      it(`quantizeF32 ${scheme}: every width, length and segment size matches the oracle`, () => {
        for (const n of LENGTHS) {
          const x = makeX(n, 3 + n);
          for (const seg of segsFor(n)) {
            for (const bits of BITS) {
              const p = makeParams(x, seg, bits, scheme, n * 7 + seg + bits);
              const got = quant(h, x, p);
              const want = oracleQ(x, p).packed;
              const d = firstDiff(got, want);
              if (d !== -1) expect.fail(`${scheme} n=${n} seg=${seg} bits=${bits}: byte ${d} is ${got[d]}, want ${want[d]}`);
            }
          }
        }
      });

      it(`dequantizeF32 ${scheme}: every width, length and segment size matches the oracle (all bit patterns)`, () => {
        for (const n of LENGTHS) {
          const x = makeX(n, 5 + n);
          for (const seg of segsFor(n)) {
            for (const bits of BITS) {
              const p = makeParams(x, seg, bits, scheme, n * 3 + seg + bits);
              const r = rng(n + bits);
              const packed = new Uint8Array(packedBytes(n, bits)).map(() => Math.floor(r() * 256));
              for (const signed of [true, false]) {
                const dp = { seg, scales: p.scales, zps: p.zps, bits, signed };
                const got = dequant(h, packed, n, dp);
                const want = oracleDQ(packed, n, dp);
                const d = firstDiff(bits32(got), bits32(want));
                if (d !== -1) expect.fail(`${scheme} n=${n} seg=${seg} bits=${bits} signed=${signed}: element ${d >> 2} is ${got[d >> 2]}, want ${want[d >> 2]}`);
              }
            }
          }
        }
      });
    }

    it('segments longer or shorter than the 4096-value work blocks, starting anywhere inside one', () => {
      // the wasm kernel walks segments block by block (a segment may start
      // mid-block and span several blocks): every width, both directions
      const n = 3 * 4096 + 77;
      const x = makeX(n, 4242);
      for (const seg of [5, 4095, 4097, 5000, 9000]) {
        for (const bits of [2, 4, 8]) {
          const p = makeParams(x, seg, bits, 'affine', seg + bits);
          const got = quant(h, x, p);
          const want = oracleQ(x, p).packed;
          const d = firstDiff(got, want);
          if (d !== -1) expect.fail(`quantize seg=${seg} bits=${bits}: byte ${d} is ${got[d]}, want ${want[d]}`);
          for (const signed of [true, false]) {
            const dp = { seg, scales: p.scales, zps: p.zps, bits, signed };
            const dq = dequant(h, got, n, dp);
            const dwant = oracleDQ(got, n, dp);
            const e = firstDiff(bits32(dq), bits32(dwant));
            if (e !== -1) expect.fail(`dequantize seg=${seg} bits=${bits} signed=${signed}: element ${e >> 2} is ${dq[e >> 2]}, want ${dwant[e >> 2]}`);
          }
        }
      }
    });

    it('ties round to even, before the zero point is added', () => {
      const ratios = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, -3.5, 4.5, -4.5, 10.5, -11.5];
      const even = [0, 2, 2, 0, -2, -2, 4, -4, 4, -4, 10, -12];
      for (const s of [0.25, 1, 3, 6]) {
        // 37 values: through the SIMD body and the scalar tails
        const x = Float32Array.from({ length: 37 }, (_, i) => ratios[i % ratios.length] * s);
        for (const z of [0, 1, -3]) {
          const p: QParams = { seg: 37, scales: Float32Array.of(s), zps: Int32Array.of(z), qmin: -128, qmax: 127, bits: 8 };
          const got = new Int8Array(quant(h, x, p).buffer);
          for (let i = 0; i < 37; i++) expect(got[i], `s=${s} z=${z} x/s=${ratios[i % ratios.length]}`).toBe(even[i % ratios.length] + z);
        }
      }
      // 0.49999997 (the f32 below 0.5) rounds to 0, 0.50000006 to 1
      const x = Float32Array.of(0.49999997, 0.50000006, -0.49999997, -0.50000006, 2.4999998, 2.5000002);
      const got = new Int8Array(quant(h, x, { seg: 6, scales: Float32Array.of(1), zps: null, qmin: -128, qmax: 127, bits: 8 }).buffer);
      expect(Array.from(got)).toEqual([0, 1, 0, -1, 2, 3]);
    });

    it('the division is one f32 division (no reciprocal multiply)', () => {
      // x / s vs x * (1 / s) differ in f32 for these pairs; the oracle decides
      const r = rng(99);
      const x = Float32Array.from({ length: 4099 }, () => (r() - 0.5) * 200);
      const p: QParams = { seg: 4099, scales: Float32Array.of(0.3), zps: null, qmin: -128, qmax: 127, bits: 8 };
      expect(firstDiff(quant(h, x, p), oracleQ(x, p).packed)).toBe(-1);
    });

    it('saturates at qmin / qmax, including x / s overflowing to +-Infinity', () => {
      const x = Float32Array.of(1e30, -1e30, 3.4028234663852886e38, -3.4028234663852886e38, 127.6, -128.6, 200, -200, 126.4, -127.4, 0, 1, 2, 3, 4, 5, 6);
      const got = new Int8Array(quant(h, x, { seg: 17, scales: Float32Array.of(1), zps: null, qmin: -128, qmax: 127, bits: 8 }).buffer);
      expect(Array.from(got)).toEqual([127, -128, 127, -128, 127, -128, 127, -128, 126, -127, 0, 1, 2, 3, 4, 5, 6]);
      const tiny = new Int8Array(quant(h, x, { seg: 17, scales: Float32Array.of(1e-38), zps: null, qmin: -127, qmax: 127, bits: 8 }).buffer);
      expect(Array.from(tiny)).toEqual([127, -127, 127, -127, 127, -127, 127, -127, 127, -127, 0, 127, 127, 127, 127, 127, 127]);
      // uint8 affine with zero point 128
      const u = quant(h, x, { seg: 17, scales: Float32Array.of(1), zps: Int32Array.of(128), qmin: 0, qmax: 255, bits: 8 });
      expect(Array.from(u)).toEqual([255, 0, 255, 0, 255, 0, 255, 0, 254, 1, 128, 129, 130, 131, 132, 133, 134]);
      // 4-bit symmetric [-8, 7]
      const q4 = quant(h, Float32Array.of(100, -100, 7.4, -8.4, 7.6, -8.6), { seg: 6, scales: Float32Array.of(1), zps: null, qmin: -8, qmax: 7, bits: 4 });
      expect(Array.from(q4)).toEqual([0x7 | (0x8 << 4), 0x7 | (0x8 << 4), 0x7 | (0x8 << 4)]);
    });

    it('packing layout, hand-made examples', () => {
      const one = Float32Array.of(1);
      const q = (vals: number[], qmin: number, qmax: number, bits: number, z = 0) =>
        Array.from(quant(h, Float32Array.from(vals), { seg: vals.length, scales: one, zps: z ? Int32Array.of(z) : null, qmin, qmax, bits }));
      // 8-bit two's complement / plain uint8
      expect(q([-1, 127, -128, 5], -128, 127, 8)).toEqual([0xff, 0x7f, 0x80, 0x05]);
      expect(q([255, 0, 200], 0, 255, 8)).toEqual([255, 0, 200]);
      // 5..7 bits: still one value per byte, two's complement in the byte
      expect(q([-16, 15, -1], -16, 15, 5)).toEqual([0xf0, 0x0f, 0xff]);
      // 4-bit signed: element 0 in the low nibble; odd n leaves the top nibble 0
      expect(q([1, -2, 7, -8, 3], -8, 7, 4)).toEqual([0xe1, 0x87, 0x03]);
      // 4-bit unsigned
      expect(q([15, 0, 9], 0, 15, 4)).toEqual([0x0f, 0x09]);
      // 3-bit uses 4-bit slots: -4 -> 0b1100
      expect(q([-4, 3, -1], -4, 3, 3)).toEqual([0x3c, 0x0f]);
      // 2-bit: element i in bits 2*(i&3); [1, -2, 0, -1] -> 1 | 2<<2 | 0<<4 | 3<<6 = 0xc9; then [1] -> 0x01
      expect(q([1, -2, 0, -1, 1], -2, 1, 2)).toEqual([0xc9, 0x01]);
      expect(q([3, 2, 1, 0, 3, 3], 0, 3, 2)).toEqual([0x1b, 0x0f]);
      // the same bytes dequantize back
      const dq = (bytes: number[], n: number, bits: number, signed: boolean) =>
        Array.from(dequant(h, Uint8Array.from(bytes), n, { seg: n, scales: one, zps: null, bits, signed }));
      expect(dq([0xe1, 0x87, 0x03], 5, 4, true)).toEqual([1, -2, 7, -8, 3]);
      expect(dq([0xe1, 0x87, 0x03], 5, 4, false)).toEqual([1, 14, 7, 8, 3]);
      expect(dq([0xc9, 0x01], 5, 2, true)).toEqual([1, -2, 0, -1, 1]);
      expect(dq([0xc9, 0x01], 5, 2, false)).toEqual([1, 2, 0, 3, 1]);
      expect(dq([0xff, 0x7f, 0x80], 3, 8, true)).toEqual([-1, 127, -128]);
      expect(dq([0xff, 0x7f, 0x80], 3, 8, false)).toEqual([255, 127, 128]);
    });

    it('dequantize(quantize(x)) is within s/2 of x inside the range, for every width', () => {
      const n = 10007;
      const r = rng(4242);
      const x = Float32Array.from({ length: n }, () => (r() - 0.5) * 6);
      for (const bits of BITS) {
        for (const seg of [32, 1000, n]) {
          for (const scheme of ['symmetric', 'affine'] as const) {
            const G = Math.ceil(n / seg);
            let qmin: number, qmax: number;
            const scales = new Float32Array(G);
            const zps = scheme === 'affine' ? new Int32Array(G) : null;
            if (scheme === 'symmetric') [qmin, qmax] = [-(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1];
            else [qmin, qmax] = [0, 2 ** bits - 1];
            for (let g = 0; g < G; g++) {
              let lo = 0;
              let hi = 0;
              for (let i = g * seg; i < Math.min(n, (g + 1) * seg); i++) {
                lo = Math.min(lo, x[i]);
                hi = Math.max(hi, x[i]);
              }
              if (scheme === 'symmetric') scales[g] = Math.max(-lo, hi) / qmax;
              else {
                scales[g] = (hi - lo) / (qmax - qmin);
                zps![g] = Math.min(qmax, Math.max(qmin, rheOracle(-lo / scales[g])));
              }
            }
            const p: QParams = { seg, scales, zps, qmin, qmax, bits };
            const packed = quant(h, x, p);
            const y = dequant(h, packed, n, { seg, scales, zps, bits, signed: qmin < 0 });
            for (let i = 0; i < n; i++) {
              const g = Math.floor(i / seg);
              const s = scales[g];
              const z = zps ? zps[g] : 0;
              if (x[i] < (qmin - z) * s || x[i] > (qmax - z) * s) continue; // outside the representable range: saturates
              const err = Math.abs(y[i] - x[i]);
              if (!(err <= s / 2 + Math.abs(x[i]) * 2 ** -22)) expect.fail(`${scheme} bits=${bits} seg=${seg} [${i}]: x=${x[i]} y=${y[i]} s=${s}`);
            }
          }
        }
      }
    });

    it('n = 0 writes nothing', () => {
      for (const bits of [2, 4, 8]) {
        expect(quant(h, new Float32Array(0), { seg: 1, scales: new Float32Array(0), zps: null, qmin: -8, qmax: 7, bits }).length).toBe(0);
        expect(dequant(h, new Uint8Array(0), 0, { seg: 1, scales: new Float32Array(0), zps: null, bits, signed: true }).length).toBe(0);
      }
    });
  });
}

describe('quantize kernels: wasm vs twin bit-identical', () => {
  let w: KernelHarness;
  let j: KernelHarness;
  beforeAll(async () => {
    w = await kernelHarness('wasm');
    j = await kernelHarness('js');
  });
  for (const scheme of SCHEMES) {
    it(scheme, () => {
      for (const n of LENGTHS) {
        const x = makeX(n, 11 + n);
        for (const seg of segsFor(n)) {
          for (const bits of BITS) {
            const p = makeParams(x, seg, bits, scheme, n + seg * 3 + bits);
            const a = quant(w, x, p);
            const b = quant(j, x, p);
            const d = firstDiff(a, b);
            if (d !== -1) expect.fail(`quantize ${scheme} n=${n} seg=${seg} bits=${bits}: byte ${d}: wasm ${a[d]} twin ${b[d]}`);
            for (const signed of [true, false]) {
              const dp = { seg, scales: p.scales, zps: p.zps, bits, signed };
              const fa = dequant(w, a, n, dp);
              const fb = dequant(j, a, n, dp);
              const e = firstDiff(bits32(fa), bits32(fb));
              if (e !== -1) expect.fail(`dequantize ${scheme} n=${n} seg=${seg} bits=${bits} signed=${signed}: element ${e >> 2}: wasm ${fa[e >> 2]} twin ${fb[e >> 2]}`);
            }
          }
        }
      }
    });
  }
});
