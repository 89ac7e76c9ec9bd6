import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, LENGTHS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';
import { nmReferenceMask } from '../helpers/nm-reference.js';

// N:M pruning kernels: in each run of m along a row keep the n largest |w|
// (ties to the lower index; a row's short last run keeps min(n, len)); the
// mask, packed survivors and kept count are compared bit for bit with the
// TS implementation the kernels replaced (the oracle below) and across
// backends.

type FA = Float32Array | Float64Array;

/** n:m specs covering the SIMD paths (even m <= 32: f32 m = 4, m = 8, other multiples of 4, and the two-lane loop), the pairwise scalar path and the long-run search (m > 64). */
const SPECS: [number, number][] = [
  [2, 4], [4, 8], [1, 4], [3, 4], [3, 8], [1, 2], [2, 3], [1, 3], [5, 8], [8, 16], [3, 6], [16, 32], [7, 12], [3, 5], [4, 4], [1, 1],
  [1, 8], [7, 8], [1, 16], [15, 16], [5, 20], [31, 32],
  [4, 100], [60, 100], [1, 70],
];

/** Row lengths: 0 = one row of n; others cut rows that end mid-run and need not divide n. */
const ROWS = [0, 10, 7, 16, 13, 1000];

/** Weights with many ties (a few repeated magnitudes of both signs), ±0 and random values. */
function makeWeights(n: number, seed: number, f64: boolean): FA {
  const r = rng(seed);
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.1) a[i] = r() < 0.5 ? 0 : -0;
    else if (u < 0.4) a[i] = [0.5, -0.5, 0.25, -0.25, 1, -1][Math.floor(r() * 6)];
    else a[i] = (r() - 0.5) * 4;
  }
  return a;
}

/** Raw bytes of a typed array (bit-level comparison, -0 included). */
const bytes = (a: FA) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The replaced TS selection (test/helpers/nm-reference.ts) plus packing of the survivors in index order. */
function oracle(w: FA, nk: number, m: number, rowLen: number): { out: Uint8Array; mask: Uint8Array; kept: number } {
  const n = w.length;
  const mask = nmReferenceMask(w, nk, m, rowLen);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if ((mask[i >> 3] >> (i & 7)) & 1) kept.push(i);
  const out = w instanceof Float64Array ? new Float64Array(kept.length) : new Float32Array(kept.length);
  kept.forEach((i, j) => (out[j] = w[i]));
  return { out: bytes(out).slice(), mask, kept: kept.length };
}

/** Survivors expected from the layout alone: the sum over runs of min(n, len). */
function keptCount(n: number, nk: number, m: number, rowLen: number): number {
  if (rowLen <= 0 || rowLen > n) rowLen = n;
  let k = 0;
  for (let r0 = 0; r0 < n; r0 += rowLen) for (let g = r0; g < Math.min(n, r0 + rowLen); g += m) k += Math.min(nk, Math.min(n, r0 + rowLen) - g, m);
  return k;
}

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return -2;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

interface Res {
  out: Uint8Array;
  mask: Uint8Array;
  kept: number;
}

/** One kernel call with sentinels past out and mask (nothing may be written past them) and the input checked untouched. */
function run(h: KernelHarness, w: FA, nk: number, m: number, rowLen: number): Res {
  h.reset();
  const f64 = w instanceof Float64Array;
  const n = w.length;
  const es = f64 ? 8 : 4;
  const mb = (n + 7) >> 3;
  const cap = keptCount(n, nk, m, rowLen) * es;
  const wp = h.put(w);
  const op = h.alloc(cap + 32);
  const mp = h.alloc(mb + 16);
  h.u8(op, cap + 32).fill(0xcd);
  h.u8(mp, mb + 16).fill(0xab);
  const kept = f64 ? h.k.nmPruneF64(wp, n, rowLen, nk, m, op, mp) : h.k.nmPruneF32(wp, n, rowLen, nk, m, op, mp);
  expect(Array.from(h.u8(op + cap, 32)), 'bytes past out untouched').toEqual(new Array(32).fill(0xcd));
  expect(Array.from(h.u8(mp + mb, 16)), 'bytes past the mask untouched').toEqual(new Array(16).fill(0xab));
  expect(firstDiff(h.u8(wp, n * es), bytes(w)), 'input untouched').toBe(-1);
  return { out: h.u8(op, cap).slice(), mask: h.u8(mp, mb).slice(), kept };
}

for (const b of BACKENDS) {
  describe(`N:M prune kernels (${b})`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(b);
    });

    for (const f64 of [false, true]) {
      const T = f64 ? 'F64' : 'F32';
      it(`${T}: every length, n:m and row length matches the replaced TS implementation`, () => {
        for (const n of LENGTHS) {
          const w = makeWeights(n, 700 + n, f64);
          for (const [nk, m] of SPECS) {
            for (const rowLen of ROWS) {
              if (n > 20000 && rowLen !== 0 && rowLen !== 10 && rowLen !== 1000) continue; // keep the big case quick
              const o = oracle(w, nk, m, rowLen);
              const r = run(h, w, nk, m, rowLen);
              const what = `${T} n=${n} ${nk}:${m} rowLen=${rowLen}`;
              expect(r.kept, `${what} kept`).toBe(o.kept);
              expect(r.kept, `${what} kept = layout count`).toBe(keptCount(n, nk, m, rowLen));
              expect(firstDiff(r.mask, o.mask), `${what} mask`).toBe(-1);
              expect(firstDiff(r.out, o.out), `${what} out`).toBe(-1);
            }
          }
        }
      });

      it(`${T}: ties go to the lower index, -0 ties +0, survivors keep their bits`, () => {
        const w = f64 ? Float64Array.from([-0, 0, 0, -0, 1, -1, 1, -1, 3, 2, 3, 2]) : Float32Array.from([-0, 0, 0, -0, 1, -1, 1, -1, 3, 2, 3, 2]);
        const r = run(h, w, 2, 4, 0);
        expect(r.kept).toBe(6);
        expect(Array.from(r.mask)).toEqual([0b00110011, 0b0101]);
        const out = f64 ? new Float64Array(r.out.buffer) : new Float32Array(r.out.buffer);
        expect(Array.from(out).map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual(['-0', '0', '1', '-1', '3', '3']);
      });

      it(`${T}: rows restart the runs; a short last run keeps min(n, len)`, () => {
        // rows of 6, runs of 4: [4 | 2] per row; 3:4 keeps 3 of the 4 and both of the 2
        const w = f64 ? Float64Array.from([1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1]) : Float32Array.from([1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1]);
        const r = run(h, w, 3, 4, 6);
        expect(r.kept).toBe(10);
        expect(Array.from(r.mask)).toEqual([0b11111110, 0b1101]);
      });

      it(`${T}: returns -1 on NaN / ±Infinity anywhere (SIMD runs, scalar runs, long runs), writing in bounds`, () => {
        for (const [nk, m] of [[2, 4], [4, 8], [8, 16], [3, 12], [1, 3], [4, 100]] as [number, number][]) {
          for (const n of [3, 17, 64, 301]) {
            for (const at of [0, n >> 1, n - 1]) {
              for (const bad of [NaN, Infinity, -Infinity]) {
                const w = makeWeights(n, 31 + at, f64);
                w[at] = bad;
                for (const rowLen of [0, 10]) expect(run(h, w, nk, m, rowLen).kept, `${nk}:${m} n=${n} at=${at} ${bad}`).toBe(-1);
              }
            }
          }
        }
      });

      it(`${T}: ±Infinity ranks above every finite value (the selection stays exact)`, () => {
        const w = makeWeights(203, 77, f64);
        w[5] = Infinity;
        w[90] = -Infinity;
        w[91] = Infinity;
        for (const [nk, m] of [[2, 4], [1, 3], [4, 100]] as [number, number][]) {
          const o = oracle(w, nk, m, 0);
          const r = run(h, w, nk, m, 0);
          expect(firstDiff(r.mask, o.mask), `${nk}:${m} mask`).toBe(-1);
          expect(firstDiff(r.out, o.out), `${nk}:${m} out`).toBe(-1);
        }
      });

      it(`${T}: largest finite values and subnormals order exactly`, () => {
        const big = f64 ? Number.MAX_VALUE : 3.4028234663852886e38;
        const tiny = f64 ? 5e-324 : 1.401298464324817e-45;
        const w = f64 ? new Float64Array(40) : new Float32Array(40);
        for (let i = 0; i < 40; i++) w[i] = [big, -tiny, tiny * 2, -big, 0][i % 5];
        for (const [nk, m] of [[2, 4], [3, 8], [1, 3]] as [number, number][]) {
          const o = oracle(w, nk, m, 0);
          const r = run(h, w, nk, m, 0);
          expect(r.kept).toBe(o.kept);
          expect(firstDiff(r.mask, o.mask), `${nk}:${m} mask`).toBe(-1);
          expect(firstDiff(r.out, o.out), `${nk}:${m} out`).toBe(-1);
        }
      });
    }
  });
}

describe('N:M prune kernels: wasm vs twin bit-identical', () => {
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
        for (const [nk, m] of SPECS) {
          for (const rowLen of [0, 10, 13]) {
            const a = run(w, x, nk, m, rowLen);
            const b = run(j, x, nk, m, rowLen);
            const what = `n=${n} ${nk}:${m} rowLen=${rowLen}`;
            expect(a.kept, what).toBe(b.kept);
            expect(firstDiff(a.mask, b.mask), `${what} mask`).toBe(-1);
            expect(firstDiff(a.out, b.out), `${what} out`).toBe(-1);
          }
        }
      }
    });
  }
});
