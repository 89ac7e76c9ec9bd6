import { SlimfitError } from '../errors.js';
import type { Kernels } from '../kernels/types.js';
import type { Arena } from './arena.js';

/** What an operation needs from an engine: the kernels and the memory owner. */
export interface Core {
  readonly kernels: Kernels;
  readonly arena: Arena;
}

/**
 * Validates n values already in linear memory at memory bandwidth (a kernel,
 * not a JS loop). `offset` shifts the reported index for chunked inputs.
 */
export function checkFinite(core: Core, ptr: number, n: number, kind: 'f32' | 'f64', what: string, offset = 0, cols = 0): void {
  const i = kind === 'f32' ? core.kernels.findNonFiniteF32(ptr, n) : core.kernels.findNonFiniteF64(ptr, n);
  if (i < 0) return;
  const at = offset + i;
  const v = kind === 'f32' ? new Float32Array(core.arena.memory.buffer, ptr + 4 * i, 1)[0] : new Float64Array(core.arena.memory.buffer, ptr + 8 * i, 1)[0];
  const where = cols > 0 ? `row ${Math.floor(at / cols)}, column ${at % cols}` : `index ${at}`;
  throw new SlimfitError('E_NONFINITE', `${what} has a non-finite value (${v}) at ${where}; remove or impute it first`, { index: at });
}
