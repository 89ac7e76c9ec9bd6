/**
 * Kernel-level test harness: the raw Kernels ABI of one backend over a fresh
 * linear memory, with a trivial bump allocator (tests only; the engine has
 * the real allocator). Views are re-derived from memory.buffer on every call.
 */
import type { Kernels } from '../../src/kernels/types.js';
import { createJsKernels } from '../../src/kernels/js/index.js';
import { instantiate } from '../../src/engine/load.js';

export type BackendName = 'wasm' | 'js';
export const BACKENDS: BackendName[] = ['wasm', 'js'];

export interface KernelHarness {
  k: Kernels;
  memory: WebAssembly.Memory;
  /** 16-byte aligned bump allocation, zero-filled; grows memory as needed. */
  alloc(bytes: number): number;
  /** Forget all allocations (memory is kept). */
  reset(): void;
  f64(ptr: number, n: number): Float64Array;
  f32(ptr: number, n: number): Float32Array;
  i32(ptr: number, n: number): Int32Array;
  u8(ptr: number, n: number): Uint8Array;
  i8(ptr: number, n: number): Int8Array;
  /** Allocate and copy a typed array in; returns its pointer. */
  put(a: Float64Array | Float32Array | Int32Array | Uint8Array | Int8Array): number;
}

export async function kernelHarness(backend: BackendName): Promise<KernelHarness> {
  const ex = await instantiate();
  const memory = backend === 'wasm' ? ex.memory : new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  const k: Kernels = backend === 'wasm' ? ex : createJsKernels(memory);
  const base = backend === 'wasm' ? (ex.heapBase() + 15) & ~15 : 16;
  let top = base;
  const h: KernelHarness = {
    k,
    memory,
    alloc(bytes) {
      const ptr = top;
      top = (top + bytes + 15) & ~15;
      const need = top - memory.buffer.byteLength;
      if (need > 0) memory.grow(Math.ceil(need / 65536));
      new Uint8Array(memory.buffer, ptr, bytes).fill(0);
      return ptr;
    },
    reset() {
      top = base;
    },
    f64: (p, n) => new Float64Array(memory.buffer, p, n),
    f32: (p, n) => new Float32Array(memory.buffer, p, n),
    i32: (p, n) => new Int32Array(memory.buffer, p, n),
    u8: (p, n) => new Uint8Array(memory.buffer, p, n),
    i8: (p, n) => new Int8Array(memory.buffer, p, n),
    put(a) {
      const p = h.alloc(a.byteLength);
      new Uint8Array(memory.buffer, p, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return p;
    },
  };
  return h;
}

/** Deterministic PRNG (mulberry32) so failures reproduce. */
export { rng } from '../../src/random.js';

/** The lengths every kernel is tested at (SIMD tails included). */
export const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 63, 64, 65, 1000, 100003];
