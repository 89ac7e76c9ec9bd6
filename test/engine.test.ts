import { describe, expect, it } from 'vitest';
import { init, SlimfitError } from '../src/index.js';
import { createEngine } from '../src/engine/init.js';
import { rng } from './helpers/harness.js';
import { codeOf } from './helpers/engines.js';
import type { Engine } from '../src/index.js';

/** Two adjacent blocks [a][b] (a allocated first, b right after it in memory). */
function adjacent<A extends { ptr: number; byteLength: number; free(): void }, B extends { ptr: number; free(): void }>(
  makeA: () => A,
  makeB: () => B,
): { a: A; b: B; release: () => void } {
  const spare: { free(): void }[] = [];
  for (let i = 0; i < 64; i++) {
    const a = makeA();
    const b = makeB();
    if (b.ptr === a.ptr + a.byteLength) return { a, b, release: () => [a, b, ...spare].forEach((x) => x.free()) };
    spare.push(a, b);
  }
  throw new Error('could not get two adjacent blocks');
}

/** A copy of an engine's whole linear memory, for "nothing was written" checks. */
function snapshot(e: Engine): Buffer {
  return Buffer.from(new Uint8Array(e.arena.memory.buffer).slice());
}

/** Whether `now` starts with exactly the bytes of `then` (memory only grows). */
function unchanged(then: Buffer, now: Buffer): boolean {
  return now.length >= then.length && now.subarray(0, then.length).equals(then);
}

describe('init()', () => {
  it("'auto' picks wasm-simd here and caches the engine", async () => {
    const a = await init();
    const b = await init({ backend: 'auto' });
    expect(a.backend).toBe('wasm-simd');
    expect(a.fallbackReason).toBeUndefined();
    expect(b).toBe(a);
  });

  it("'js' gives the twin", async () => {
    const e = await init({ backend: 'js' });
    expect(e.backend).toBe('js');
  });

  it("falls back to the twin on 'auto' without SIMD, with a visible reason; 'wasm' refuses", async () => {
    const e = await createEngine('auto', false);
    expect(e.backend).toBe('js');
    expect(e.fallbackReason).toMatch(/SIMD/);
    await expect(createEngine('wasm', false)).rejects.toMatchObject({ code: 'E_BACKEND' });
  });

  it('rejects an unknown backend with E_RANGE', async () => {
    await expect(init({ backend: 'gpu' as never })).rejects.toBeInstanceOf(SlimfitError);
    await expect(init({ backend: 'gpu' as never })).rejects.toMatchObject({ code: 'E_RANGE' });
  });
});

for (const backend of ['wasm', 'js'] as const) {
  describe(`linear memory (${backend})`, () => {
    it('keeps results right when memory grows between calls', async () => {
      const e = await init({ backend });
      const r = rng(5);
      const w = Float32Array.from({ length: 1000 }, () => r() * 2 - 1);
      const before = e.dequantize(e.quantize(w));
      // A buffer held across growth: its `view` getter must stay live.
      const held = e.memory.f32(1000);
      held.view.set(w);
      const grownFrom = e.memory.memoryBytes;
      const big = e.memory.f64(4_000_000); // 32 MB: forces growth
      expect(e.memory.memoryBytes).toBeGreaterThan(grownFrom);
      expect(Array.from(held.view)).toEqual(Array.from(w));
      const q = e.quantize(held);
      expect(Array.from(e.dequantize(q))).toEqual(Array.from(before));
      const g = e.gram([[1, 2], [3, 4]]);
      expect(Array.from(g.xtx)).toEqual([10, 14, 14, 20]);
      big.free();
      held.free();
    });

    it('does not leak: 10^4 calls leave memory in use and memory size unchanged', async () => {
      const e = await init({ backend });
      const r = rng(6);
      const w = Float32Array.from({ length: 257 }, () => r() - 0.5);
      const X = { rows: 20, cols: 3, data: Float64Array.from({ length: 60 }, () => r()) };
      // The zero-copy paths: inputs and outputs in linear memory, in place too.
      const W = e.memory.f32(257);
      const Wout = e.memory.f32(257);
      const Q8 = e.memory.i8(257);
      const Q4 = e.memory.u8(129);
      const D = e.memory.f32(257);
      const XB = e.memory.f64(60);
      const YB = e.memory.f64(20);
      const WB = e.memory.f64(20);
      const XTX = e.memory.f64(9);
      const XTY = e.memory.f64(3);
      const A = e.memory.f64(4);
      const B = e.memory.f64(2);
      const S = e.memory.f64(2);
      const Wnan = e.memory.f32(8);
      const reset = () => {
        W.view.set(w);
        XB.view.set(X.data);
        YB.view.set(X.data.subarray(0, 20));
        WB.view.fill(1);
        A.view.set([4, 1, 1, 3]);
        B.view.set([1, 2]);
        Wnan.view.set([1, 2, NaN, 4, 5, 6, 7, 8]);
      };
      reset();
      const run = (i: number) => {
        switch (i % 14) {
          case 0:
            return e.quantize(w, { bits: 4, granularity: { block: 257 } });
          case 1:
            return e.dequantize(e.quantize(w));
          case 2:
            return e.prune(w, { threshold: 0.1 });
          case 3:
            return e.gram(X, X.data.subarray(0, 20));
          case 4:
            return e.solveSPD(new Float64Array([4, 1, 1, 3]), [1, 2]);
          case 5:
            return e.prune(W, { threshold: 0.1, out: Wout });
          case 6:
            return e.dequantize(e.quantize(W, { out: Q8 }), { out: D });
          case 7:
            return e.dequantize({ ...e.quantize(W, { bits: 4, scheme: 'affine', out: Q4 }), data: Q4 }, { out: D });
          case 8:
            return e.gram({ rows: 20, cols: 3, data: XB }, YB, { weights: WB, out: { xtx: XTX, xty: XTY } });
          case 9:
            return e.gram(X, X.data.subarray(0, 20), { out: { xtx: XTX } });
          case 10:
            return e.solveSPD(A, B, { out: S });
          case 11:
            e.prune(Wout, { threshold: 0.1, out: Wout }); // in place
            return e.solveSPD(A, S, { out: S }); // in place
          case 12:
            return codeOf(() => e.prune(Wnan, { threshold: 0, out: Wnan })); // in place, throws
          default:
            return codeOf(() => e.solveSPD(A, B, { out: XTX })); // bad out length, throws
        }
      };
      for (let i = 0; i < 280; i++) run(i);
      const inUse = e.memory.bytesInUse;
      const size = e.memory.memoryBytes;
      for (let i = 0; i < 10_000; i++) run(i);
      expect(e.memory.bytesInUse).toBe(inUse);
      expect(e.memory.memoryBytes).toBe(size);
      expect(codeOf(() => e.prune(Wnan, { threshold: 0, out: Wnan }))).toBe('E_NONFINITE');
      for (const b of [W, Wout, Q8, Q4, D, XB, YB, WB, XTX, XTY, A, B, S, Wnan]) b.free();
    });

    it('frees temporaries when a call throws', async () => {
      const e = await init({ backend });
      const inUse = e.memory.bytesInUse;
      const w = new Float32Array(100);
      w[37] = NaN;
      for (let i = 0; i < 50; i++) expect(() => e.quantize(w)).toThrow(/E_NONFINITE/);
      expect(() => e.solveSPD(new Float64Array([1, 2, 2, 1]), [1, 1])).toThrow(/E_SINGULAR/);
      expect(e.memory.bytesInUse).toBe(inUse);
    });

    it('buffers: live view, toArray copy, free is idempotent, use after free is E_MEMORY', async () => {
      const e = await init({ backend });
      const b = e.memory.f64(10);
      b.view.fill(3);
      const copy = b.toArray();
      const probe = e.memory.f64(1);
      expect(copy.buffer).not.toBe(probe.view.buffer);
      probe.free();
      b.free();
      b.free();
      expect(() => b.view).toThrow(/E_MEMORY/);
      expect(() => e.memory.f32(2 ** 28 + 1)).toThrow(/E_MEMORY/); // > 1 GiB
      expect(() => e.memory.f32(-1)).toThrow(/E_SHAPE/);
    });

    it("refuses another engine's buffer", async () => {
      const e = await init({ backend });
      const other = await init({ backend: backend === 'wasm' ? 'js' : 'wasm' });
      const b = other.memory.f32(8);
      expect(() => e.prune(b, { threshold: 0 })).toThrow(/E_MEMORY/);
      b.free();
    });

    it("out buffers are checked like inputs: another engine's, freed, wrong kind or length are refused before anything is written", async () => {
      const e = await init({ backend });
      const other = await init({ backend: backend === 'wasm' ? 'js' : 'wasm' });
      const X = [[1, 2, 3, 4, 5], [2, 3, 4, 5, 6], [7, 1, 2, 3, 1]];
      const before = Array.from(e.gram(X).xtx);
      const w = Float32Array.from({ length: 4096 }, (_, i) => (i % 7) - 3);
      const W = e.memory.f32(4096);
      W.view.set(w);
      // another engine's buffers: same kinds and lengths, so only ownership can catch them
      const foreign = { f32: other.memory.f32(4096), f64: other.memory.f64(4096), i8: other.memory.i8(4096), u8: other.memory.u8(2048) };
      const q = e.quantize(w);
      const mine = snapshot(e);
      const theirs = snapshot(other);
      const cases: [string, () => unknown][] = [
        ['prune out', () => e.prune(W, { threshold: 0, out: foreign.f32 as never })],
        ['prune out (typed w)', () => e.prune(w, { threshold: 0, out: foreign.f32 })],
        ['prune f64 out', () => e.prune(Float64Array.from(w), { threshold: 0, out: foreign.f64 })],
        ['quantize out', () => e.quantize(W, { out: foreign.i8 })],
        ['quantize packed out', () => e.quantize(w, { bits: 4, out: foreign.u8 })],
        ['dequantize out', () => e.dequantize(q, { out: foreign.f32 })],
        ['dequantize q.data', () => e.dequantize({ ...q, data: foreign.i8 })],
        ['gram X', () => e.gram({ rows: 1024, cols: 4, data: foreign.f64 })],
        ['gram out', () => e.gram(X, undefined, { out: { xtx: other.memory.f64(25) } })],
        ['solveSPD A', () => e.solveSPD(other.memory.f64(1), [1])],
        ['solveSPD out', () => e.solveSPD(new Float64Array([2]), [1], { out: other.memory.f64(1) })],
      ];
      for (const [name, f] of cases) {
        let err: unknown;
        try {
          f();
        } catch (x) {
          err = x;
        }
        expect((err as SlimfitError | undefined)?.code, name).toBe('E_MEMORY');
        expect(String(err), name).toMatch(/belongs to another engine/);
      }
      // nothing written in either memory (allocating, as some cases do in the other engine, writes nothing)
      expect(unchanged(mine, snapshot(e))).toBe(true);
      expect(unchanged(theirs, snapshot(other))).toBe(true);
      expect(Array.from(e.gram(X).xtx)).toEqual(before); // static data intact (the audit's p11)
      expect(Array.from(e.dequantize(e.quantize(new Float32Array([0.5, -1, 2, 3]), { bits: 4 })))).toEqual([0.5, -1, 2, 3].map((v) => Math.fround(Math.round((v / 3) * 7) * Math.fround(3 / 7))));

      // freed, wrong kind, wrong length: this engine's own buffers
      const freed = e.memory.f32(4096);
      freed.free();
      expect(codeOf(() => e.prune(W, { threshold: 0, out: freed }))).toBe('E_MEMORY');
      expect(String((() => { try { e.prune(W, { threshold: 0, out: freed }); } catch (x) { return x; } })())).toMatch(/freed/);
      const f64 = e.memory.f64(4096);
      const short = e.memory.f32(4095);
      const u8 = e.memory.u8(4096);
      expect(codeOf(() => e.prune(W, { threshold: 0, out: f64 as never }))).toBe('E_SHAPE');
      expect(codeOf(() => e.prune(W, { threshold: 0, out: short }))).toBe('E_SHAPE');
      expect(codeOf(() => e.quantize(W, { out: u8 }))).toBe('E_SHAPE'); // symmetric 8-bit wants i8
      expect(codeOf(() => e.dequantize(q, { out: short }))).toBe('E_SHAPE');
      expect(codeOf(() => e.prune(W, { threshold: 0, out: w as never }))).toBe('E_SHAPE'); // not a buffer
      expect(Array.from(W.view)).toEqual(Array.from(w));
      for (const b of [W, f64, short, u8, ...Object.values(foreign)]) b.free();
    });

    it('in-place prune validates before writing: a NaN or ±Infinity throws E_NONFINITE and leaves w untouched', async () => {
      const e = await init({ backend });
      for (const bad of [NaN, Infinity, -Infinity]) {
        for (const n of [9, 64, 1001]) {
          const v = Array.from({ length: n }, (_, i) => (i % 5) * 0.1);
          v[n >> 1] = bad;
          for (const kind of ['f32', 'f64'] as const) {
            const B = kind === 'f32' ? e.memory.f32(n) : e.memory.f64(n);
            B.view.set(v);
            const snap = Array.from(B.view);
            // out is w itself, and out is w while w is passed as a view of the same bytes
            for (const [label, w] of [['same buffer', B], ['view of out', B.view]] as const) {
              let err: unknown;
              let r: { kept: number } | undefined;
              try {
                r = e.prune(w as never, { threshold: 0.25, out: B as never }) as { kept: number };
              } catch (x) {
                err = x;
              }
              expect(r?.kept, `${label} ${kind} ${bad}`).toBeUndefined(); // never kept: -1
              expect((err as SlimfitError).code).toBe('E_NONFINITE');
              expect((err as SlimfitError).details).toEqual({ index: n >> 1 });
              expect(Array.from(B.view)).toEqual(snap);
            }
            B.free();
          }
        }
      }
      // and a finite in-place prune still works
      const B = e.memory.f32(5);
      B.view.set([0.1, -2, 0.3, 4, -0.2]);
      const r = e.prune(B, { threshold: 0.25, out: B });
      expect(r.kept).toBe(3);
      expect(Array.from(B.view)).toEqual([0, -2, Math.fround(0.3), 4, 0]);
      expect(r.values.buffer).toBe(e.arena.memory.buffer);
      B.free();
    });

    it('prune / quantize / dequantize read right when out overlaps the input without being it', async () => {
      const e = await init({ backend });
      const r = rng(11);
      const mem = () => e.arena.memory.buffer;
      // prune: w is a view starting 16 bytes before out (out's element i overwrites w's element i + 4)
      {
        const { a, b, release } = adjacent(() => e.memory.f32(4), () => e.memory.f32(60));
        const w = new Float32Array(mem(), a.ptr, 60);
        w.set(Float32Array.from({ length: 60 }, () => r() - 0.5));
        const expected = e.prune(w.slice(), { threshold: 0.2 });
        const got = e.prune(new Float32Array(mem(), a.ptr, 60), { threshold: 0.2, out: b });
        expect(got.kept).toBe(expected.kept);
        expect(Array.from(got.values)).toEqual(Array.from(expected.values));
        expect(Array.from(got.mask)).toEqual(Array.from(expected.mask));
        release();
      }
      // quantize: w (64 float32) spans [a (48 float32)][out (64 codes)]
      for (const opts of [{ scheme: 'affine' as const }, {}]) {
        const { a, b, release } = adjacent(() => e.memory.f32(48), () => (opts.scheme === 'affine' ? e.memory.u8(64) : e.memory.i8(64)));
        const w = new Float32Array(mem(), a.ptr, 64);
        w.set(Float32Array.from({ length: 64 }, () => r() * 4 - 2));
        const expected = e.quantize(w.slice(), opts);
        const got = e.quantize(new Float32Array(mem(), a.ptr, 64), { ...opts, out: b as never });
        expect(Array.from(got.data)).toEqual(Array.from(expected.data));
        expect(Array.from(got.scale)).toEqual(Array.from(expected.scale));
        release();
      }
      // dequantize: the codes are the first bytes of out (4 output bytes per code)
      {
        const q = e.quantize(Float32Array.from({ length: 64 }, () => r() * 4 - 2), { scheme: 'affine' });
        const expected = e.dequantize(q);
        const out = e.memory.f32(64);
        new Uint8Array(mem(), out.ptr, 64).set(q.data);
        const got = e.dequantize({ ...q, data: new Uint8Array(mem(), out.ptr, 64) }, { out });
        expect(Array.from(got)).toEqual(Array.from(expected));
        out.free();
      }
    });

    it('dequantize reads q.data from an i8/u8 buffer in place, also after memory growth detached the view quantize returned', async () => {
      const e = await init({ backend });
      const r = rng(12);
      const w = e.memory.f32(1000);
      w.view.set(Float32Array.from({ length: 1000 }, () => r() - 0.5));
      const runs = (
        [
          [{ bits: 8 }, e.memory.i8(1000)],
          [{ bits: 4, scheme: 'affine' as const, granularity: { block: 100 } }, e.memory.u8(500)],
          [{ bits: 2 }, e.memory.u8(250)],
        ] as const
      ).map(([opts, out]) => ({ out, expected: e.dequantize(e.quantize(w.toArray(), opts)), q: e.quantize(w, { ...opts, out: out as never }) }));
      // Past the current size: grows memory, detaching every q.data view.
      const big = e.memory.u8(e.memory.memoryBytes + 65536);
      for (const { out, expected, q } of runs) {
        expect(q.data.length).toBe(0);
        const err = (() => {
          try {
            e.dequantize(q);
          } catch (x) {
            return x as SlimfitError;
          }
        })();
        expect(err?.code).toBe('E_SHAPE');
        expect(err?.message).toMatch(/detached/);
        const D = e.memory.f32(1000);
        expect(Array.from(e.dequantize({ ...q, data: out }))).toEqual(Array.from(expected));
        expect(Array.from(e.dequantize({ ...q, data: out }, { out: D }))).toEqual(Array.from(expected));
        const f = e.memory.f32(1);
        expect(codeOf(() => e.dequantize({ ...q, data: f as never }))).toBe('E_SHAPE');
        f.free();
        D.free();
        out.free();
      }
      big.free();
      w.free();
    });
  });
}
