/**
 * quantize's copying paths stream through one chunk (src/ops/quantize-chunked.ts):
 * their codes and scales must be bit-identical to the whole-tensor path (a
 * buffer quantized into `out`), across chunk boundaries, for every granularity
 * and bit width, on both backends; non-finite input is still named by index.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { init } from '../src/engine/init.js';
import type { Engine } from '../src/engine/engine.js';
import { quantize } from '../src/ops/quantize.js';
import { CHUNK } from '../src/ops/quantize-chunked.js';
import type { Granularity } from '../src/types.js';
import { rng } from './helpers/harness.js';
import { expectCode } from './helpers/engines.js';

let engines: Engine[];
beforeAll(async () => {
  engines = [await init({ backend: 'wasm' }), await init({ backend: 'js' })];
});

function values(n: number, seed: number): Float32Array {
  const r = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (r() * 2 - 1) * (1 + 8 * ((i >> 10) % 3)); // groups of different ranges
  return a;
}

/** The whole-tensor path: input in a buffer, codes into `out` (never chunked). */
function reference(e: Engine, w: Float32Array, bits: number, granularity: Granularity) {
  const x = e.memory.f32(w.length);
  const signed = bits > 4;
  const bytes = bits > 4 ? w.length : bits > 2 ? Math.ceil(w.length / 2) : Math.ceil(w.length / 4);
  const out = signed ? e.memory.i8(bytes) : e.memory.u8(bytes);
  try {
    x.view.set(w);
    const q = quantize(e, x, { bits, granularity, out });
    return { data: out.toArray(), scale: q.scale };
  } finally {
    x.free();
    out.free();
  }
}

const n = 2 * CHUNK + 4096 + 32 * 3; // three chunks, the last one short
const cases: [string, Granularity, number][] = [
  ['tensor', 'tensor', n],
  ['blocks of 32', { block: 32 }, n],
  ['blocks of 24 (not a power of two)', { block: 24 }, 24 * 6000],
  ['rows', { axis: 0, shape: [n / 8, 8] }, n],
  ['columns (axis 1, 40 cols)', { axis: 1, shape: [4000, 40] }, 160_000],
  ['columns (axis 1, 3 cols)', { axis: 1, shape: [50_001, 3] }, 150_003],
];

describe('quantize, copying paths in chunks: bit-identical to the whole-tensor path', () => {
  for (const [name, granularity, len] of cases) {
    it(name, () => {
      const w = values(len, len);
      for (const e of engines) {
        for (const bits of [8, 5, 4, 3, 2]) {
          const ref = reference(e, w, bits, granularity);
          const heap = quantize(e, w, { bits, granularity });
          expect(Buffer.from(heap.data.buffer, heap.data.byteOffset, heap.data.byteLength).equals(Buffer.from(ref.data.buffer, ref.data.byteOffset, ref.data.byteLength)), `${e.backend} ${bits} bits heap`).toBe(true);
          expect(Array.from(heap.scale)).toEqual(Array.from(ref.scale));
          // the same from float64 values (rounded to float32 first, as the whole path does)
          const h64 = quantize(e, Float64Array.from(w), { bits, granularity });
          expect(Buffer.from(h64.data.buffer).equals(Buffer.from(heap.data.buffer)), `${e.backend} ${bits} bits f64`).toBe(true);
          // buffer in, no out: a fresh result
          const x = e.memory.f32(len);
          try {
            x.view.set(w);
            const b = quantize(e, x, { bits, granularity });
            expect(Buffer.from(b.data.buffer).equals(Buffer.from(heap.data.buffer)), `${e.backend} ${bits} bits buffer`).toBe(true);
            expect(b.data.buffer).not.toBe(e.arena.memory.buffer);
          } finally {
            x.free();
          }
        }
      }
    });
  }

  it('heap input into `out`, and a view of linear memory as input', () => {
    const e = engines[0];
    const w = values(n, 3);
    const ref = reference(e, w, 8, 'tensor');
    const out = e.memory.i8(n);
    try {
      quantize(e, w, { bits: 8, out });
      expect(Buffer.from(out.toArray().buffer).equals(Buffer.from(ref.data.buffer))).toBe(true);
    } finally {
      out.free();
    }
    const x = e.memory.f32(n);
    try {
      x.view.set(w);
      const q = quantize(e, x.view, { bits: 8 });
      expect(Buffer.from(q.data.buffer).equals(Buffer.from(ref.data.buffer))).toBe(true);
    } finally {
      x.free();
    }
  });

  it('a NaN or Infinity in a later chunk is still refused, naming its index; no temporaries leak', () => {
    for (const e of engines) {
      const live = e.arena.liveBlocks;
      for (const bad of [NaN, Infinity, -Infinity]) {
        const w = values(n, 5);
        w[CHUNK + 77] = bad;
        expectCode(() => quantize(e, w, { bits: 8 }), 'E_NONFINITE');
        try {
          quantize(e, w, { bits: 4, granularity: { block: 32 } });
        } catch (err) {
          expect(String(err)).toContain(String(CHUNK + 77));
        }
      }
      expect(e.arena.liveBlocks).toBe(live);
    }
  });
});
