import type { Kernels } from '../types.js';

/** Twin of assembly/finite.ts: first index whose value is NaN or ±Infinity, else -1. */
export function finiteTwin(memory: WebAssembly.Memory): Pick<Kernels, 'findNonFiniteF32' | 'findNonFiniteF64'> {
  return {
    findNonFiniteF32(x, n) {
      const a = new Float32Array(memory.buffer, x, n);
      for (let i = 0; i < n; i++) if (a[i] - a[i] !== 0) return i;
      return -1;
    },
    findNonFiniteF64(x, n) {
      const a = new Float64Array(memory.buffer, x, n);
      for (let i = 0; i < n; i++) if (a[i] - a[i] !== 0) return i;
      return -1;
    },
  };
}
