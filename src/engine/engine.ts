/**
 * The Engine: one backend's kernels plus the one Arena that owns its linear
 * memory. It is the bottom of the stack and knows nothing of the operations
 * built on it: every operation is a free function taking the engine first
 * (`gram(engine, X)`, `fitLinear(engine, X, y)`), in its own module, so a
 * bundle carries only what it calls.
 */
import type { Kernels } from '../kernels/types.js';
import { Arena } from './arena.js';
import { MemoryApi } from './buffers.js';
import type { Core } from './core.js';

export type BackendKind = 'wasm-simd' | 'js';

export class Engine implements Core {
  /** Which kernels run: 'wasm-simd' or the pure-TS twin 'js'. */
  readonly backend: BackendKind;
  /** Why 'auto' fell back to the JS twin, when it did. */
  readonly fallbackReason: string | undefined;
  /** Zero-copy buffers in this engine's linear memory. */
  readonly memory: MemoryApi;
  /** @internal */
  readonly kernels: Kernels;
  /** @internal */
  readonly arena: Arena;

  /** @internal Use `init()`. */
  constructor(backend: BackendKind, kernels: Kernels, memory: WebAssembly.Memory, heapBase: number, fallbackReason?: string) {
    this.backend = backend;
    this.kernels = kernels;
    this.arena = new Arena(memory, heapBase);
    this.memory = new MemoryApi(this.arena);
    this.fallbackReason = fallbackReason;
  }
}
