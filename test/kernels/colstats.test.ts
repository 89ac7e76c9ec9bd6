import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, LENGTHS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';
import { colStatsTwin } from '../../src/kernels/js/colstats.js';

// colStatsF64: per-column running sums (weighted, positive-weight rows only),
// minima and maxima, accumulated into the caller's buffers. The contract is
// bit-identical results across backends, so everything is compared with
// Object.is against an oracle written as column loops (a different loop order
// from both backends, the same per-column row order of the sum).

const LENS = LENGTHS.filter((n) => n <= 1000);
const WIDTHS = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65];
const GUARD = 8;

function makeX(n: number, d: number, seed: number): Float64Array {
  const r = rng(seed);
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) {
    const u = r();
    if (u < 0.03) x[i] = r() < 0.5 ? 0 : -0;
    else if (u < 0.06 && i > 0) x[i] = x[Math.floor(r() * i)];
    else x[i] = (r() - 0.5) * Math.pow(2, Math.floor(r() * 16) - 8);
  }
  return x;
}

function makeW(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    w[i] = u < 0.1 ? 0 : u < 0.13 ? -1 : u < 0.15 ? NaN : r() * 3;
  }
  return w;
}

function oracle(x: Float64Array, n: number, d: number, w: Float64Array | null): { sum: number[]; min: number[]; max: number[] } {
  const sum: number[] = [];
  const min: number[] = [];
  const max: number[] = [];
  for (let j = 0; j < d; j++) {
    let s = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let r = 0; r < n; r++) {
      if (w && !(w[r] > 0)) continue;
      const v = x[r * d + j];
      s += w ? w[r] * v : v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    sum.push(s);
    min.push(lo);
    max.push(hi);
  }
  return { sum, min, max };
}

interface Placed {
  xp: number;
  wp: number;
  sp: number;
  mnp: number;
  mxp: number;
}

function place(h: KernelHarness, x: Float64Array, w: Float64Array | null, d: number, offset8 = false): Placed {
  const put = (a: Float64Array): number => {
    const p = h.alloc(a.byteLength + 8) + (offset8 ? 8 : 0);
    h.f64(p, a.length).set(a);
    return p;
  };
  const out = (fill: number): number => {
    const p = h.alloc((d + GUARD) * 8 + 8) + (offset8 ? 8 : 0);
    h.f64(p, d).fill(fill);
    h.f64(p + d * 8, GUARD).fill(-0);
    return p;
  };
  return { xp: put(x), wp: w ? put(w) : 0, sp: out(0), mnp: out(Infinity), mxp: out(-Infinity) };
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what} [${i}]: got ${got[i]}, want ${want[i]}`);
}

function check(h: KernelHarness, p: Placed, d: number, o: { sum: number[]; min: number[]; max: number[] }, what: string): void {
  expectSame(h.f64(p.sp, d), o.sum, `${what} sum`);
  expectSame(h.f64(p.mnp, d), o.min, `${what} min`);
  expectSame(h.f64(p.mxp, d), o.max, `${what} max`);
  for (const g of [p.sp, p.mnp, p.mxp]) {
    if (!h.f64(g + d * 8, GUARD).every((v) => Object.is(v, -0))) expect.fail(`${what}: wrote past the end of an output`);
  }
}

for (const b of BACKENDS) {
  describe(`colStatsF64 [${b}]`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(b);
    });

    for (const d of WIDTHS) {
      it(`matches the oracle bit for bit, d=${d}, n in ${LENS.join(',')}, weights on/off`, () => {
        let seed = 500 + d;
        for (const n of LENS) {
          for (const weighted of [false, true]) {
            h.reset();
            const x = makeX(n, d, seed++);
            const w = weighted ? makeW(n, seed++) : null;
            const p = place(h, x, w, d);
            h.k.colStatsF64(p.xp, n, d, p.wp, p.sp, p.mnp, p.mxp);
            check(h, p, d, oracle(x, n, d, w), `n=${n} d=${d} w=${weighted}`);
          }
        }
      });
    }

    it('a single row and a single column of every length', () => {
      for (const len of LENS) {
        h.reset();
        const x = makeX(len, 1, 900 + len);
        const asRow = place(h, x, null, len);
        h.k.colStatsF64(asRow.xp, len > 0 ? 1 : 0, len, 0, asRow.sp, asRow.mnp, asRow.mxp);
        check(h, asRow, len, oracle(x, len > 0 ? 1 : 0, len, null), `one row of ${len}`);
        const asCol = place(h, x, null, 1);
        h.k.colStatsF64(asCol.xp, len, 1, 0, asCol.sp, asCol.mnp, asCol.mxp);
        check(h, asCol, 1, oracle(x, len, 1, null), `one column of ${len}`);
      }
    });

    it('accumulates: consecutive row blocks equal one call, bit for bit', () => {
      for (const d of [1, 3, 8, 17]) {
        for (const n of [5, 300, 1000]) {
          h.reset();
          const x = makeX(n, d, 40 * d + n);
          const w = makeW(n, 41 * d + n);
          const whole = place(h, x, w, d);
          h.k.colStatsF64(whole.xp, n, d, whole.wp, whole.sp, whole.mnp, whole.mxp);
          const parts = place(h, x, w, d);
          const k = Math.floor(n / 3);
          h.k.colStatsF64(parts.xp, k, d, parts.wp, parts.sp, parts.mnp, parts.mxp);
          h.k.colStatsF64(parts.xp + k * d * 8, n - k, d, parts.wp + k * 8, parts.sp, parts.mnp, parts.mxp);
          for (const [a, c] of [[whole.sp, parts.sp], [whole.mnp, parts.mnp], [whole.mxp, parts.mxp]] as const) {
            expectSame(h.f64(c, d), Array.from(h.f64(a, d)), `blocks d=${d} n=${n}`);
          }
        }
      }
    });

    it('NaN and ±Inf make the column sum non-finite; NaN never becomes a min or max', () => {
      for (const d of [1, 2, 5, 16]) {
        h.reset();
        const n = 37;
        const x = makeX(n, d, 70 + d);
        const bad = [NaN, Infinity, -Infinity];
        for (let j = 0; j < d; j++) x[((5 * j + 3) % n) * d + j] = bad[j % 3];
        const p = place(h, x, null, d);
        h.k.colStatsF64(p.xp, n, d, 0, p.sp, p.mnp, p.mxp);
        const o = oracle(x, n, d, null);
        check(h, p, d, o, `non-finite d=${d}`);
        for (let j = 0; j < d; j++) {
          expect(Number.isFinite(h.f64(p.sp, d)[j]), `sum col ${j}`).toBe(false);
          expect(Number.isNaN(h.f64(p.mnp, d)[j]) || Number.isNaN(h.f64(p.mxp, d)[j]), `min/max col ${j}`).toBe(false);
        }
      }
    });

    it('works with 8-byte (not 16-byte) aligned pointers', () => {
      for (const d of [3, 4, 7, 16]) {
        h.reset();
        const x = makeX(101, d, 60 + d);
        const w = makeW(101, 61 + d);
        const p = place(h, x, w, d, true);
        h.k.colStatsF64(p.xp, 101, d, p.wp, p.sp, p.mnp, p.mxp);
        check(h, p, d, oracle(x, 101, d, w), `offset8 d=${d}`);
      }
    });

    it('n = 0 or d = 0 is a no-op', () => {
      h.reset();
      const p = place(h, makeX(4, 4, 1), null, 4);
      h.k.colStatsF64(p.xp, 0, 4, 0, p.sp, p.mnp, p.mxp);
      h.k.colStatsF64(p.xp, 4, 0, 0, p.sp, p.mnp, p.mxp);
      check(h, p, 4, { sum: [0, 0, 0, 0], min: [Infinity, Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity, -Infinity] }, 'no-op');
    });

    if (b === 'wasm') {
      it('is bit-identical to the JS twin on the same memory (large n)', () => {
        const twin = colStatsTwin(h.memory);
        for (const [n, d, weighted] of [
          [100003, 3, false],
          [20011, 64, true],
          [1000, 65, true],
        ] as const) {
          h.reset();
          const x = makeX(n, d, n + d);
          const w = weighted ? makeW(n, d) : null;
          const pw = place(h, x, w, d);
          const pj = place(h, x, w, d);
          h.k.colStatsF64(pw.xp, n, d, pw.wp, pw.sp, pw.mnp, pw.mxp);
          twin.colStatsF64(pj.xp, n, d, pj.wp, pj.sp, pj.mnp, pj.mxp);
          expectSame(h.f64(pw.sp, d), Array.from(h.f64(pj.sp, d)), `sum n=${n} d=${d}`);
          expectSame(h.f64(pw.mnp, d), Array.from(h.f64(pj.mnp, d)), `min n=${n} d=${d}`);
          expectSame(h.f64(pw.mxp, d), Array.from(h.f64(pj.mxp, d)), `max n=${n} d=${d}`);
        }
      });
    }
  });
}
