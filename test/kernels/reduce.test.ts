import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, LENGTHS, kernelHarness, rng, type KernelHarness } from '../helpers/harness.js';

// Segment reductions: min/max and max|x| are exact (compared bit for bit,
// signed zeros included, against a plain-JS oracle and across backends);
// norms to 1e-12 relative.

type FA = Float32Array | Float64Array;

/** Mixed data: spread magnitudes, negatives, +-0, duplicates. */
function makeData(n: number, seed: number, f64: boolean): FA {
  const r = rng(seed);
  const a = f64 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = r();
    if (u < 0.04) a[i] = r() < 0.5 ? 0 : -0;
    else if (u < 0.08 && i > 0) a[i] = a[Math.floor(r() * i)];
    else a[i] = (r() - 0.5) * Math.pow(2, Math.floor(r() * 20) - 10);
  }
  return a;
}

function segsFor(n: number): number[] {
  return [...new Set([1, 3, 4, 32, Math.max(n, 1)])];
}

const segCount = (n: number, seg: number) => (n === 0 ? 0 : Math.ceil(n / seg));

// ---- oracles (written independently of the twin: explicit comparisons)
function lessTotal(a: number, b: number): boolean {
  // a < b with -0 < +0
  return a < b || (a === 0 && b === 0 && Object.is(a, -0) && Object.is(b, 0));
}
function oracleMinMax(x: FA, seg: number): { mn: number[]; mx: number[] } {
  const mn: number[] = [];
  const mx: number[] = [];
  for (let s = 0; s < x.length; s += seg) {
    let lo = x[s];
    let hi = x[s];
    for (let i = s; i < Math.min(s + seg, x.length); i++) {
      if (lessTotal(x[i], lo)) lo = x[i];
      if (lessTotal(hi, x[i])) hi = x[i];
    }
    mn.push(lo);
    mx.push(hi);
  }
  return { mn, mx };
}
function oracleMaxAbs(x: FA, seg: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < x.length; s += seg) {
    const seg_ = Array.from(x.subarray(s, Math.min(s + seg, x.length)), Math.abs);
    out.push(seg_.reduce((m, v) => (v > m ? v : m), 0));
  }
  return out;
}
function oracleNorm(x: FA, seg: number, p: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < x.length; s += seg) {
    // sum ascending magnitudes (a different order from both backends)
    const t = Array.from(x.subarray(s, Math.min(s + seg, x.length)), (v) => (p === 1 ? Math.abs(v) : v * v)).sort((a, b) => a - b);
    let acc = 0;
    for (const v of t) acc += v;
    out.push(p === 1 ? acc : Math.sqrt(acc));
  }
  return out;
}

function expectSame(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect(got[i], `${what} [${i}]`).toBe(want[i]);
  }
}
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= rel * Math.abs(want[i]))) expect(got[i], `${what} [${i}] rel err ${err / Math.abs(want[i])}`).toBe(want[i]);
  }
}

interface Out {
  mn: number[];
  mx: number[];
  ma: number[];
  l1: number[];
  l2: number[];
}

function runAll(h: KernelHarness, x: FA, seg: number): Out {
  h.reset();
  const f64 = x instanceof Float64Array;
  const n = x.length;
  const G = segCount(n, seg);
  const es = f64 ? 8 : 4;
  const xp = h.put(x);
  // one spare sentinel slot past the G outputs: must stay untouched
  const mnp = h.alloc((G + 1) * es);
  const mxp = h.alloc((G + 1) * es);
  const map = h.alloc((G + 1) * es);
  const l1p = h.alloc((G + 1) * 8);
  const l2p = h.alloc((G + 1) * 8);
  const view = (p: number, m: number) => (f64 ? h.f64(p, m) : h.f32(p, m));
  for (const p of [mnp, mxp, map]) view(p, G + 1).fill(777);
  for (const p of [l1p, l2p]) h.f64(p, G + 1).fill(777);
  if (f64) {
    h.k.segMinMaxF64(xp, n, seg, mnp, mxp);
    h.k.segMaxAbsF64(xp, n, seg, map);
    h.k.segNormF64(xp, n, seg, 1, l1p);
    h.k.segNormF64(xp, n, seg, 2, l2p);
  } else {
    h.k.segMinMaxF32(xp, n, seg, mnp, mxp);
    h.k.segMaxAbsF32(xp, n, seg, map);
    h.k.segNormF32(xp, n, seg, 1, l1p);
    h.k.segNormF32(xp, n, seg, 2, l2p);
  }
  for (const p of [mnp, mxp, map]) expect(view(p, G + 1)[G], 'sentinel past the outputs').toBe(777);
  for (const p of [l1p, l2p]) expect(h.f64(p, G + 1)[G], 'sentinel past the outputs').toBe(777);
  // the input is read-only
  expectSame(view(xp, n), x, 'input unchanged');
  return {
    mn: Array.from(view(mnp, G)),
    mx: Array.from(view(mxp, G)),
    ma: Array.from(view(map, G)),
    l1: Array.from(h.f64(l1p, G)),
    l2: Array.from(h.f64(l2p, G)),
  };
}

for (const b of BACKENDS) {
  describe(`reduce kernels (${b})`, () => {
    let h: KernelHarness;
    beforeAll(async () => {
      h = await kernelHarness(b);
    });

    for (const f64 of [false, true]) {
      const T = f64 ? 'F64' : 'F32';
      it(`${T}: every length and segment size matches the oracle`, () => {
        for (const n of LENGTHS) {
          const x = makeData(n, 1000 + n, f64);
          for (const seg of segsFor(n)) {
            const o = runAll(h, x, seg);
            const w = `${T} n=${n} seg=${seg}`;
            const mm = oracleMinMax(x, seg);
            expectSame(o.mn, mm.mn, `${w} min`);
            expectSame(o.mx, mm.mx, `${w} max`);
            expectSame(o.ma, oracleMaxAbs(x, seg), `${w} maxabs`);
            expectClose(o.l1, oracleNorm(x, seg, 1), 1e-12, `${w} l1`);
            expectClose(o.l2, oracleNorm(x, seg, 2), 1e-12, `${w} l2`);
          }
        }
      });

      it(`${T}: signed zeros follow -0 < +0 wherever they sit`, () => {
        for (const n of [1, 2, 3, 5, 16, 17, 40]) {
          for (let pos = 0; pos < n; pos++) {
            // all +0 but one -0 at pos; all -0 but one +0 at pos; positives with -0; negatives with +0
            const cases: number[][] = [
              Array.from({ length: n }, (_, i) => (i === pos ? -0 : 0)),
              Array.from({ length: n }, (_, i) => (i === pos ? 0 : -0)),
              Array.from({ length: n }, (_, i) => (i === pos ? -0 : 1 + i)),
              Array.from({ length: n }, (_, i) => (i === pos ? 0 : -1 - i)),
              Array.from({ length: n }, (_, i) => (i === pos ? -0 : -1 - i)),
            ];
            for (const c of cases) {
              const x = f64 ? Float64Array.from(c) : Float32Array.from(c);
              for (const seg of [n, 4, 1]) {
                const o = runAll(h, x, seg);
                const mm = oracleMinMax(x, seg);
                expectSame(o.mn, mm.mn, `${T} zeros min n=${n} pos=${pos} seg=${seg} ${c.map((v) => (Object.is(v, -0) ? '-0' : v))}`);
                expectSame(o.mx, mm.mx, `${T} zeros max n=${n} pos=${pos} seg=${seg}`);
                expectSame(o.ma, oracleMaxAbs(x, seg), `${T} zeros maxabs n=${n}`);
              }
            }
          }
        }
      });

      it(`${T}: extremes of the type`, () => {
        const big = f64 ? Number.MAX_VALUE : 3.4028234663852886e38;
        const tiny = f64 ? Number.MIN_VALUE : 1.401298464324817e-45;
        const vals = [big, -big, tiny, -tiny, 1, -1, 0, -0];
        const x = f64 ? Float64Array.from({ length: 37 }, (_, i) => vals[(i * 5) % 8]) : Float32Array.from({ length: 37 }, (_, i) => vals[(i * 5) % 8]);
        for (const seg of [37, 8, 5, 1]) {
          const o = runAll(h, x, seg);
          const mm = oracleMinMax(x, seg);
          expectSame(o.mn, mm.mn, `${T} extremes min seg=${seg}`);
          expectSame(o.mx, mm.mx, `${T} extremes max seg=${seg}`);
          expectSame(o.ma, oracleMaxAbs(x, seg), `${T} extremes maxabs seg=${seg}`);
        }
      });

      it(`${T}: n = 0 writes nothing`, () => {
        h.reset();
        const p = h.alloc(64);
        h.f64(p, 8).fill(5);
        if (f64) {
          h.k.segMinMaxF64(p, 0, 4, p, p + 8);
          h.k.segMaxAbsF64(p, 0, 4, p + 16);
          h.k.segNormF64(p, 0, 4, 2, p + 24);
        } else {
          h.k.segMinMaxF32(p, 0, 4, p, p + 8);
          h.k.segMaxAbsF32(p, 0, 4, p + 16);
          h.k.segNormF32(p, 0, 4, 2, p + 24);
        }
        expect(Array.from(h.f64(p, 8))).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
      });
    }
  });
}

describe('reduce kernels: wasm vs twin', () => {
  let w: KernelHarness;
  let j: KernelHarness;
  beforeAll(async () => {
    w = await kernelHarness('wasm');
    j = await kernelHarness('js');
  });
  for (const f64 of [false, true]) {
    it(`${f64 ? 'F64' : 'F32'}: min/max/maxabs bit-identical, norms within 1e-12`, () => {
      for (const n of LENGTHS) {
        const x = makeData(n, 77 + n, f64);
        for (const seg of segsFor(n)) {
          const a = runAll(w, x, seg);
          const b = runAll(j, x, seg);
          expectSame(a.mn, b.mn, `n=${n} seg=${seg} min`);
          expectSame(a.mx, b.mx, `n=${n} seg=${seg} max`);
          expectSame(a.ma, b.ma, `n=${n} seg=${seg} maxabs`);
          expectClose(a.l1, b.l1, 1e-12, `n=${n} seg=${seg} l1`);
          expectClose(a.l2, b.l2, 1e-12, `n=${n} seg=${seg} l2`);
        }
      }
    });
  }
});

describe('segMaxAbsF32 flags non-finite input (the engine validates quantize through it)', () => {
  for (const b of BACKENDS) {
    it(b, async () => {
      const h = await kernelHarness(b);
      for (const n of [1, 5, 16, 33, 1000]) {
        for (const at of [0, n >> 1, n - 1]) {
          for (const bad of [NaN, Infinity, -Infinity]) {
            h.reset();
            const x = new Float32Array(n).fill(-0.5);
            x[at] = bad;
            const xp = h.put(x);
            const op = h.alloc(4);
            h.k.segMaxAbsF32(xp, n, n, op);
            const m = h.f32(op, 1)[0];
            if (Number.isNaN(bad)) expect(Number.isNaN(m), `n=${n} at=${at}`).toBe(true);
            else expect(m).toBe(Infinity);
          }
        }
      }
    });
  }
});
