import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, LENGTHS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';
import { gramTwin } from '../../src/kernels/js/gram.js';
import type { Kernels } from '../../src/kernels/types.js';

// gramF64: xtx += X^T W X (full symmetric d*d), xty += X^T W Y (d*m).
// Checked against an independent plain oracle (column-pair loops over rows,
// a different loop order from both backends) with a tolerance relative to
// sum_r |w x_i x_j| (the natural scale of summation error), and on the wasm
// backend also against the JS twin on the same memory (1e-12 relative).

const SIZES_D = [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 17, 33, 64];
const SIZES_N = LENGTHS.filter((n) => n <= 1000);
const TOL = 1e-12;
/** Guard zone after each output and the scratch: -0 everywhere, so even adding +0 shows. */
const GUARD = 64;

interface Case {
  n: number;
  d: number;
  m: number;
  x: Float64Array;
  y: Float64Array;
  w: Float64Array | null;
  prior: Float64Array; // symmetric initial xtx contents
  priorY: Float64Array;
}

function makeCase(n: number, d: number, m: number, weighted: boolean, seed: number): Case {
  const r = rng(seed);
  const x = new Float64Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = r() * 2 - 1;
  const y = new Float64Array(n * m);
  for (let i = 0; i < y.length; i++) y[i] = (r() * 2 - 1) * 3;
  let w: Float64Array | null = null;
  if (weighted) {
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = r() < 0.05 ? 0 : r() * 4;
  }
  const prior = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = i; j < d; j++) prior[i * d + j] = prior[j * d + i] = r() - 0.5;
  const priorY = new Float64Array(d * m);
  for (let i = 0; i < priorY.length; i++) priorY[i] = r() - 0.5;
  return { n, d, m, x, y, w, prior, priorY };
}

/** Plain oracle: value and sum of |terms| for every entry. */
function oracle(c: Case): { g: Float64Array; ga: Float64Array; t: Float64Array; ta: Float64Array } {
  const { n, d, m, x, y, w } = c;
  const g = new Float64Array(d * d);
  const ga = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      let sa = 0;
      for (let r = 0; r < n; r++) {
        const p = (w ? w[r] : 1) * x[r * d + i] * x[r * d + j];
        s += p;
        sa += Math.abs(p);
      }
      g[i * d + j] = s;
      ga[i * d + j] = sa;
    }
  }
  const t = new Float64Array(d * m);
  const ta = new Float64Array(d * m);
  for (let i = 0; i < d; i++) {
    for (let col = 0; col < m; col++) {
      let s = 0;
      let sa = 0;
      for (let r = 0; r < n; r++) {
        const p = (w ? w[r] : 1) * x[r * d + i] * y[r * m + col];
        s += p;
        sa += Math.abs(p);
      }
      t[i * m + col] = s;
      ta[i * m + col] = sa;
    }
  }
  return { g, ga, t, ta };
}

interface Placed {
  xp: number;
  yp: number;
  wp: number;
  gp: number;
  tp: number;
  sp: number;
  guards: number[]; // pointers of GUARD-f64 zones of -0 right after each output/scratch
}

/** Copies a case into linear memory, with sentinels after xtx, xty and scratch. */
function place(h: KernelHarness, c: Case, offset8 = false): Placed {
  const { d, m } = c;
  // offset8: 8-byte (not 16-byte) aligned pointers, as the engine may pass.
  const put = (a: Float64Array): number => {
    const p = h.alloc(a.byteLength + 8) + (offset8 ? 8 : 0);
    h.f64(p, a.length).set(a);
    return p;
  };
  const xp = put(c.x);
  const yp = c.m > 0 ? put(c.y) : 0;
  const wp = c.w ? put(c.w) : 0;
  const gp = h.alloc((d * d + GUARD) * 8);
  h.f64(gp, d * d).set(c.prior);
  const tp = m > 0 ? h.alloc((d * m + GUARD) * 8) : 0;
  if (m > 0) h.f64(tp, d * m).set(c.priorY);
  const sb = h.k.gramScratchBytes(d);
  expect(Number.isInteger(sb) && sb >= 0).toBe(true);
  const sp = h.alloc(sb + GUARD * 8 + 16) + (offset8 ? 8 : 0);
  const guards = [gp + d * d * 8, sp + sb];
  if (m > 0) guards.push(tp + d * m * 8);
  for (const g of guards) h.f64(g, GUARD).fill(-0);
  return { xp, yp, wp, gp, tp, sp, guards };
}

function run(h: KernelHarness, c: Case, p: Placed, k: Pick<Kernels, 'gramF64'> = h.k): void {
  k.gramF64(p.xp, c.n, c.d, p.yp, c.m, p.wp, p.gp, p.tp, p.sp);
}

function checkAgainstOracle(h: KernelHarness, c: Case, p: Placed, what: string): void {
  const { d, m } = c;
  const o = oracle(c);
  const got = h.f64(p.gp, d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      const want = c.prior[i * d + j] + o.g[i * d + j];
      const tol = TOL * (o.ga[i * d + j] + Math.abs(c.prior[i * d + j])) + 1e-300;
      const v = got[i * d + j];
      if (!(Math.abs(v - want) <= tol)) expect.fail(`${what}: xtx[${i}][${j}] = ${v}, want ${want} (tol ${tol})`);
      if (!Object.is(v, got[j * d + i])) expect.fail(`${what}: xtx not exactly symmetric at (${i}, ${j}): ${v} vs ${got[j * d + i]}`);
    }
  }
  if (m > 0) {
    const t = h.f64(p.tp, d * m);
    for (let e = 0; e < d * m; e++) {
      const want = c.priorY[e] + o.t[e];
      const tol = TOL * (o.ta[e] + Math.abs(c.priorY[e])) + 1e-300;
      if (!(Math.abs(t[e] - want) <= tol)) expect.fail(`${what}: xty[${e}] = ${t[e]}, want ${want} (tol ${tol})`);
    }
  }
  for (const g of p.guards) {
    if (!h.f64(g, GUARD).every((v) => Object.is(v, -0))) expect.fail(`${what}: wrote past the end of an output or of the scratch`);
  }
}

for (const b of BACKENDS) {
  describe(`gramF64 [${b}]`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(b);
    });

    it('gramScratchBytes is a non-negative integer for every d, 0-safe', () => {
      for (const d of [0, 1, 2, 3, 4, 5, 17, 64, 256, 1000, 4096]) {
        const s = h.k.gramScratchBytes(d);
        expect(Number.isInteger(s), `d=${d}`).toBe(true);
        expect(s, `d=${d}`).toBeGreaterThanOrEqual(0);
        expect(s, `d=${d}: scratch stays modest`).toBeLessThanOrEqual(Math.max(4096, 2 * 256 * (d + 3) * 8 + 4096));
      }
    });

    for (const d of SIZES_D) {
      it(`matches a plain oracle, d=${d}, n in ${SIZES_N.join(',')}, weights on/off, m = 0, 1, 3, 5`, () => {
        let seed = 1000 + d;
        for (const n of SIZES_N) {
          for (const weighted of [false, true]) {
            for (const m of [0, 1, 3, 5]) {
              h.reset();
              const c = makeCase(n, d, m, weighted, seed++);
              const p = place(h, c);
              run(h, c, p);
              checkAgainstOracle(h, c, p, `n=${n} d=${d} m=${m} w=${weighted}`);
            }
          }
        }
      });
    }

    it('large n (100003) with small d, weights and y', () => {
      for (const [d, m, weighted] of [
        [1, 1, true],
        [3, 2, false],
        [5, 1, true],
      ] as const) {
        h.reset();
        const c = makeCase(100003, d, m, weighted, 77 + d);
        const p = place(h, c);
        run(h, c, p);
        checkAgainstOracle(h, c, p, `n=100003 d=${d} m=${m} w=${weighted}`);
      }
    });

    it('works with 8-byte (not 16-byte) aligned pointers', () => {
      for (const d of [3, 4, 7, 16]) {
        h.reset();
        const c = makeCase(301, d, 3, true, 5 + d);
        const p = place(h, c, true);
        run(h, c, p);
        checkAgainstOracle(h, c, p, `offset8 d=${d}`);
      }
    });

    it('n = 0 leaves xtx and xty unchanged', () => {
      for (const d of [1, 4, 7]) {
        h.reset();
        const c = makeCase(0, d, 2, true, 9);
        const p = place(h, c);
        run(h, c, p);
        expect(Array.from(h.f64(p.gp, d * d))).toEqual(Array.from(c.prior));
        expect(Array.from(h.f64(p.tp, d * 2))).toEqual(Array.from(c.priorY));
      }
    });

    it('accumulates: two calls give twice one call; two row chunks sum to the whole', () => {
      for (const d of [1, 3, 5, 8, 17, 33]) {
        for (const n of [5, 300, 1000]) {
          h.reset();
          const c = makeCase(n, d, 2, true, 31 * d + n);
          c.prior.fill(0);
          c.priorY.fill(0);
          const p = place(h, c);
          run(h, c, p);
          const once = Float64Array.from(h.f64(p.gp, d * d));
          const onceY = Float64Array.from(h.f64(p.tp, d * 2));
          run(h, c, p);
          const twice = h.f64(p.gp, d * d);
          const twiceY = h.f64(p.tp, d * 2);
          const o = oracle(c);
          for (let e = 0; e < d * d; e++) {
            expect(Math.abs(twice[e] - 2 * once[e]), `twice d=${d} n=${n} e=${e}`).toBeLessThanOrEqual(TOL * 2 * o.ga[e] + 1e-300);
          }
          for (let e = 0; e < d * 2; e++) {
            expect(Math.abs(twiceY[e] - 2 * onceY[e]), `twice xty d=${d} n=${n}`).toBeLessThanOrEqual(TOL * 2 * o.ta[e] + 1e-300);
          }
          // chunked: rows [0, k) then [k, n) into a fresh zero buffer
          const k = Math.floor(n / 3);
          const gp2 = h.alloc(d * d * 8);
          const tp2 = h.alloc(d * 2 * 8);
          h.k.gramF64(p.xp, k, d, p.yp, 2, p.wp, gp2, tp2, p.sp);
          h.k.gramF64(p.xp + k * d * 8, n - k, d, p.yp + k * 2 * 8, 2, p.wp + k * 8, gp2, tp2, p.sp);
          const split = h.f64(gp2, d * d);
          const splitY = h.f64(tp2, d * 2);
          for (let e = 0; e < d * d; e++) {
            expect(Math.abs(split[e] - once[e]), `chunks d=${d} n=${n} e=${e}`).toBeLessThanOrEqual(TOL * o.ga[e] + 1e-300);
          }
          for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) expect(Object.is(split[i * d + j], split[j * d + i])).toBe(true);
          for (let e = 0; e < d * 2; e++) {
            expect(Math.abs(splitY[e] - onceY[e]), `chunks xty d=${d} n=${n}`).toBeLessThanOrEqual(TOL * o.ta[e] + 1e-300);
          }
        }
      }
    });

    it('unit weights equal no weights', () => {
      for (const d of [2, 5, 9]) {
        h.reset();
        const c = makeCase(257, d, 1, false, 400 + d);
        c.prior.fill(0);
        c.priorY.fill(0);
        const p = place(h, c);
        run(h, c, p);
        const plain = Float64Array.from(h.f64(p.gp, d * d));
        const ones = new Float64Array(c.n).fill(1);
        const wp = h.put(ones);
        const gp2 = h.alloc(d * d * 8);
        const tp2 = h.alloc(d * 8);
        h.k.gramF64(p.xp, c.n, d, p.yp, 1, wp, gp2, tp2, p.sp);
        // (1 * x_i) * x_j is exactly x_i * x_j: identical sums
        expect(Array.from(h.f64(gp2, d * d))).toEqual(Array.from(plain));
      }
    });

    if (b === 'wasm') {
      it('agrees with the JS twin on the same memory (1e-12 relative)', () => {
        const twin = gramTwin(h.memory);
        for (const d of [1, 2, 3, 5, 7, 8, 16, 17, 33, 64]) {
          for (const n of [1, 17, 64, 65, 1000, 3001]) {
            h.reset();
            const c = makeCase(n, d, 6, n % 2 === 1, 7 * d + n);
            const pw = place(h, c);
            const pj = place(h, c);
            run(h, c, pw);
            run(h, c, pj, twin);
            const o = oracle(c);
            const gw = h.f64(pw.gp, d * d);
            const gj = h.f64(pj.gp, d * d);
            for (let e = 0; e < d * d; e++) {
              const tol = TOL * (o.ga[e] + Math.abs(c.prior[e]));
              if (!(Math.abs(gw[e] - gj[e]) <= tol)) expect.fail(`xtx d=${d} n=${n} e=${e}: wasm ${gw[e]} twin ${gj[e]}`);
            }
            const tw = h.f64(pw.tp, d * 6);
            const tj = h.f64(pj.tp, d * 6);
            for (let e = 0; e < d * 6; e++) {
              const tol = TOL * (o.ta[e] + Math.abs(c.priorY[e]));
              if (!(Math.abs(tw[e] - tj[e]) <= tol)) expect.fail(`xty d=${d} n=${n} e=${e}: wasm ${tw[e]} twin ${tj[e]}`);
            }
          }
        }
      });
    }
  });
}
