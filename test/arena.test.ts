import { describe, expect, it } from 'vitest';
import { Arena, MAX_ALLOC_BYTES } from '../src/engine/arena.js';
import { SlimfitError } from '../src/errors.js';
import { rng } from './helpers/harness.js';

function fresh(): Arena {
  return new Arena(new WebAssembly.Memory({ initial: 1, maximum: 65536 }), 16);
}

describe('Arena (the linear-memory owner)', () => {
  it('hands out 16-byte aligned, non-overlapping blocks', () => {
    const a = fresh();
    const blocks: [number, number][] = [];
    const r = rng(1);
    for (let i = 0; i < 200; i++) {
      const size = 1 + Math.floor(r() * 5000);
      const p = a.alloc(size);
      expect(p % 16).toBe(0);
      blocks.push([p, size]);
    }
    blocks.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i][0]).toBeGreaterThanOrEqual(blocks[i - 1][0] + blocks[i - 1][1]);
  });

  it('reuses freed space and coalesces neighbours (no growth under churn)', () => {
    const a = fresh();
    const r = rng(2);
    const live: number[] = [];
    for (let i = 0; i < 2000; i++) {
      if (live.length > 0 && r() < 0.5) a.release(live.splice(Math.floor(r() * live.length), 1)[0]);
      else live.push(a.alloc(16 + Math.floor(r() * 4096)));
    }
    for (const p of live) a.release(p);
    expect(a.bytesInUse).toBe(0);
    expect(a.liveBlocks).toBe(0);
    const grown = a.memoryBytes;
    // After everything is freed the whole heap is one hole again: a block as
    // large as the memory minus the base fits without growing.
    const p = a.alloc(grown - 32);
    expect(p).toBe(16);
    expect(a.memoryBytes).toBe(grown);
  });

  it('grows memory and keeps earlier contents', () => {
    const a = fresh();
    const p = a.alloc(100);
    a.bytes(p, 100).fill(7);
    const before = a.memoryBytes;
    a.alloc(10 * 65536);
    expect(a.memoryBytes).toBeGreaterThan(before);
    expect(Array.from(a.bytes(p, 100)).every((v) => v === 7)).toBe(true);
  });

  it('refuses blocks over 1 GiB and double frees with E_MEMORY', () => {
    const a = fresh();
    expect(() => a.alloc(MAX_ALLOC_BYTES + 1)).toThrowError(SlimfitError);
    try {
      a.alloc(MAX_ALLOC_BYTES + 1);
    } catch (e) {
      expect((e as SlimfitError).code).toBe('E_MEMORY');
    }
    // exact bytes, not "1.00 GiB exceeds the 1 GiB limit"
    expect(() => a.alloc(MAX_ALLOC_BYTES + 1)).toThrow(/a single buffer of 1073741825 bytes \(1\.00 GiB\) exceeds the WebAssembly limit of 1073741824 bytes/);
    const p = a.alloc(64);
    a.release(p);
    expect(() => a.release(p)).toThrow(/E_MEMORY/);
  });

  it('refuses to pass 4 GiB in all with E_MEMORY, not a trap', () => {
    // A memory whose maximum is small stands in for the 4 GiB cap: the same
    // path (grow refused) must surface as E_MEMORY.
    const a = new Arena(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 16);
    expect(() => a.alloc(5 * 65536)).toThrow(/E_MEMORY/);
    // the arena is still usable afterwards
    expect(a.alloc(1000)).toBe(16);
  });
});
