/**
 * Weighted grams of a compressed-row design, staged once in linear memory for
 * the repeated passes of an iterative fit (the logistic Hessian: one pass per
 * Newton step over the same rows with new weights). Each pass costs the
 * nonzero pairs of every row (Kernels.nonzeroGramF64); only the weights and
 * the d*d result cross into and out of linear memory per pass.
 */
import type { Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
import { SlimfitError } from '../errors.js';

/** A design's nonzeros by row: row i holds entries start[i] .. start[i + 1] - 1 of col (ascending) and val. */
export interface Nonzeros {
  start: Int32Array;
  col: Int32Array;
  val: Float64Array;
  /** Every stored value is 1 (a 0/1 design: val need not be read). */
  ones: boolean;
}

export interface NonzeroGramResult {
  /** X^T W X, d*d full symmetric row-major. */
  xtx: Float64Array;
  /** X^T W 1 (d). */
  xw: Float64Array;
  /** X^T r (d). */
  xr: Float64Array;
}

export interface NonzeroGram {
  /** One pass: w and r hold one value per row. */
  gram(w: Float64Array, r: Float64Array): NonzeroGramResult;
  /** Frees the staged index (call in finally); the object is unusable after it. */
  release(): void;
}

export function nonzeroGram(core: Core, index: Nonzeros, d: number): NonzeroGram {
  const { kernels: k, arena } = core;
  const n = index.start.length - 1;
  const s = new Scope(arena);
  let sp = 0;
  let cp = 0;
  let vp = 0;
  let wp = 0;
  let rp = 0;
  let out = 0;
  try {
    sp = s.copyIn(index.start);
    cp = s.copyIn(index.col.length > 0 ? index.col : new Int32Array(1));
    vp = index.ones ? 0 : s.copyIn(index.val.length > 0 ? index.val : new Float64Array(1));
    wp = s.alloc(Math.max(1, n) * 8);
    rp = s.alloc(Math.max(1, n) * 8);
    out = s.alloc((d * d + 2 * d) * 8);
  } catch (e) {
    s.release();
    throw e;
  }
  let live = true;
  return {
    gram(w, r) {
      if (!live) throw new SlimfitError('E_MEMORY', 'nonzeroGram: the staged index was released');
      // fresh views: nothing holds a view across a kernel call
      const mem = arena.memory.buffer;
      new Float64Array(mem, wp, n).set(w.subarray(0, n));
      new Float64Array(mem, rp, n).set(r.subarray(0, n));
      new Float64Array(mem, out, d * d + 2 * d).fill(0);
      k.nonzeroGramF64(sp, cp, vp, n, d, wp, rp, out, out + d * d * 8, out + (d * d + d) * 8);
      const all = new Float64Array(arena.memory.buffer, out, d * d + 2 * d).slice();
      const xtx = all.subarray(0, d * d);
      for (let j = 0; j < d; j++) for (let t = j + 1; t < d; t++) xtx[t * d + j] = xtx[j * d + t];
      return { xtx, xw: all.subarray(d * d, d * d + d), xr: all.subarray(d * d + d) };
    },
    release() {
      if (!live) return;
      live = false;
      s.release();
    },
  };
}
