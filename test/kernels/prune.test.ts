import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, LENGTHS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';

// Magnitude pruning: out[i] = |w[i]| <= t ? +0 : w[i], bitmask of kept
// values, kept count. Integer/bit outputs: compared bit for bit against a
// plain-JS oracle and across backends.

type FA = Float32Array | Float64Array;

function makeWeights(n: number, seed: number, f64: boolean): FA {
  const r = rng(seed);
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.05) a[i] = r() < 0.5 ? 0 : -0;
    else if (u < 0.1) a[i] = r() < 0.5 ? 0.25 : -0.25; // exactly at a tested threshold
    else a[i] = (r() - 0.5) * 2;
  }
  return a;
}

/** Raw bytes of a typed array (bit-level comparison, -0 included). */
const bytes = (a: FA) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function oracle(w: FA, t: number): { out: Uint8Array; mask: Uint8Array; kept: number } {
  const n = w.length;
  const f64 = w instanceof Float64Array;
  const tt = f64 ? t : Math.fround(t);
  const out = f64 ? new Float64Array(n) : new Float32Array(n);
  const mask = new Uint8Array(Math.ceil(n / 8));
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const keep = !(Math.abs(w[i]) <= tt);
    out[i] = keep ? w[i] : 0;
    if (keep) {
      kept++;
      mask[Math.floor(i / 8)] += 2 ** (i % 8);
    }
  }
  return { out: bytes(out).slice(), mask, kept };
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

interface Res {
  out: Uint8Array;
  mask: Uint8Array | null;
  kept: number;
}

function run(h: KernelHarness, w: FA, t: number, opts: { inPlace: boolean; mask: boolean }): Res {
  h.reset();
  const f64 = w instanceof Float64Array;
  const n = w.length;
  const es = f64 ? 8 : 4;
  const mb = Math.ceil(n / 8);
  const wp = h.put(w);
  const op = opts.inPlace ? wp : h.alloc(n * es + 16);
  const mp = opts.mask ? h.alloc(mb + 16) : 0;
  if (!opts.inPlace) h.u8(op, n * es + 16).fill(0xcd);
  if (opts.mask) h.u8(mp, mb + 16).fill(0xab);
  const kept = f64 ? h.k.pruneF64(wp, n, t, op, mp) : h.k.pruneF32(wp, n, t, op, mp);
  if (!opts.inPlace) {
    expect(Array.from(h.u8(op + n * es, 16)), 'bytes past out untouched').toEqual(new Array(16).fill(0xcd));
    expect(firstDiff(h.u8(wp, n * es), bytes(w)), 'input untouched when not in place').toBe(-1);
  }
  if (opts.mask) expect(Array.from(h.u8(mp + mb, 16)), 'bytes past the mask untouched').toEqual(new Array(16).fill(0xab));
  return { out: h.u8(op, n * es).slice(), mask: opts.mask ? h.u8(mp, mb).slice() : null, kept };
}

const THRESHOLDS = [0.25, 0, -1, 0.1, 0.7, 5];

for (const b of BACKENDS) {
  describe(`prune kernels (${b})`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(b);
    });

    for (const f64 of [false, true]) {
      const T = f64 ? 'F64' : 'F32';
      it(`${T}: every length, threshold, in place or not, with and without mask`, () => {
        for (const n of LENGTHS) {
          const w = makeWeights(n, 500 + n, f64);
          for (const t of THRESHOLDS) {
            const o = oracle(w, t);
            for (const inPlace of [false, true]) {
              for (const mask of [true, false]) {
                const r = run(h, w, t, { inPlace, mask });
                const what = `${T} n=${n} t=${t} inPlace=${inPlace} mask=${mask}`;
                expect(r.kept, `${what} kept`).toBe(o.kept);
                expect(firstDiff(r.out, o.out), `${what} out`).toBe(-1);
                if (r.mask) expect(firstDiff(r.mask, o.mask), `${what} mask`).toBe(-1);
              }
            }
          }
        }
      });

      it(`${T}: signed zeros: pruned to +0 for t >= 0, kept as is for t < 0`, () => {
        const w = f64 ? new Float64Array(21) : new Float32Array(21);
        for (let i = 0; i < 21; i++) w[i] = i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : -(i + 1);
        const r0 = run(h, w, 0, { inPlace: false, mask: true });
        const out0 = f64 ? new Float64Array(r0.out.buffer) : new Float32Array(r0.out.buffer);
        for (let i = 0; i < 21; i++) expect(Object.is(out0[i], i % 3 === 2 ? w[i] : 0), `t=0 [${i}] = ${out0[i]}`).toBe(true);
        expect(r0.kept).toBe(7);
        const rn = run(h, w, -1, { inPlace: false, mask: true });
        const outn = f64 ? new Float64Array(rn.out.buffer) : new Float32Array(rn.out.buffer);
        for (let i = 0; i < 21; i++) expect(Object.is(outn[i], w[i]), `t=-1 [${i}]`).toBe(true);
        expect(rn.kept).toBe(21);
        // 21 bits, all set: 0xff 0xff 0x1f (high bits of the last byte 0)
        expect(Array.from(rn.mask!)).toEqual([0xff, 0xff, 0x1f]);
      });

      it(`${T}: returns -1 when any value is NaN or ±Infinity (SIMD body or tail)`, () => {
        for (const n of [1, 15, 16, 17, 33, 1000]) {
          for (const at of [0, n >> 1, n - 1]) {
            for (const bad of [NaN, Infinity, -Infinity]) {
              const w = f64 ? new Float64Array(n).fill(0.25) : new Float32Array(n).fill(0.25);
              w[at] = bad;
              for (const mask of [true, false]) expect(run(h, w, 0.1, { inPlace: false, mask }).kept, `n=${n} at=${at} ${bad}`).toBe(-1);
            }
          }
          const ok = f64 ? new Float64Array(n).fill(f64 ? Number.MAX_VALUE : 0) : new Float32Array(n).fill(3.4028234663852886e38);
          expect(run(h, ok, 0.1, { inPlace: false, mask: true }).kept).toBe(n);
        }
      });

      it(`${T}: hand-made mask layout`, () => {
        // kept where |w| > 0.5: indices 0, 3, 8, 9, 17
        const vals = new Array(18).fill(0.1);
        for (const i of [0, 3, 8, 9, 17]) vals[i] = i % 2 ? -2 : 2;
        const w = f64 ? Float64Array.from(vals) : Float32Array.from(vals);
        const r = run(h, w, 0.5, { inPlace: true, mask: true });
        expect(r.kept).toBe(5);
        expect(Array.from(r.mask!)).toEqual([0b00001001, 0b00000011, 0b00000010]);
      });
    }

    it('F32: t is rounded to f32 at the call (0.1 is not an f32)', () => {
      // w = fround(0.1) equals fround(t): |w| <= t in f32, so pruned; in f64, 0.1 < fround(0.1) would keep it
      const w = new Float32Array(19).fill(Math.fround(0.1));
      const r = run(h, w, 0.1, { inPlace: false, mask: true });
      expect(r.kept).toBe(0);
      expect(Array.from(r.mask!)).toEqual([0, 0, 0]);
    });
  });
}

describe('prune kernels: wasm vs twin bit-identical', () => {
  let w: KernelHarness;
  let j: KernelHarness;
  beforeAll(async () => {
    w = await kernelHarness('wasm');
    j = await kernelHarness('js');
  });
  for (const f64 of [false, true]) {
    it(f64 ? 'F64' : 'F32', () => {
      for (const n of LENGTHS) {
        const x = makeWeights(n, 900 + n, f64);
        for (const t of THRESHOLDS) {
          for (const mask of [true, false]) {
            const a = run(w, x, t, { inPlace: false, mask });
            const b = run(j, x, t, { inPlace: false, mask });
            expect(a.kept, `n=${n} t=${t}`).toBe(b.kept);
            expect(firstDiff(a.out, b.out), `n=${n} t=${t} out`).toBe(-1);
            if (mask) expect(firstDiff(a.mask!, b.mask!), `n=${n} t=${t} mask`).toBe(-1);
          }
        }
      }
    });
  }
});
