/**
 * Temporaries for one API call: every block allocated through a Scope is
 * released by `release()`, which callers run in `finally`.
 */
import type { Arena } from './arena.js';
import { bufferPtr, WasmBuffer } from './buffers.js';

export type NumericArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int32Array;

export class Scope {
  private readonly arena: Arena;
  private readonly ptrs: number[] = [];

  constructor(arena: Arena) {
    this.arena = arena;
  }

  /** A temporary block of `bytes`, zero-filled when `zero` is set. */
  alloc(bytes: number, zero = false): number {
    const p = this.arena.alloc(bytes);
    this.ptrs.push(p);
    if (zero) this.arena.bytes(p, bytes).fill(0);
    return p;
  }

  /** Copies `a` into a temporary block and returns its pointer. */
  copyIn(a: NumericArray): number {
    const p = this.alloc(a.byteLength);
    // View derived after the allocation: growth cannot have detached it.
    this.arena.bytes(p, a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return p;
  }

  /** A temporary copy of `bytes` already in linear memory at `ptr` (memory to memory, no JS-heap copy). */
  cloneIn(ptr: number, bytes: number): number {
    const p = this.alloc(bytes);
    // View derived after the allocation: growth cannot have detached it.
    new Uint8Array(this.arena.memory.buffer).copyWithin(p, ptr, ptr + bytes);
    return p;
  }

  /**
   * The pointer of an input without copying when it already lives in this
   * linear memory (a WasmBuffer of this engine, or a view of memory.buffer);
   * otherwise a temporary copy.
   */
  input(a: NumericArray | WasmBuffer, what = 'this buffer'): number {
    if (a instanceof WasmBuffer) return bufferPtr(this.arena, a, what);
    if (a.buffer === this.arena.memory.buffer) return a.byteOffset;
    return this.copyIn(a);
  }

  release(): void {
    for (let i = this.ptrs.length - 1; i >= 0; i--) this.arena.release(this.ptrs[i]);
    this.ptrs.length = 0;
  }
}
