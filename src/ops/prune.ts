/**
 * Threshold pruning, the zero-copy path of prune(): zero every |w| <= threshold (the
 * source article's rule) and report which weights survived as a bitmask.
 */
import { SlimfitError } from '../errors.js';
import { optionKeys, refuseUnknown } from '../options.js';
import { assertOption } from '../validate.js';
import { bufferPtr, overlaps, WasmBuffer, type F32Buffer, type F64Buffer } from '../engine/buffers.js';
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

const THRESHOLD_PRUNE_KEYS = /* @__PURE__ */ optionKeys<ThresholdPruneSpec>()(['threshold', 'out']);

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

export function pruneThreshold<W extends PruneInput>(core: Core, w: W, spec: ThresholdPruneSpec): PruneResult<ValuesOf<W>> {
  const kind = kindOf(w, 'w');
  const n = w.length;
  if (n === 0) throw new SlimfitError('E_SHAPE', 'w is empty; there is nothing to prune');
  if (typeof spec !== 'object' || spec === null || typeof spec.threshold !== 'number') {
    throw new SlimfitError('E_RANGE', 'prune needs a spec such as { threshold: 0.01 }');
  }
  refuseUnknown('prune', spec, THRESHOLD_PRUNE_KEYS, 'spec');
  assertOption(spec.threshold, 'threshold', 0, Number.MAX_VALUE);
  const eb = kind === 'f32' ? 4 : 8;
  const bytes = n * eb;
  // out is checked (this engine's, live, kind, length) before anything is read or written.
  const op = spec.out === undefined ? -1 : bufferPtr(core.arena, spec.out, 'out', { kinds: [kind], length: n });
  const s = new Scope(core.arena);
  try {
    let wp = s.input(w, 'w');
    // out overlapping w without being w (e.g. a shifted view): the kernel
    // would overwrite weights it has not read yet, so read from a copy.
    if (op >= 0 && op !== wp && overlaps(wp, bytes, op, bytes)) wp = s.cloneIn(wp, bytes);
    // In place, the kernel's same-pass check (-1) comes after it has already
    // overwritten w: validate first, so an E_NONFINITE leaves w untouched.
    if (op === wp) checkFinite(core, wp, n, kind, 'w');
    const maskBytes = (n + 7) >> 3;
    const mp = s.alloc(maskBytes);
    const dst = op >= 0 ? op : s.alloc(bytes);
    const kept =
      kind === 'f32'
        ? core.kernels.pruneF32(wp, n, floorF32(spec.threshold), dst, mp)
        : core.kernels.pruneF64(wp, n, spec.threshold, dst, mp);
    // The kernel validates in the same pass (-1: a NaN/±Infinity was seen);
    // checkFinite then names the first one. w itself is never modified on
    // error; a separate out's contents are then unspecified.
    if (kept < 0) {
      checkFinite(core, wp, n, kind, 'w');
      throw new SlimfitError('E_NONFINITE', 'w has a non-finite value; remove or impute it first');
    }
    const buf = core.arena.memory.buffer;
    const mask = new Uint8Array(buf, mp, maskBytes).slice();
    let values: Float32Array | Float64Array;
    if (spec.out) values = spec.out.view as Float32Array | Float64Array;
    else values = kind === 'f32' ? new Float32Array(buf, dst, n).slice() : new Float64Array(buf, dst, n).slice();
    return { values: values as ValuesOf<W>, mask, kept };
  } finally {
    s.release();
  }
}
