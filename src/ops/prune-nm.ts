/**
 * N:M semi-structured pruning through the engine's nmPrune kernels: in every
 * run of m consecutive weights along a row keep the n largest |w| (ties to
 * the lower index; a row's trailing run shorter than m keeps min(n, its
 * length)), returning the keep-bitmask and the survivors packed in index order.
 */
import { SlimfitError } from '../errors.js';
import type { F32Buffer } from '../engine/buffers.js';
import { checkFinite, type Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
import { kindOf, type PruneInput } from './prune.js';

export interface NMPruned<T extends Float32Array | Float64Array> {
  /** The survivors in index order, bit for bit (length `kept`). */
  data: T;
  /** Bit i (bit i & 7 of byte i >> 3) is 1 when w[i] was kept; ceil(n / 8) bytes. */
  mask: Uint8Array;
  kept: number;
}

type ValuesOf<W> = W extends Float32Array | F32Buffer ? Float32Array : Float64Array;

/** Survivors of n values in rows of rowLen: the sum over runs of min(keep, run length). */
export function nmKeptCount(n: number, rowLen: number, keep: number, m: number): number {
  const run = (len: number) => Math.floor(len / m) * keep + Math.min(keep, len % m);
  const rows = Math.floor(n / rowLen);
  return rows * run(rowLen) + run(n - rows * rowLen);
}

/**
 * N:M-prunes w (a typed array, or an engine.memory f32/f64 buffer read in
 * place) in rows of `rowLen` (w.length for one row). `keep` and m are
 * validated by the caller (1 <= keep <= m). Throws E_NONFINITE, naming the
 * first NaN / ±Infinity, which the kernel detects in the same pass.
 */
export function pruneNM<W extends PruneInput>(core: Core, w: W, keep: number, m: number, rowLen: number, what = 'w'): NMPruned<ValuesOf<W>> {
  const kind = kindOf(w, what);
  const n = w.length;
  if (n === 0) throw new SlimfitError('E_SHAPE', `${what} is empty; there is nothing to prune`);
  const eb = kind === 'f32' ? 4 : 8;
  const maskBytes = (n + 7) >> 3;
  const expected = nmKeptCount(n, rowLen, keep, m);
  const s = new Scope(core.arena);
  try {
    const wp = s.input(w);
    const mp = s.alloc(maskBytes);
    const op = s.alloc(expected * eb);
    const kept = kind === 'f32' ? core.kernels.nmPruneF32(wp, n, rowLen, keep, m, op, mp) : core.kernels.nmPruneF64(wp, n, rowLen, keep, m, op, mp);
    if (kept < 0) checkFinite(core, wp, n, kind, what);
    const buf = core.arena.memory.buffer;
    const data = kind === 'f32' ? new Float32Array(buf, op, kept).slice() : new Float64Array(buf, op, kept).slice();
    return { data: data as ValuesOf<W>, mask: new Uint8Array(buf, mp, maskBytes).slice(), kept };
  } finally {
    s.release();
  }
}
