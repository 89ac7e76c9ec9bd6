/**
 * Exact top-k selection with a deterministic tie-break, the core of every
 * "keep the top (1 - sparsity)" rule. The k-th largest score comes from the
 * engine's select kernel (exact, O(n), no sort); survivors are then every
 * score above it plus, among scores equal to it, the lowest indices until
 * exactly k are kept.
 */
import type { Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
// Keep-bitmasks (layout: src/mask.ts) are read and set inline in the per-element
// loops here: through maskBit() / setMaskBit() they measured 6-9% slower at 1e7
// elements (V8 does not inline the calls in these loops).

/** A contiguous run of scores [off, off + len) of which k are kept. */
export interface Segment {
  off: number;
  len: number;
  k: number;
}

/**
 * Sets bit i of `mask` (bit i & 7 of byte i >> 3) for the k largest |scores|
 * of each segment (finite values; f32 or f64, ranked in their own precision
 * by the kthAbs kernel, so weights need no conversion). Ties at the k-th
 * value keep the lower index. Segments must not overlap.
 */
export function topKMask(core: Core, scores: Float32Array | Float64Array, segments: readonly Segment[], mask: Uint8Array): void {
  const need = segments.filter((s) => s.k > 0 && s.k < s.len);
  for (const s of segments) if (s.k >= s.len) for (let i = s.off; i < s.off + s.len; i++) mask[i >> 3] |= 1 << (i & 7);
  if (need.length === 0) return;
  const thresholds = kthLargest(core, scores, need);
  need.forEach((s, j) => {
    const t = thresholds[j];
    let above = 0;
    for (let i = s.off; i < s.off + s.len; i++) if (Math.abs(scores[i]) > t) above++;
    let ties = s.k - above; // how many scores equal to t survive, lowest index first
    for (let i = s.off; i < s.off + s.len; i++) {
      const v = Math.abs(scores[i]);
      if (v > t || (v === t && ties-- > 0)) mask[i >> 3] |= 1 << (i & 7);
    }
  });
}

/** The k-th largest |score| of each segment (1 <= k <= len), via the kthAbs kernels. */
function kthLargest(core: Core, scores: Float32Array | Float64Array, segments: readonly Segment[]): Float64Array {
  const f32 = scores instanceof Float32Array;
  const eb = f32 ? 4 : 8;
  const out = new Float64Array(segments.length);
  let maxLen = 0;
  for (const s of segments) maxLen = Math.max(maxLen, s.len);
  const scope = new Scope(core.arena);
  try {
    const sp = scope.copyIn(scores);
    const scratch = scope.alloc(maxLen * eb);
    segments.forEach((s, j) => {
      out[j] = f32 ? core.kernels.kthAbsF32(sp + 4 * s.off, s.len, s.k, scratch) : core.kernels.kthAbsF64(sp + 8 * s.off, s.len, s.k, scratch);
    });
  } finally {
    scope.release();
  }
  return out;
}

/**
 * N:M selection on scores through the engine's nmPrune kernel (the packed
 * survivors are discarded): in every run of m consecutive scores (runs
 * restart at each row of rowLen) the n largest |score| survive, ties to the
 * lower index; a trailing run shorter than m keeps min(n, its length), so
 * every m-window holds at most n survivors. Writes all of `mask`
 * (ceil(len / 8) bytes). Scores are computed, not user input: ±Infinity
 * ranks above every finite score, so the kernel's non-finite flag is ignored.
 */
export function nmMask(core: Core, scores: Float64Array, n: number, m: number, rowLen: number, mask: Uint8Array): void {
  const len = scores.length;
  if (len === 0) return;
  const scope = new Scope(core.arena);
  try {
    const sp = scope.copyIn(scores);
    const mp = scope.alloc(mask.length);
    const op = scope.alloc(len * 8); // survivors: at most len
    core.kernels.nmPruneF64(sp, len, rowLen, n, m, op, mp);
    mask.set(core.arena.bytes(mp, mask.length));
  } finally {
    scope.release();
  }
}

/** Number removed for a sparsity s of n items: round(s * n), as PyTorch's pruning does. */
export function removedCount(sparsity: number, n: number): number {
  return Math.min(n, Math.round(sparsity * n));
}
