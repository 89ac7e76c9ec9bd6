/**
 * Column statistics for fitting (sums, min, max: see Kernels.colStatsF64),
 * X streamed through one reused ~1 MiB chunk of linear memory.
 */
import type { Matrix } from '../types.js';
import type { Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
import { chunkRows } from './chunk.js';

export interface ColumnStats {
  /** sum_r w[r] x[r][j] over rows with w > 0 (all rows unweighted); non-finite when X holds NaN/Inf there. */
  sum: Float64Array;
  /** Column minima / maxima over the same rows (+Inf / -Inf when there are none). */
  min: Float64Array;
  max: Float64Array;
}

export function columnStats(core: Core, X: Matrix, w?: Float64Array): ColumnStats {
  const { rows: n, cols: d, data } = X;
  const { kernels: k, arena } = core;
  const s = new Scope(arena);
  try {
    const out = s.alloc(3 * d * 8);
    const mem = () => arena.memory.buffer;
    new Float64Array(mem(), out, d).fill(0);
    new Float64Array(mem(), out + d * 8, d).fill(Infinity);
    new Float64Array(mem(), out + 2 * d * 8, d).fill(-Infinity);
    const chunk = chunkRows(n, d);
    const xp = s.alloc(chunk * d * 8);
    const wp = w ? s.alloc(chunk * 8) : 0;
    for (let r0 = 0; r0 < n; r0 += chunk) {
      const rows = Math.min(chunk, n - r0);
      // fresh views each chunk: nothing holds a view across a kernel call
      new Float64Array(mem(), xp, rows * d).set(data.subarray(r0 * d, (r0 + rows) * d));
      if (w) new Float64Array(mem(), wp, rows).set(w.subarray(r0, r0 + rows));
      k.colStatsF64(xp, rows, d, wp, out, out + d * 8, out + 2 * d * 8);
    }
    const all = new Float64Array(mem(), out, 3 * d).slice();
    return { sum: all.subarray(0, d), min: all.subarray(d, 2 * d), max: all.subarray(2 * d) };
  } finally {
    s.release();
  }
}
