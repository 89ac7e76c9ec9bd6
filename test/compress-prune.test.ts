import { describe, expect, it } from 'vitest';
import { pruneBySpec, pruneGlobal } from '../src/compress/prune-spec.js';
import { SparseTensor } from '../src/compress/sparse-tensor.js';
import { rng, normal } from '../src/random.js';
import { engine } from './helpers/engines.js';
import { nmReferenceMask } from './helpers/nm-reference.js';

const engines = [await engine('wasm'), await engine('js')];

function randn(n: number, seed: number): Float64Array {
  const z = normal(rng(seed));
  return Float64Array.from({ length: n }, () => z());
}
/** Exact element-wise equality (vitest's deep equality is slow on long typed arrays). */
const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => Object.is(v, b[i]));
const bit = (m: Uint8Array, i: number) => (m[i >> 3] >> (i & 7)) & 1;
const keptIdx = (m: Uint8Array, n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => bit(m, i));

/** Independent reference: sort indices by (-score, index), keep the first k. */
function refTopK(scores: ArrayLike<number>, k: number): number[] {
  return Array.from({ length: scores.length }, (_, i) => i)
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, k)
    .sort((a, b) => a - b);
}

describe('SparseTensor storage', () => {
  it('round-trips through both formats and picks the smaller one', () => {
    for (const density of [0.9, 0.5, 0.1, 0.02, 0.001]) {
      const rows = 40;
      const cols = 250;
      const n = rows * cols;
      const r = rng(Math.round(density * 1000));
      const dense = new Float32Array(n);
      const mask = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) {
        if (r() < density) {
          dense[i] = r() - 0.5;
          mask[i >> 3] |= 1 << (i & 7);
        } else dense[i] = 99; // not kept: must be dropped, not stored
      }
      const t = SparseTensor.fromDense(dense, mask, [rows, cols]);
      const kept = keptIdx(mask, n).length;
      const bitmaskBytes = Math.ceil(n / 8) + 4 * kept;
      const csrBytes = (rows + 1) * 4 + 2 * kept + 4 * kept;
      expect(t.bytes).toBe(Math.min(bitmaskBytes, csrBytes, 4 * n));
      expect(t.format).toBe(4 * n < Math.min(bitmaskBytes, csrBytes) ? 'dense' : bitmaskBytes <= csrBytes ? 'bitmask' : 'csr');
      expect(t.bytes).toBeLessThanOrEqual(t.denseBytes);
      expect(t.kept).toBe(kept);
      expect(t.denseBytes).toBe(4 * n);
      const back = t.toDense();
      expect(back).toBeInstanceOf(Float32Array);
      expect(same(back, Float32Array.from(dense, (v, i) => (bit(mask, i) ? v : 0)))).toBe(true);
      expect(same(t.mask, mask)).toBe(true);
      expect(same(t.values, back)).toBe(true);
    }
  });

  it('is never larger than the dense tensor: a dense format when almost nothing is pruned', () => {
    // the audit's case: nothing pruned, so the bitmask (1 byte) was pure overhead: 33 > 32 bytes
    const t0 = pruneBySpec(engines[0], Float64Array.of(0, 1, 2, 0), { sparsity: 0 });
    expect(t0.kept).toBe(4); // kept zeros stay kept
    expect(t0.format).toBe('dense');
    expect(t0.bytes).toBe(32);
    expect(t0.denseBytes).toBe(32);
    expect(Array.from(t0.toDense())).toEqual([0, 1, 2, 0]);
    // every count of pruned elements over f32 and f64, flat and 2-D: bytes <= denseBytes, and dense exactly when it is smaller
    for (const [n, shape] of [[64, undefined], [100, [10, 10]], [257, undefined]] as const) {
      for (const Ctor of [Float32Array, Float64Array]) {
        const eb = Ctor.BYTES_PER_ELEMENT;
        for (let pruned = 0; pruned <= Math.min(n, 12); pruned++) {
          const dense = new Ctor(n);
          for (let i = 0; i < n; i++) dense[i] = (i % 5) - 2; // includes kept zeros
          const mask = new Uint8Array((n + 7) >> 3);
          for (let i = pruned; i < n; i++) mask[i >> 3] |= 1 << (i & 7); // the first `pruned` are removed
          const t = SparseTensor.fromDense(dense, mask, shape ? [...shape] : undefined);
          const kept = n - pruned;
          const rows = shape ? shape[0] : 1;
          const bitmaskBytes = ((n + 7) >> 3) + kept * eb;
          const csrBytes = (rows + 1) * 4 + kept * (2 + eb);
          expect(t.bytes).toBeLessThanOrEqual(t.denseBytes);
          expect(t.format).toBe(n * eb < Math.min(bitmaskBytes, csrBytes) ? 'dense' : bitmaskBytes <= csrBytes ? 'bitmask' : 'csr');
          expect(t.kept).toBe(kept);
          expect(same(t.mask, mask)).toBe(true);
          const want = dense.slice();
          want.fill(0, 0, pruned);
          expect(same(t.toDense(), want)).toBe(true);
          expect(t.data.length).toBe(kept); // survivors stay packed in memory
          // the file encoding: pruned -> -0.0, kept zeros -> +0.0, read back exactly
          if (t.format === 'dense') {
            const enc = t.denseWithMarkers();
            for (let i = 0; i < n; i++) expect(Object.is(enc[i], i < pruned ? -0 : dense[i] === 0 ? 0 : dense[i])).toBe(true);
            const back = SparseTensor.fromDenseWithMarkers(enc, kept, shape ? [...shape] : undefined)!;
            expect([back.format, back.kept, same(back.mask, mask), same(back.data, t.data)]).toEqual(['dense', kept, true, true]);
            expect(SparseTensor.fromDenseWithMarkers(enc, kept - 1)).toBeUndefined();
          }
        }
      }
    }
    // compressed models keep an index-only tensor: never 'dense' (the model's own 'dense' index means all kept)
    const idx = SparseTensor.fromDense(new Float32Array(64), Uint8Array.from({ length: 8 }, (_, i) => (i === 0 ? 0xfe : 0xff)), [1, 64], { dense: false });
    expect(idx.format).toBe('bitmask');
  });

  it('uses 32-bit column indices beyond 65536 columns, and handles nothing kept', () => {
    const n = 70000;
    const dense = new Float64Array(n);
    const mask = new Uint8Array((n + 7) >> 3);
    for (const i of [3, 65535, 65536, 69999]) {
      dense[i] = i;
      mask[i >> 3] |= 1 << (i & 7);
    }
    const t = SparseTensor.fromDense(dense, mask);
    expect(t.format).toBe('csr');
    expect(t.colIdx).toBeInstanceOf(Uint32Array);
    expect(t.bytes).toBe(8 + 4 * 4 + 4 * 8);
    expect(same(t.toDense(), dense)).toBe(true);
    const none = SparseTensor.fromDense(new Float64Array(10), new Uint8Array(2));
    expect(none.kept).toBe(0);
    expect(none.sparsity).toBe(1);
    expect(none.toDense()).toEqual(new Float64Array(10));
  });
});

describe('pruneBySpec', () => {
  it('{ sparsity }: exactly round(s * n) removed, the largest |w| kept, ties to the lower index, both backends alike', () => {
    for (const n of [1, 2, 3, 7, 64, 1001]) {
      const w = randn(n, n);
      for (let i = 0; i < n; i += 3) w[i] = i % 2 ? 0.5 : -0.5; // many ties at |w| = 0.5
      for (const s of [0, 0.1, 0.5, 0.75, 0.9, 0.999]) {
        const k = n - Math.round(s * n);
        const want = refTopK(Float64Array.from(w, Math.abs), k);
        for (const e of engines) {
          for (const importance of ['magnitude', 'l1', 'l2'] as const) {
            const t = pruneBySpec(e, w, { sparsity: s, importance });
            expect(t.kept).toBe(k);
            expect(keptIdx(t.mask, n)).toEqual(want);
          }
        }
      }
    }
  });

  it("scope 'row' keeps the same count in every row", () => {
    const rows = 9;
    const cols = 13;
    const w = Float32Array.from(randn(rows * cols, 5));
    for (const e of engines) {
      const t = pruneBySpec(e, w, { sparsity: 0.6, scope: 'row', shape: [rows, cols] });
      expect(t.shape).toEqual([rows, cols]);
      const m = t.mask;
      for (let r = 0; r < rows; r++) {
        const row = Array.from(w.subarray(r * cols, (r + 1) * cols), Math.abs);
        const want = refTopK(row, cols - Math.round(0.6 * cols)).map((c) => r * cols + c);
        expect(keptIdx(m, rows * cols).filter((i) => Math.floor(i / cols) === r)).toEqual(want);
      }
    }
  });

  it('{ structured }: whole rows / columns go, ranked by the chosen norm', () => {
    // column 0: one large weight (big L2, small L1); column 1: many medium ones (big L1, smaller L2)
    const rows = 4;
    const cols = 3;
    const w = Float64Array.from([3, 1, 0.1, 0, 1, 0.1, 0, 1, 0.1, 0, 1, 0.1]);
    const e = engines[0];
    const l2 = pruneBySpec(e, w, { structured: 'cols', norm: 2, sparsity: 0.34, shape: [rows, cols] });
    const l1 = pruneBySpec(e, w, { structured: 'cols', norm: 1, sparsity: 0.34, shape: [rows, cols] });
    const colsKept = (t: SparseTensor) => [...new Set(keptIdx(t.mask, 12).map((i) => i % cols))];
    expect(colsKept(l2)).toEqual([0, 1]); // round(0.34 * 3) = 1 column removed: column 2
    expect(l2.kept).toBe(8);
    const l1two = pruneBySpec(e, w, { structured: 'cols', norm: 1, sparsity: 0.67, shape: [rows, cols] });
    const l2two = pruneBySpec(e, w, { structured: 'cols', norm: 2, sparsity: 0.67, shape: [rows, cols] });
    expect(colsKept(l1two)).toEqual([1]); // L1: column 1 (4) beats column 0 (3)
    expect(colsKept(l2two)).toEqual([0]); // L2: column 0 (3) beats column 1 (2)
    expect(l1.kept).toBe(8);
    const byRows = pruneBySpec(e, w, { structured: 'rows', sparsity: 0.5, shape: [rows, cols] });
    expect(keptIdx(byRows.mask, 12)).toEqual([0, 1, 2, 3, 4, 5]); // rows 1-3 tie: lower index kept
  });

  it('{ nm }: n largest of every m consecutive; rows restart the runs; a short tail keeps min(n, len)', () => {
    const w = randn(4 * 10, 8);
    for (const e of engines) {
      for (const [nk, m] of [
        [2, 4],
        [4, 8],
        [1, 3],
      ] as [number, number][]) {
        const flat = pruneBySpec(e, w, { nm: [nk, m] });
        const rowsT = pruneBySpec(e, w, { nm: [nk, m], shape: [4, 10] });
        for (const [t, rowLen] of [
          [flat, 40],
          [rowsT, 10],
        ] as const) {
          const got = keptIdx(t.mask, 40);
          const want: number[] = [];
          for (let r0 = 0; r0 < 40; r0 += rowLen) {
            for (let g = r0; g < r0 + rowLen; g += m) {
              const len = Math.min(m, r0 + rowLen - g);
              want.push(...refTopK(Array.from(w.subarray(g, g + len), Math.abs), Math.min(nk, len)).map((i) => g + i));
            }
          }
          expect(got).toEqual(want.sort((a, b) => a - b));
        }
      }
    }
  });

  it('{ nm } through the kernel: bit-identical to the replaced TS selection, typed arrays and engine.memory buffers, both engines', () => {
    // The TS selection the nmPrune kernels replaced: test/helpers/nm-reference.ts.
    const oldMask = nmReferenceMask;
    const rows = 37;
    const cols = 27; // runs of 4 and 8 end mid-row
    const base = randn(rows * cols, 12);
    for (let i = 0; i < base.length; i += 5) base[i] = i % 2 ? -0.5 : 0.5; // ties
    for (let i = 3; i < base.length; i += 11) base[i] = i % 2 ? -0 : 0;
    for (const e of engines) {
      for (const w of [base, Float32Array.from(base)]) {
        for (const [nk, m] of [[2, 4], [4, 8], [1, 4], [3, 8], [2, 3], [8, 16]] as [number, number][]) {
          for (const shape of [undefined, [rows, cols] as [number, number]]) {
            const want = oldMask(w, nk, m, shape ? cols : w.length);
            const t = e.prune(w, { nm: [nk, m], shape });
            expect(same(t.mask, want), `${e.backend} ${nk}:${m} ${shape ? 'rows' : 'flat'} mask`).toBe(true);
            const dense = t.toDense();
            expect(same(dense, Array.from(w, (v, i) => (bit(want, i) ? v : 0))), 'survivors, bit for bit').toBe(true);
            // zero-copy input: the same tensor from an engine.memory buffer, which is left untouched
            const live = e.arena.liveBlocks;
            const buf = w instanceof Float32Array ? e.memory.f32(w.length) : e.memory.f64(w.length);
            buf.view.set(w);
            const tb = w instanceof Float32Array ? e.prune(buf as ReturnType<typeof e.memory.f32>, { nm: [nk, m], shape }) : e.prune(buf as ReturnType<typeof e.memory.f64>, { nm: [nk, m], shape });
            expect(tb.data.constructor).toBe(w.constructor);
            expect(same(tb.mask, want) && same(tb.data, t.data) && tb.format === t.format, 'buffer input').toBe(true);
            expect(same(buf.view, w), 'buffer untouched').toBe(true);
            buf.free();
            expect(e.arena.liveBlocks, 'temporaries released').toBe(live);
          }
        }
      }
    }
  });

  it('{ nm }: a NaN / ±Infinity is found in the kernel pass and named (E_NONFINITE with its index)', () => {
    for (const e of engines) {
      for (const at of [0, 13, 99]) {
        const w = new Float32Array(100).fill(0.5);
        w[at] = at === 13 ? -Infinity : NaN;
        let err: unknown;
        try {
          e.prune(w, { nm: [2, 4], shape: [10, 10] });
        } catch (x) {
          err = x;
        }
        expect((err as { code?: string }).code).toBe('E_NONFINITE');
        expect((err as { details?: { index?: number } }).details?.index).toBe(at);
        const live = e.arena.liveBlocks;
        const buf = e.memory.f32(100);
        buf.view.set(w);
        expect(() => e.prune(buf, { nm: [2, 4] })).toThrow(/non-finite/);
        buf.free();
        expect(e.arena.liveBlocks).toBe(live);
      }
    }
  });

  it('{ threshold } matches engine.prune, stored compactly', () => {
    const w = Float32Array.from(randn(300, 21));
    for (const e of engines) {
      const t = pruneBySpec(e, w, { threshold: 0.7 });
      const r = e.prune(w, { threshold: 0.7 });
      expect(t.kept).toBe(r.kept);
      expect(same(t.mask, r.mask)).toBe(true);
      expect(same(t.values, r.values)).toBe(true);
    }
  });

  it('sparse values equal the input where kept (no rescaling)', () => {
    const w = Float32Array.from(randn(100, 1));
    const t = pruneBySpec(engines[0], w, { sparsity: 0.3 });
    const d = t.toDense();
    for (let i = 0; i < 100; i++) expect(d[i]).toBe(bit(t.mask, i) ? w[i] : 0);
    expect(t.data).toBeInstanceOf(Float32Array);
  });
});

describe('pruneGlobal', () => {
  it('ranks all tensors together: same survivors as pruning their concatenation', () => {
    const a = randn(50, 1);
    const b = Float64Array.from(randn(30, 2), (v) => v * 0.1); // small weights: pruned harder
    const c = randn(7, 3);
    for (const e of engines) {
      const res = pruneGlobal(e, [a, b, c], { sparsity: 0.5, shapes: [[5, 10], undefined, undefined] });
      const all = new Float64Array([...a, ...b, ...c]);
      const one = pruneBySpec(e, all, { sparsity: 0.5 });
      const got = [...keptIdx(res[0].mask, 50), ...keptIdx(res[1].mask, 30).map((i) => i + 50), ...keptIdx(res[2].mask, 7).map((i) => i + 80)];
      expect(got).toEqual(keptIdx(one.mask, 87));
      expect(res[0].shape).toEqual([5, 10]);
      expect(res[1].sparsity).toBeGreaterThan(0.9);
    }
  });
});

describe('SparseTensor v0 compatibility fields', () => {
  it('values and mask are built once: the same arrays on every access, toDense() an independent copy', () => {
    const w = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    for (const e of engines) {
      const r = e.prune(w, { threshold: 0.5 });
      expect(r.values).toBe(r.values);
      expect(r.mask).toBe(r.mask);
      expect(r.toDense()).not.toBe(r.values);
      expect(Array.from(r.toDense())).toEqual(Array.from(r.values));
    }
  });
});
