import { describe, expect, it } from 'vitest';
import { codeOf, ENGINE_BACKENDS, engine } from './helpers/engines.js';
import { rng } from './helpers/harness.js';

function randMatrix(n: number, d: number, seed: number) {
  const r = rng(seed);
  return { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => r() * 2 - 1) };
}

function plainGram(X: { rows: number; cols: number; data: Float64Array }, y?: Float64Array, w?: Float64Array) {
  const { rows: n, cols: d, data } = X;
  const xtx = new Float64Array(d * d);
  const xty = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) xtx[a * d + b] += wi * data[i * d + a] * data[i * d + b];
      if (y) xty[a] += wi * data[i * d + a] * y[i];
    }
  }
  return { xtx, xty };
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number) {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(rel * (scale || 1));
}

for (const backend of ENGINE_BACKENDS) {
  describe(`engine.gram / solveSPD (${backend})`, () => {
    it('gram equals a plain loop, streamed in chunks (n large enough to need several)', async () => {
      const e = await engine(backend);
      for (const [n, d] of [[1, 1], [5, 3], [17, 7], [3000, 65], [40000, 5]] as const) {
        const X = randMatrix(n, d, n + d);
        const r = rng(9);
        const y = Float64Array.from({ length: n }, () => r());
        const w = Float64Array.from({ length: n }, () => r() * 3);
        const ref = plainGram(X, y, w);
        const g = e.gram(X, y, { weights: w });
        expect(g.n).toBe(n);
        expectClose(g.xtx, ref.xtx, 1e-12);
        expectClose(g.xty!, ref.xty, 1e-12);
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) expect(g.xtx[a * d + b]).toBe(g.xtx[b * d + a]);
      }
    });

    it('gram accepts number[][], a multi-output y and a zero-copy buffer matrix', async () => {
      const e = await engine(backend);
      const g = e.gram([[1, 2], [3, 4], [5, 6]], [[1, 0], [0, 1], [1, 1]]);
      expect(Array.from(g.xtx)).toEqual([35, 44, 44, 56]);
      expect(Array.from(g.xty!)).toEqual([6, 8, 8, 10]);
      const X = randMatrix(100, 4, 3);
      const buf = e.memory.f64(400);
      buf.view.set(X.data);
      const z = e.gram({ rows: 100, cols: 4, data: buf });
      expectClose(z.xtx, plainGram(X).xtx, 1e-13);
      buf.free();
    });

    it('solveSPD: residual is tiny, several right-hand sides, ridge shifts the diagonal', async () => {
      const e = await engine(backend);
      for (const d of [1, 2, 3, 5, 17, 64]) {
        const B = randMatrix(d + 5, d, d);
        const A = plainGram(B).xtx;
        for (let i = 0; i < d; i++) A[i * d + i] += 0.1;
        const r = rng(d);
        const k = 3;
        const b = Float64Array.from({ length: d * k }, () => r());
        const x = e.solveSPD(A, b);
        const res = new Float64Array(d * k);
        for (let i = 0; i < d; i++) for (let c = 0; c < k; c++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += A[i * d + j] * x[j * k + c];
          res[i * k + c] = s - b[i * k + c];
        }
        expectClose(res, new Float64Array(d * k), 1e-10);
        const xr = e.solveSPD(A, b.subarray(0, d), { ridge: 2 });
        const A2 = A.slice();
        for (let i = 0; i < d; i++) A2[i * d + i] += 2;
        expectClose(xr, e.solveSPD(A2, b.subarray(0, d)), 1e-10);
      }
    });

    it('gram checks a buffer matrix: kind f64, this engine, not freed, at least rows*cols values', async () => {
      const e = await engine(backend);
      const other = await engine(backend === 'wasm' ? 'js' : 'wasm');
      const X = randMatrix(3, 2, 4);
      const ref = plainGram(X).xtx;
      const f32 = e.memory.f32(6);
      f32.view.set(X.data);
      const u8 = e.memory.u8(48);
      const foreign = other.memory.f64(6);
      foreign.view.set(X.data);
      const freed = e.memory.f64(6);
      freed.free();
      const short = e.memory.f64(5);
      const err = (f: () => unknown) => {
        try {
          f();
        } catch (x) {
          return x as { code: string; message: string };
        }
        return undefined;
      };
      expect(err(() => e.gram({ rows: 3, cols: 2, data: f32 as never }))?.code).toBe('E_SHAPE');
      expect(err(() => e.gram({ rows: 3, cols: 2, data: u8 as never }))?.code).toBe('E_SHAPE');
      const f = err(() => e.gram({ rows: 3, cols: 2, data: foreign }));
      expect(f?.code).toBe('E_MEMORY');
      expect(f?.message).toMatch(/another engine/);
      expect(err(() => e.gram({ rows: 3, cols: 2, data: freed }))?.message).toMatch(/freed/);
      expect(err(() => e.gram({ rows: 3, cols: 2, data: short }))?.code).toBe('E_SHAPE');
      expect(err(() => e.gram({ rows: 0, cols: 2, data: short }))?.code).toBe('E_SHAPE');
      // a longer buffer is fine: its first rows*cols values are X
      const long = e.memory.f64(10);
      long.view.set([...X.data, 9, 9, 9, 9]);
      expectClose(e.gram({ rows: 3, cols: 2, data: long }).xtx, ref, 1e-14);
      for (const b of [f32, u8, foreign, short, long]) b.free();
    });

    it('gram: y and weights as buffers (read in place), results into out buffers', async () => {
      const e = await engine(backend);
      for (const [n, d, m] of [[7, 3, 1], [3000, 65, 2], [40000, 5, 1]] as const) {
        const X = randMatrix(n, d, n);
        const r = rng(n);
        const y = Float64Array.from({ length: n * m }, () => r());
        const w = Float64Array.from({ length: n }, () => r() * 2);
        const ref = e.gram(X, m === 1 ? y : { rows: n, cols: m, data: y }, { weights: w });
        const XB = e.memory.f64(n * d);
        XB.view.set(X.data);
        const YB = e.memory.f64(n * m);
        YB.view.set(y);
        const WB = e.memory.f64(n);
        WB.view.set(w);
        const xtx = e.memory.f64(d * d);
        const xty = e.memory.f64(d * m);
        xtx.view.fill(123); // out is overwritten, not accumulated into
        // streamed X from the JS heap with y / weights in memory, and everything in memory
        for (const Xin of [X, { rows: n, cols: d, data: XB }]) {
          const g = e.gram(Xin, YB, { weights: WB, out: { xtx, xty } });
          expect(g.n).toBe(n);
          expect(g.xtx.buffer).toBe(e.arena.memory.buffer);
          expectClose(g.xtx, ref.xtx, 1e-12);
          expectClose(g.xty!, ref.xty!, 1e-12);
          expectClose(xtx.view, ref.xtx, 1e-12);
          expectClose(xty.view, ref.xty!, 1e-12);
        }
        // only xtx into a buffer: xty is copied out as usual
        const g2 = e.gram(X, y.subarray(0, n), { out: { xtx } });
        expect(g2.xty!.buffer).not.toBe(e.arena.memory.buffer);
        expectClose(g2.xtx, e.gram(X).xtx, 1e-12);
        for (const b of [XB, YB, WB, xtx, xty]) b.free();
      }
      // out validated before anything is written; bad shapes
      const X = [[1, 2], [3, 4], [5, 6]];
      const xtx = e.memory.f64(4);
      xtx.view.fill(7);
      expect(codeOf(() => e.gram([[1, 2], [3, NaN]], undefined, { out: { xtx } }))).toBe('E_NONFINITE');
      expect(Array.from(xtx.view)).toEqual([7, 7, 7, 7]);
      const f32 = e.memory.f32(4);
      const y3 = e.memory.f64(3);
      expect(codeOf(() => e.gram(X, undefined, { out: { xtx: f32 as never } }))).toBe('E_SHAPE');
      expect(codeOf(() => e.gram(X, undefined, { out: { xtx: e.memory.f64(5) } }))).toBe('E_SHAPE');
      expect(codeOf(() => e.gram(X, undefined, { out: { xty: xtx } }))).toBe('E_SHAPE'); // no y
      expect(codeOf(() => e.gram(X, [1, 2, 3], { out: null as never }))).toBe('E_SHAPE');
      expect(codeOf(() => e.gram(X, e.memory.f64(4)))).toBe('E_SHAPE'); // not n*m
      y3.view.set([1, NaN, 3]);
      expect(codeOf(() => e.gram(X, y3))).toBe('E_NONFINITE');
      y3.view.set([1, -1, 3]);
      expect(codeOf(() => e.gram(X, undefined, { weights: y3 }))).toBe('E_RANGE');
      y3.view.set([1, 0, NaN]);
      expect(codeOf(() => e.gram(X, undefined, { weights: y3 }))).toBe('E_NONFINITE');
      expect(Array.from(e.gram(X, undefined, { out: { xtx } }).xtx)).toEqual([35, 44, 44, 56]);
      for (const b of [xtx, f32, y3]) b.free();
    });

    it('solveSPD: A and b as buffers (read in place, never modified), solution into out or in place into b', async () => {
      const e = await engine(backend);
      for (const d of [1, 3, 17, 64]) {
        const B = randMatrix(d + 5, d, d);
        const A = plainGram(B).xtx;
        for (let i = 0; i < d; i++) A[i * d + i] += 0.1;
        const r = rng(d);
        const k = 2;
        const b = Float64Array.from({ length: d * k }, () => r());
        const ref = e.solveSPD(A, b, { ridge: 0.5 });
        const AB = e.memory.f64(d * d);
        AB.view.set(A);
        const bB = e.memory.f64(d * k);
        bB.view.set(b);
        const out = e.memory.f64(d * k);
        expectClose(e.solveSPD(AB, bB, { ridge: 0.5 }), ref, 1e-12);
        expectClose(e.solveSPD({ rows: d, cols: d, data: AB }, b, { ridge: 0.5 }), ref, 1e-12);
        const x = e.solveSPD(AB, bB, { ridge: 0.5, out });
        expect(x.buffer).toBe(e.arena.memory.buffer);
        expectClose(out.view, ref, 1e-12);
        expect(Array.from(AB.view)).toEqual(Array.from(A)); // A not factored in place
        expect(Array.from(bB.view)).toEqual(Array.from(b)); // b not overwritten
        e.solveSPD(AB, bB, { ridge: 0.5, out: bB }); // in place
        expectClose(bB.view, ref, 1e-12);
        expectClose(e.solveSPD(A, b, { ridge: 0.5, out }), ref, 1e-12); // JS-heap inputs, buffer out
        for (const buf of [AB, bB, out]) buf.free();
      }
      // errors leave out untouched
      const out = e.memory.f64(2);
      out.view.set([7, 7]);
      const sing = e.memory.f64(4);
      sing.view.set([1, 1, 1, 1]);
      expect(codeOf(() => e.solveSPD(sing, [1, 1], { out }))).toBe('E_SINGULAR');
      const bad = e.memory.f64(2);
      bad.view.set([1, NaN]);
      expect(codeOf(() => e.solveSPD(new Float64Array([2, 0, 0, 2]), bad, { out }))).toBe('E_NONFINITE');
      expect(Array.from(out.view)).toEqual([7, 7]);
      expect(codeOf(() => e.solveSPD(new Float64Array([2, 0, 0, 2]), [1, 1], { out: e.memory.f64(3) }))).toBe('E_SHAPE');
      expect(codeOf(() => e.solveSPD(e.memory.f64(3), [1]))).toBe('E_SHAPE'); // not d*d
      expect(codeOf(() => e.solveSPD(e.memory.f32(4) as never, [1, 1]))).toBe('E_SHAPE');
      expect(codeOf(() => e.solveSPD(new Float64Array([2, 0, 0, 2]), e.memory.f32(2) as never))).toBe('E_SHAPE');
      expect(codeOf(() => e.solveSPD(new Float64Array([2, 0, 0, 2]), e.memory.f64(3)))).toBe('E_SHAPE');
      for (const buf of [out, sing, bad]) buf.free();
    });

    it('solveSPD names the failing pivot', async () => {
      const e = await engine(backend);
      // column 2 = column 0 + column 1: pivot 2 collapses
      const X = [[1, 0, 1], [0, 1, 1], [1, 1, 2], [2, 1, 3]];
      const A = e.gram(X).xtx;
      try {
        e.solveSPD(A, [1, 2, 3]);
        expect.unreachable();
      } catch (err) {
        expect((err as { code: string }).code).toBe('E_SINGULAR');
        expect((err as { details: { pivot: number } }).details.pivot).toBe(2);
        expect(String(err)).toMatch(/pivot 2/);
      }
      expect(() => e.solveSPD(A, [1, 2, 3], { ridge: 1e-3 })).not.toThrow();
    });
  });
}
