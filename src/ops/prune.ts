/**
 * engine.prune with a magnitude threshold: zero every |w| <= threshold (the
 * source article's rule) and report which weights survived as a bitmask.
 */
import { SlimfitError } from '../errors.js';
import { assertOption } from '../validate.js';
import { WasmBuffer, type F32Buffer, type F64Buffer } from '../engine/buffers.js';
import { checkFinite, type Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
import { floorF32 } from './f32.js';

export type PruneInput = Float32Array | Float64Array | F32Buffer | F64Buffer;

export interface ThresholdPruneSpec {
  /** Weights with |w| <= threshold become 0 (threshold >= 0). */
  threshold: number;
  /**
   * Write the pruned values into this buffer (same element type and length
   * as w; may be w itself for in-place pruning). `values` is then `out.view`,
   * a live view into linear memory valid until the next allocation.
   */
  out?: F32Buffer | F64Buffer;
}

export interface PruneResult<T extends Float32Array | Float64Array> {
  /** w with pruned entries set to 0 (a copy, unless `out` was given). */
  values: T;
  /** Bit i (bit i & 7 of byte i >> 3) is 1 when w[i] was kept. ceil(n/8) bytes. */
  mask: Uint8Array;
  /** Number of weights kept. */
  kept: number;
}

type ValuesOf<W> = W extends Float32Array | F32Buffer ? Float32Array : Float64Array;

export function kindOf(w: unknown, what: string): 'f32' | 'f64' {
  if (w instanceof Float32Array) return 'f32';
  if (w instanceof Float64Array) return 'f64';
  if (w instanceof WasmBuffer && (w.kind === 'f32' || w.kind === 'f64')) return w.kind;
  throw new SlimfitError('E_SHAPE', `${what} must be a Float32Array, Float64Array or an engine.memory f32/f64 buffer`);
}

export function prune<W extends PruneInput>(core: Core, w: W, spec: ThresholdPruneSpec): PruneResult<ValuesOf<W>> {
  const kind = kindOf(w, 'w');
  const n = w.length;
  if (n === 0) throw new SlimfitError('E_SHAPE', 'w is empty; there is nothing to prune');
  if (typeof spec !== 'object' || spec === null || typeof spec.threshold !== 'number') {
    throw new SlimfitError('E_RANGE', 'prune needs a spec such as { threshold: 0.01 }');
  }
  assertOption(spec.threshold, 'threshold', 0, Number.MAX_VALUE);
  const out = spec.out;
  if (out !== undefined && (!(out instanceof WasmBuffer) || out.kind !== kind || out.length !== n)) {
    throw new SlimfitError('E_SHAPE', `out must be an engine.memory.${kind}(${n}) buffer`);
  }
  const s = new Scope(core.arena);
  try {
    const wp = s.input(w);
    const maskBytes = (n + 7) >> 3;
    const mp = s.alloc(maskBytes);
    const op = out ? out.ptr : s.alloc(n * (kind === 'f32' ? 4 : 8));
    const kept =
      kind === 'f32'
        ? core.kernels.pruneF32(wp, n, floorF32(spec.threshold), op, mp)
        : core.kernels.pruneF64(wp, n, spec.threshold, op, mp);
    // The kernel validates in the same pass (-1: a NaN/±Infinity was seen);
    // checkFinite then names the first one. With out === w the buffer is left
    // pruned around the bad values.
    if (kept < 0) checkFinite(core, wp, n, kind, 'w');
    const buf = core.arena.memory.buffer;
    const mask = new Uint8Array(buf, mp, maskBytes).slice();
    let values: Float32Array | Float64Array;
    if (out) values = out.view as Float32Array | Float64Array;
    else values = kind === 'f32' ? new Float32Array(buf, op, n).slice() : new Float64Array(buf, op, n).slice();
    return { values: values as ValuesOf<W>, mask, kept };
  } finally {
    s.release();
  }
}
