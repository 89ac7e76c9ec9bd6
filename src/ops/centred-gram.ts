/**
 * The fit's normal-equations pass: Z^T W Z and Z^T W Y for Z = (X - mu)
 * diag(inv), centred and scaled by the kernel while it packs rows (see
 * Kernels.gramCentredF64), so no centred copy of X is ever built. X and Y are
 * streamed through reused ~1 MiB chunks of linear memory. Inputs must be
 * validated and finite (no check here: the column-statistics pass saw every
 * value).
 */
import type { Matrix } from '../types.js';
import type { Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
import { chunkRows } from './chunk.js';

export function centredGram(core: Core, X: Matrix, mu: Float64Array, inv: Float64Array, Y: Float64Array, m: number, w?: Float64Array): { xtx: Float64Array; xty: Float64Array } {
  const { rows: n, cols: d, data } = X;
  const { kernels: k, arena } = core;
  const s = new Scope(arena);
  try {
    const xtx = s.alloc(d * d * 8, true);
    const xty = m > 0 ? s.alloc(d * m * 8, true) : 0;
    const scratch = s.alloc(k.gramScratchBytes(d));
    const mp = s.copyIn(mu);
    const ip = s.copyIn(inv);
    const chunk = chunkRows(n, d);
    const xp = s.alloc(chunk * d * 8);
    const yp = m > 0 ? s.alloc(chunk * m * 8) : 0;
    const wp = w ? s.alloc(chunk * 8) : 0;
    const mem = () => arena.memory.buffer;
    for (let r0 = 0; r0 < n; r0 += chunk) {
      const rows = Math.min(chunk, n - r0);
      // fresh views each chunk: nothing holds a view across a kernel call
      new Float64Array(mem(), xp, rows * d).set(data.subarray(r0 * d, (r0 + rows) * d));
      if (m > 0) new Float64Array(mem(), yp, rows * m).set(Y.subarray(r0 * m, (r0 + rows) * m));
      if (w) new Float64Array(mem(), wp, rows).set(w.subarray(r0, r0 + rows));
      k.gramCentredF64(xp, rows, d, mp, ip, yp, m, wp, xtx, xty, scratch);
    }
    return {
      xtx: new Float64Array(mem(), xtx, d * d).slice(),
      xty: m > 0 ? new Float64Array(mem(), xty, d * m).slice() : new Float64Array(0),
    };
  } finally {
    s.release();
  }
}
