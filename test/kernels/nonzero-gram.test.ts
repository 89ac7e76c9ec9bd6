import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';
import { nonzeroGramTwin } from '../../src/kernels/js/nonzero-gram.js';

// nonzeroGramF64: the weighted gram of a compressed-row design, accumulated
// (upper triangle of X^T W X, X^T W 1, X^T r). The contract is bit-identical
// results across backends, so each backend is compared with Object.is against
// an oracle that runs the contract's loop on plain arrays; the product itself
// is checked against a brute-force dense X^T W X to rounding; valPtr = 0
// (a 0/1 design) equals explicit ones bit for bit.

interface Csr {
  n: number;
  d: number;
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

/** Rows of 0..maxK nonzeros at distinct ascending columns; values 1 (ones) or varied. */
function makeCsr(n: number, d: number, maxK: number, seed: number, ones: boolean): Csr {
  const r = rng(seed);
  const start = new Int32Array(n + 1);
  const col: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    const cols = new Set<number>();
    const k = Math.floor(r() * (Math.min(maxK, d) + 1));
    while (cols.size < k) cols.add(Math.floor(r() * d));
    for (const j of [...cols].sort((a, b) => a - b)) {
      col.push(j);
      val.push(ones ? 1 : (r() - 0.5) * Math.pow(2, Math.floor(r() * 10) - 5));
    }
    start[i + 1] = col.length;
  }
  return { n, d, start, col: Int32Array.from(col), val: Float64Array.from(val) };
}

function vec(n: number, seed: number, zeros = false): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => (zeros && r() < 0.2 ? 0 : r() * 2 - 0.5));
}

/** The contract's loop on plain arrays (the order of operations it specifies), from -0 as the kernel's buffers start. */
function oracle(c: Csr, w: Float64Array, rr: Float64Array, ones: boolean) {
  const xtx = new Array<number>(c.d * c.d).fill(-0);
  const xw = new Array<number>(c.d).fill(-0);
  const xr = new Array<number>(c.d).fill(-0);
  for (let i = 0; i < c.n; i++) {
    for (let q = c.start[i]!; q < c.start[i + 1]!; q++) {
      const j = c.col[q]!;
      const v = ones ? 1 : c.val[q]!;
      const wv = w[i]! * v;
      xw[j] += wv;
      xr[j] += rr[i]! * v;
      for (let t = q; t < c.start[i + 1]!; t++) xtx[j * c.d + c.col[t]!] += wv * (ones ? 1 : c.val[t]!);
    }
  }
  return { xtx, xw, xr };
}

const GUARD = 4;

function run(h: KernelHarness, c: Csr, w: Float64Array, rr: Float64Array, ones: boolean, lowerFill = -0) {
  const sp = h.put(c.start);
  const cp = h.put(c.col.length ? c.col : new Int32Array(1));
  const vp = ones ? 0 : h.put(c.val.length ? c.val : new Float64Array(1));
  const wp = h.put(w);
  const rp = h.put(rr);
  const out = h.alloc((c.d * c.d + 2 * c.d + 3 * GUARD) * 8);
  const xtxP = out;
  const xwP = out + (c.d * c.d + GUARD) * 8;
  const xrP = xwP + (c.d + GUARD) * 8;
  h.f64(out, c.d * c.d + 2 * c.d + 3 * GUARD).fill(-0);
  // mark the strict lower triangle: the kernel must not touch it
  const m = h.f64(xtxP, c.d * c.d);
  for (let j = 0; j < c.d; j++) for (let k = 0; k < j; k++) m[j * c.d + k] = lowerFill;
  h.k.nonzeroGramF64(sp, cp, vp, c.n, c.d, wp, rp, xtxP, xwP, xrP);
  return {
    xtx: Array.from(h.f64(xtxP, c.d * c.d)),
    xw: Array.from(h.f64(xwP, c.d)),
    xr: Array.from(h.f64(xrP, c.d)),
    guards: [...h.f64(xtxP + c.d * c.d * 8, GUARD), ...h.f64(xwP + c.d * 8, GUARD), ...h.f64(xrP + c.d * 8, GUARD)],
  };
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what} [${i}]: got ${got[i]}, want ${want[i]}`);
}

/** The oracle's upper triangle over the kernel's untouched strict lower triangle (lowerFill). */
function upperOnly(o: number[], d: number, lowerFill: number): number[] {
  return o.map((v, idx) => (idx % d < Math.floor(idx / d) ? lowerFill : v));
}

for (const b of BACKENDS) {
  describe(`nonzeroGramF64 [${b}]`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(b);
    });

    for (const [n, d, maxK] of [
      [1, 1, 1],
      [7, 3, 3],
      [64, 8, 4],
      [300, 17, 6],
      [1000, 45, 8],
      [211, 65, 65],
    ] as const) {
      it(`matches the contract's loop bit for bit, n=${n} d=${d} up to ${maxK} per row, values and ones`, () => {
        for (const ones of [false, true]) {
          h.reset();
          const c = makeCsr(n, d, maxK, 10 * n + d, ones);
          const w = vec(n, n + 1, true);
          const rr = vec(n, n + 2);
          const got = run(h, c, w, rr, ones, 7);
          const o = oracle(c, w, rr, ones);
          // the strict lower triangle keeps its 7s: never touched
          expectSame(got.xtx, upperOnly(o.xtx, d, 7), `xtx ones=${ones}`);
          expectSame(got.xw, o.xw, `xw ones=${ones}`);
          expectSame(got.xr, o.xr, `xr ones=${ones}`);
          if (!got.guards.every((v) => Object.is(v, -0))) expect.fail('wrote past the end of an output');
        }
      });
    }

    it('equals the brute-force dense X^T W X, X^T W 1, X^T r to rounding', () => {
      h.reset();
      const n = 500;
      const d = 23;
      const c = makeCsr(n, d, 9, 77, false);
      const w = vec(n, 78);
      const rr = vec(n, 79);
      const got = run(h, c, w, rr, false, 0);
      const X = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let q = c.start[i]!; q < c.start[i + 1]!; q++) X[i * d + c.col[q]!] = c.val[q]!;
      for (let j = 0; j < d; j++) {
        let sw = 0;
        let sr = 0;
        let scale = 0;
        for (let i = 0; i < n; i++) {
          sw += w[i]! * X[i * d + j]!;
          sr += rr[i]! * X[i * d + j]!;
          scale += Math.abs(w[i]! * X[i * d + j]!) + Math.abs(rr[i]! * X[i * d + j]!);
        }
        expect(Math.abs(got.xw[j]! - sw)).toBeLessThanOrEqual(1e-13 * scale);
        expect(Math.abs(got.xr[j]! - sr)).toBeLessThanOrEqual(1e-13 * scale);
        for (let k = j; k < d; k++) {
          let g = 0;
          let gs = 0;
          for (let i = 0; i < n; i++) {
            g += w[i]! * X[i * d + j]! * X[i * d + k]!;
            gs += Math.abs(w[i]! * X[i * d + j]! * X[i * d + k]!);
          }
          expect(Math.abs(got.xtx[j * d + k]! - g)).toBeLessThanOrEqual(1e-13 * gs);
        }
      }
    });

    it('valPtr = 0 equals explicit ones, bit for bit', () => {
      h.reset();
      const c = makeCsr(400, 30, 7, 5, true);
      const w = vec(400, 6);
      const rr = vec(400, 7);
      const implicit = run(h, c, w, rr, true, 0);
      const explicit = run(h, c, w, rr, false, 0);
      expectSame(implicit.xtx, explicit.xtx, 'xtx');
      expectSame(implicit.xw, explicit.xw, 'xw');
      expectSame(implicit.xr, explicit.xr, 'xr');
    });

    it('accumulates: consecutive row blocks (start still absolute) equal one call', () => {
      h.reset();
      const n = 301;
      const d = 12;
      const c = makeCsr(n, d, 5, 21, false);
      const w = vec(n, 22);
      const rr = vec(n, 23);
      const whole = run(h, c, w, rr, false, 0);
      const sp = h.put(c.start);
      const cp = h.put(c.col);
      const vp = h.put(c.val);
      const wp = h.put(w);
      const rp = h.put(rr);
      const out = h.alloc((d * d + 2 * d) * 8);
      h.f64(out, d * d + 2 * d).fill(-0);
      const k = 100;
      h.k.nonzeroGramF64(sp, cp, vp, k, d, wp, rp, out, out + d * d * 8, out + (d * d + d) * 8);
      h.k.nonzeroGramF64(sp + k * 4, cp, vp, n - k, d, wp + k * 8, rp + k * 8, out, out + d * d * 8, out + (d * d + d) * 8);
      const upper = Array.from(h.f64(out, d * d)).map((v, idx) => (idx % d < Math.floor(idx / d) ? 0 : v));
      expectSame(upper, whole.xtx, 'xtx');
      expectSame(h.f64(out + d * d * 8, d), whole.xw, 'xw');
      expectSame(h.f64(out + (d * d + d) * 8, d), whole.xr, 'xr');
    });

    it('n = 0 or d = 0 is a no-op; empty rows add nothing', () => {
      h.reset();
      const c = makeCsr(5, 4, 0, 1, false); // every row empty
      const got = run(h, c, vec(5, 2), vec(5, 3), false, 0);
      expect(got.xtx.every((v, idx) => Object.is(v, idx % 4 < Math.floor(idx / 4) ? 0 : -0))).toBe(true);
      expect([...got.xw, ...got.xr].every((v) => Object.is(v, -0))).toBe(true);
      const out = h.alloc(64);
      h.f64(out, 8).fill(-0);
      h.k.nonzeroGramF64(0, 0, 0, 0, 4, 0, 0, out, out, out);
      h.k.nonzeroGramF64(0, 0, 0, 4, 0, 0, 0, out, out, out);
      expect(Array.from(h.f64(out, 8)).every((v) => Object.is(v, -0))).toBe(true);
    });

    if (b === 'wasm') {
      it('is bit-identical to the JS twin on the same memory (large n)', () => {
        const twin = nonzeroGramTwin(h.memory);
        for (const ones of [false, true]) {
          h.reset();
          const n = 20011;
          const d = 45;
          const c = makeCsr(n, d, 8, 99, ones);
          const w = vec(n, 100, true);
          const rr = vec(n, 101);
          const got = run(h, c, w, rr, ones, 0);
          const sp = h.put(c.start);
          const cp = h.put(c.col);
          const vp = ones ? 0 : h.put(c.val);
          const wp = h.put(w);
          const rp = h.put(rr);
          const out = h.alloc((d * d + 2 * d) * 8);
          h.f64(out, d * d + 2 * d).fill(-0);
          twin.nonzeroGramF64(sp, cp, vp, n, d, wp, rp, out, out + d * d * 8, out + (d * d + d) * 8);
          const upper = Array.from(h.f64(out, d * d)).map((v, idx) => (idx % d < Math.floor(idx / d) ? 0 : v));
          expectSame(upper, got.xtx, `xtx ones=${ones}`);
          expectSame(h.f64(out + d * d * 8, d), got.xw, 'xw');
          expectSame(h.f64(out + (d * d + d) * 8, d), got.xr, 'xr');
        }
      });
    }
  });
}
