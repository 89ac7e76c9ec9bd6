/**
 * Warm-up: V8 first runs a wasm function in its baseline tier, which is 3-4x
 * slower on large kernels; a few tiny calls at init let it tier up before the
 * first real call. Costs well under a millisecond.
 */
import type { Core } from './core.js';
import { Scope } from './scope.js';

const ROUNDS = 3;

export function warmUp(core: Core): void {
  const k = core.kernels;
  const s = new Scope(core.arena);
  try {
    const n = 64;
    const d = 8;
    const x = s.alloc(n * d * 8, true);
    const y = s.alloc(n * 8, true);
    const a = s.alloc(d * d * 8, true);
    const b = s.alloc(d * 8, true);
    const scratch = s.alloc(k.gramScratchBytes(d));
    const f = s.alloc(n * 4, true);
    const q = s.alloc(n, true);
    const sc = s.alloc(n * 4, true);
    const mask = s.alloc(n, true);
    for (let r = 0; r < ROUNDS; r++) {
      new Float64Array(core.arena.memory.buffer, a, d * d).fill(0);
      k.findNonFiniteF64(x, n * d);
      k.findNonFiniteF32(f, n);
      k.gramF64(x, n, d, y, 1, 0, a, b, scratch);
      k.gramCentredF64(x, n, d, y, y, y, 1, 0, a, b, scratch);
      k.colStatsF64(x, n, d, 0, sc, sc + 64, sc + 128);
      k.choleskyF64(a, d, 1);
      k.cholSolveF64(a, d, b, 1);
      k.segMaxAbsF32(f, n, 16, sc);
      k.segMinMaxF32(f, n, 16, sc, sc + 32);
      k.segMaxAbsF64(x, n, 16, sc);
      k.segNormF32(f, n, 16, 2, x);
      k.pruneF32(f, n, 0.5, f, mask);
      k.pruneF64(x, n, 0.5, x, mask);
      k.nmPruneF32(f, n, 16, 2, 4, sc, mask);
      k.nmPruneF64(x, n, 16, 2, 4, y, mask);
      k.kthAbsF32(f, n, 3, sc);
      new Float32Array(core.arena.memory.buffer, sc, 4).fill(1);
      k.quantizeF32(f, n, n, sc, 0, -128, 127, 8, q);
      k.quantizeF32(f, n, n, sc, 0, -8, 7, 4, q);
      k.dequantizeF32(q, n, n, sc, 0, 8, 1, f);
    }
  } finally {
    s.release();
  }
}
