import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, LENGTHS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';
import { gramTwin } from '../../src/kernels/js/gram.js';
import type { Kernels } from '../../src/kernels/types.js';

// gramCentredF64: gramF64 of Z = (X - mu) diag(inv), z formed while packing.
// Contract checked three ways: (1) bit-identical to gramF64 on a centred copy
// made in JS with the same formula (same products, same summation order), on
// each backend; (2) mu = 0, inv = 1 is bit-identical to gramF64 on X itself;
// (3) a plain oracle within 1e-12 of sum |w z_i z_j|, and wasm vs twin.

const LENS = LENGTHS.filter((n) => n <= 1000);
const WIDTHS = [1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65];
const TOL = 1e-12;

interface Case {
  n: number;
  d: number;
  m: number;
  x: Float64Array;
  z: Float64Array;
  y: Float64Array;
  w: Float64Array | null;
  mu: Float64Array;
  inv: Float64Array;
}

/** Columns with large offsets and spreads (what centring is for), power-of-two inverse scales. */
function makeCase(n: number, d: number, m: number, weighted: boolean, seed: number): Case {
  const r = rng(seed);
  const off = Array.from({ length: d }, () => (r() - 0.5) * 1e6);
  const spread = Array.from({ length: d }, () => Math.pow(2, Math.floor(r() * 20) - 10));
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) x[i * d + j] = off[j] + (r() - 0.5) * spread[j];
  const mu = new Float64Array(d);
  const inv = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    mu[j] = n > 0 ? x[Math.floor(r() * n) * d + j] : off[j];
    inv[j] = 1 / spread[j];
  }
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i * d + j] = (x[i * d + j] - mu[j]) * inv[j];
  const y = new Float64Array(n * m);
  for (let i = 0; i < y.length; i++) y[i] = r() * 2 - 1;
  let w: Float64Array | null = null;
  if (weighted) {
    w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = r() < 0.05 ? 0 : r() * 4;
  }
  return { n, d, m, x, z, y, w, mu, inv };
}

interface Out {
  g: Float64Array;
  t: Float64Array;
}

type Which = 'centred' | 'plain-z' | 'plain-x';

function run(h: KernelHarness, c: Case, which: Which, k: Pick<Kernels, 'gramF64' | 'gramCentredF64'> = h.k): Out {
  const { n, d, m } = c;
  h.reset();
  const xp = h.put(which === 'plain-z' ? c.z : c.x);
  const yp = m > 0 ? h.put(c.y) : 0;
  const wp = c.w ? h.put(c.w) : 0;
  const mp = h.put(which === 'plain-x' ? new Float64Array(d) : c.mu);
  const ip = h.put(which === 'plain-x' ? new Float64Array(d).fill(1) : c.inv);
  const gp = h.alloc(d * d * 8);
  const tp = h.alloc(Math.max(1, d * m) * 8);
  const sp = h.alloc(h.k.gramScratchBytes(d) + 16);
  if (which === 'plain-z') k.gramF64(xp, n, d, yp, m, wp, gp, tp, sp);
  else k.gramCentredF64(xp, n, d, mp, ip, yp, m, wp, gp, tp, sp);
  return { g: Float64Array.from(h.f64(gp, d * d)), t: Float64Array.from(h.f64(tp, d * m)) };
}

function expectSame(got: Float64Array, want: Float64Array, what: string): void {
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what} [${i}]: got ${got[i]}, want ${want[i]}`);
}

function oracle(c: Case): { g: Float64Array; ga: Float64Array; t: Float64Array; ta: Float64Array } {
  const { n, d, m, z, y, w } = c;
  const g = new Float64Array(d * d);
  const ga = new Float64Array(d * d);
  const t = new Float64Array(d * m);
  const ta = new Float64Array(d * m);
  for (let r = 0; r < n; r++) {
    const wr = w ? w[r] : 1;
    for (let i = 0; i < d; i++) {
      const a = wr * z[r * d + i];
      for (let j = 0; j < d; j++) {
        g[i * d + j] += a * z[r * d + j];
        ga[i * d + j] += Math.abs(a * z[r * d + j]);
      }
      for (let k = 0; k < m; k++) {
        t[i * m + k] += a * y[r * m + k];
        ta[i * m + k] += Math.abs(a * y[r * m + k]);
      }
    }
  }
  return { g, ga, t, ta };
}

function expectNear(got: Float64Array, want: Float64Array, scale: Float64Array, what: string): void {
  for (let e = 0; e < want.length; e++) {
    const tol = TOL * scale[e] + 1e-300;
    if (!(Math.abs(got[e] - want[e]) <= tol)) expect.fail(`${what} [${e}]: ${got[e]} vs ${want[e]} (tol ${tol})`);
  }
}

for (const b of BACKENDS) {
  describe(`gramCentredF64 [${b}]`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(b);
    });

    for (const d of WIDTHS) {
      it(`equals gramF64 of the centred copy bit for bit and the oracle to 1e-12, d=${d}, n in ${LENS.join(',')}`, () => {
        let seed = 3000 + d;
        for (const n of LENS) {
          for (const weighted of [false, true]) {
            for (const m of d > 17 ? [1] : [0, 1, 3]) {
              const c = makeCase(n, d, m, weighted, seed++);
              const got = run(h, c, 'centred');
              const ref = run(h, c, 'plain-z');
              const what = `n=${n} d=${d} m=${m} w=${weighted}`;
              expectSame(got.g, ref.g, `${what} xtx`);
              expectSame(got.t, ref.t, `${what} xty`);
              if (n <= 65 || d <= 8) {
                const o = oracle(c);
                expectNear(got.g, o.g, o.ga, `${what} xtx vs oracle`);
                expectNear(got.t, o.t, o.ta, `${what} xty vs oracle`);
              }
            }
          }
        }
      });
    }

    it('mu = 0, inv = 1 gives exactly gramF64 of X', () => {
      for (const d of [1, 3, 4, 7, 16, 65]) {
        for (const n of [1, 17, 1000]) {
          const c = makeCase(n, d, 2, n % 2 === 1, 11 * d + n);
          const got = run(h, c, 'plain-x');
          const ref = run(h, { ...c, z: c.x }, 'plain-z');
          expectSame(got.g, ref.g, `d=${d} n=${n} xtx`);
          expectSame(got.t, ref.t, `d=${d} n=${n} xty`);
        }
      }
    });

    if (b === 'wasm') {
      it('agrees with the JS twin (1e-12 of sum |w z_i z_j|)', () => {
        const twin = gramTwin(h.memory);
        for (const d of [1, 5, 16, 17, 64]) {
          for (const n of [1, 65, 3001]) {
            const c = makeCase(n, d, 2, n % 2 === 1, 13 * d + n);
            const gw = run(h, c, 'centred');
            const gj = run(h, c, 'centred', twin);
            const o = oracle(c);
            expectNear(gw.g, gj.g, o.ga, `d=${d} n=${n} xtx`);
            expectNear(gw.t, gj.t, o.ta, `d=${d} n=${n} xty`);
          }
        }
      });
    }
  });
}
