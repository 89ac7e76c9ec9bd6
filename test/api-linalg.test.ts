import { describe, expect, it } from 'vitest';
import { ENGINE_BACKENDS, engine } from './helpers/engines.js';
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
    const wi = w ? w[i]! : 1;
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) xtx[a * d + b]! += wi * data[i * d + a]! * data[i * d + b]!;
      if (y) xty[a]! += wi * data[i * d + a]! * y[i]!;
    }
  }
  return { xtx, xty };
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number) {
  expect(a.length).toBe(b.length);
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(rel * (scale || 1));
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
        for (let i = 0; i < d; i++) A[i * d + i]! += 0.1;
        const r = rng(d);
        const k = 3;
        const b = Float64Array.from({ length: d * k }, () => r());
        const x = e.solveSPD(A, b);
        const res = new Float64Array(d * k);
        for (let i = 0; i < d; i++) for (let c = 0; c < k; c++) {
          let s = 0;
          for (let j = 0; j < d; j++) s += A[i * d + j]! * x[j * k + c]!;
          res[i * k + c] = s - b[i * k + c]!;
        }
        expectClose(res, new Float64Array(d * k), 1e-10);
        const xr = e.solveSPD(A, b.subarray(0, d), { ridge: 2 });
        const A2 = A.slice();
        for (let i = 0; i < d; i++) A2[i * d + i]! += 2;
        expectClose(xr, e.solveSPD(A2, b.subarray(0, d)), 1e-10);
      }
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
