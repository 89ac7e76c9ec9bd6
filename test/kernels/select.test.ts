import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, LENGTHS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';

// k-th largest |w|: exact, compared with sorting (the oracle) and across
// backends; duplicates, ties, signed zeros, values that differ only in their
// lowest bits (deep radix levels), k = 1 and k = n.

type FA = Float32Array | Float64Array;

function kth(h: KernelHarness, w: FA, k: number): number {
  h.reset();
  const f64 = w instanceof Float64Array;
  const n = w.length;
  const wp = h.put(w);
  const sp = h.alloc(Math.max(n, 1) * (f64 ? 8 : 4));
  const before = new Uint8Array(h.u8(wp, w.byteLength));
  const v = f64 ? h.k.kthAbsF64(wp, n, k, sp) : h.k.kthAbsF32(wp, n, k, sp);
  const after = h.u8(wp, w.byteLength);
  for (let i = 0; i < after.length; i++) if (after[i] !== before[i]) expect.fail(`input modified at byte ${i}`);
  return v;
}

/** Oracle: sort |w| descending, take index k - 1. */
function sorted(w: FA): Float64Array {
  return Float64Array.from(w, Math.abs).sort().reverse();
}

type Gen = (r: () => number, n: number, f64: boolean) => FA;
const GENS: Record<string, Gen> = {
  uniform: (r, n, f64) => {
    const a = f64 ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (r() - 0.5) * 4;
    return a;
  },
  'few distinct values (many ties, +-0)': (r, n, f64) => {
    const vals = [0, -0, 1, -1, 0.5, -0.5, 3, 1e-3];
    const a = f64 ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = vals[Math.floor(r() * vals.length)];
    return a;
  },
  'low bits only (deep levels)': (r, n, f64) => {
    // 1 + j * ulp: identical high bits, differing only in the lowest mantissa bits
    const a = f64 ? new Float64Array(n) : new Float32Array(n);
    const ulp = f64 ? 2 ** -52 : 2 ** -23;
    for (let i = 0; i < n; i++) a[i] = (r() < 0.5 ? -1 : 1) * (1 + Math.floor(r() * 3000) * ulp);
    return a;
  },
  'wide exponents': (r, n, f64) => {
    const a = f64 ? new Float64Array(n) : new Float32Array(n);
    const span = f64 ? 600 : 70;
    for (let i = 0; i < n; i++) a[i] = (r() - 0.5) * 2 ** Math.floor((r() - 0.5) * 2 * span);
    return a;
  },
  'all equal': (_r, n, f64) => (f64 ? new Float64Array(n).fill(-2.5) : new Float32Array(n).fill(-2.5)),
  'all zeros (+0 and -0)': (r, n, f64) => {
    const a = f64 ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = r() < 0.5 ? -0 : 0;
    return a;
  },
};

function ksFor(n: number, r: () => number): number[] {
  const ks = new Set([1, n, Math.ceil(n / 2), Math.max(1, n - 1), Math.min(n, 2)]);
  for (let i = 0; i < 3; i++) ks.add(1 + Math.floor(r() * n));
  return [...ks];
}

for (const b of BACKENDS) {
  describe(`kthAbs (${b})`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(b);
    });

    for (const f64 of [false, true]) {
      const T = f64 ? 'F64' : 'F32';
      for (const [name, gen] of Object.entries(GENS)) {
        it(`${T} ${name}: matches sorting at every length`, () => {
          for (const n of LENGTHS) {
            if (n === 0) continue;
            const r = rng(31 * n + name.length);
            const w = gen(r, n, f64);
            const s = sorted(w);
            for (const k of ksFor(n, r)) {
              const v = kth(h, w, k);
              if (!Object.is(v, s[k - 1])) expect(v, `${T} ${name} n=${n} k=${k}`).toBe(s[k - 1]);
            }
          }
        });
      }

      // n >= 2^17 takes the WASM kernel's sampled bracketing path (exact either way)
      for (const [name, gen] of Object.entries(GENS)) {
        it(`${T} ${name}: large n (sampled path) matches sorting`, () => {
          for (const n of [131072, 300007]) {
            const r = rng(13 * n + name.length);
            const w = gen(r, n, f64);
            const s = sorted(w);
            for (const k of ksFor(n, r)) {
              const v = kth(h, w, k);
              if (!Object.is(v, s[k - 1])) expect(v, `${T} ${name} n=${n} k=${k}`).toBe(s[k - 1]);
            }
          }
        });
      }

      it(`${T}: large n where a strided sample misleads (exact fallback)`, () => {
        // the values a stride-20 sample sees are all large, the rest small
        const n = 16384 * 20;
        const r = rng(5);
        const w = f64 ? new Float64Array(n) : new Float32Array(n);
        for (let i = 0; i < n; i++) w[i] = i % 20 === 10 ? -(100 + (i % 977)) : r() - 0.5;
        for (let i = 0; i < n; i += 19) w[i] = 100 + (i % 13); // and a few more everywhere
        const s = sorted(w);
        for (const k of [1, 2, 100, 16384, 20000, n >> 1, n - 1, n]) {
          expect(kth(h, w, k), `k=${k}`).toBe(s[k - 1]);
        }
      });

      it(`${T}: a zero result is +0`, () => {
        const w = f64 ? Float64Array.from([-0, -0, -0, 1]) : Float32Array.from([-0, -0, -0, 1]);
        expect(Object.is(kth(h, w, 4), 0)).toBe(true);
        expect(Object.is(kth(h, w, 2), 0)).toBe(true);
        expect(kth(h, w, 1)).toBe(1);
      });

      it(`${T}: k out of range gives NaN`, () => {
        const w = f64 ? Float64Array.from([1, 2, 3]) : Float32Array.from([1, 2, 3]);
        expect(kth(h, w, 0)).toBeNaN();
        expect(kth(h, w, 4)).toBeNaN();
        expect(kth(h, w.subarray(0, 0) as FA, 1)).toBeNaN();
      });

      it(`${T}: every k of a small array with ties`, () => {
        const w = f64 ? Float64Array.from([3, -1, 2, -3, 0, 2, -2, 1, -0, 3, 7]) : Float32Array.from([3, -1, 2, -3, 0, 2, -2, 1, -0, 3, 7]);
        const s = sorted(w);
        for (let k = 1; k <= w.length; k++) expect(kth(h, w, k), `k=${k}`).toBe(s[k - 1]);
      });
    }
  });
}

describe('kthAbs: wasm vs twin bit-identical', () => {
  let w: KernelHarness;
  let j: KernelHarness;
  beforeAll(async () => {
    w = await kernelHarness('wasm');
    j = await kernelHarness('js');
  });
  for (const f64 of [false, true]) {
    it(f64 ? 'F64' : 'F32', () => {
      for (const [name, gen] of Object.entries(GENS)) {
        for (const n of [1, 17, 1000, 100003, 300007]) {
          const r = rng(7 * n + name.length);
          const x = gen(r, n, f64);
          for (const k of ksFor(n, r)) {
            const a = kth(w, x, k);
            const b = kth(j, x, k);
            expect(Object.is(a, b), `${name} n=${n} k=${k}: ${a} vs ${b}`).toBe(true);
          }
        }
      }
    });
  }
});
