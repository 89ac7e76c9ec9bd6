import { describe, expect, it } from 'vitest';
import { init, SlimfitError } from '../src/index.js';
import { createEngine } from '../src/engine/init.js';
import { rng } from './helpers/harness.js';

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
      const run = (i: number) => {
        switch (i % 5) {
          case 0:
            return e.quantize(w, { bits: 4, granularity: { block: 257 } });
          case 1:
            return e.dequantize(e.quantize(w));
          case 2:
            return e.prune(w, { threshold: 0.1 });
          case 3:
            return e.gram(X, X.data.subarray(0, 20));
          default:
            return e.solveSPD(new Float64Array([4, 1, 1, 3]), [1, 2]);
        }
      };
      for (let i = 0; i < 200; i++) run(i);
      const inUse = e.memory.bytesInUse;
      const size = e.memory.memoryBytes;
      for (let i = 0; i < 10_000; i++) run(i);
      expect(e.memory.bytesInUse).toBe(inUse);
      expect(e.memory.memoryBytes).toBe(size);
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
  });
}
