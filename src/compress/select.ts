/**
 * Exact top-k selection with a deterministic tie-break, the core of every
 * "keep the top (1 - sparsity)" rule. The k-th largest score comes from the
 * engine's select kernel (exact, O(n), no sort); survivors are then every
 * score above it plus, among scores equal to it, the lowest indices until
 * exactly k are kept.
 */
import type { Engine } from '../engine/engine.js';
import { Scope } from '../engine/scope.js';

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
export function topKMask(engine: Engine, scores: Float32Array | Float64Array, segments: readonly Segment[], mask: Uint8Array): void {
  const need = segments.filter((s) => s.k > 0 && s.k < s.len);
  for (const s of segments) if (s.k >= s.len) for (let i = s.off; i < s.off + s.len; i++) mask[i >> 3]! |= 1 << (i & 7);
  if (need.length === 0) return;
  const thresholds = kthLargest(engine, scores, need);
  need.forEach((s, j) => {
    const t = thresholds[j]!;
    let above = 0;
    for (let i = s.off; i < s.off + s.len; i++) if (Math.abs(scores[i]!) > t) above++;
    let ties = s.k - above; // how many scores equal to t survive, lowest index first
    for (let i = s.off; i < s.off + s.len; i++) {
      const v = Math.abs(scores[i]!);
      if (v > t || (v === t && ties-- > 0)) mask[i >> 3]! |= 1 << (i & 7);
    }
  });
}

/** The k-th largest |score| of each segment (1 <= k <= len), via the kthAbs kernels. */
function kthLargest(engine: Engine, scores: Float32Array | Float64Array, segments: readonly Segment[]): Float64Array {
  const f32 = scores instanceof Float32Array;
  const eb = f32 ? 4 : 8;
  const out = new Float64Array(segments.length);
  let maxLen = 0;
  for (const s of segments) maxLen = Math.max(maxLen, s.len);
  const scope = new Scope(engine.arena);
  try {
    const sp = scope.copyIn(scores);
    const scratch = scope.alloc(maxLen * eb);
    segments.forEach((s, j) => {
      out[j] = f32 ? engine.kernels.kthAbsF32(sp + 4 * s.off, s.len, s.k, scratch) : engine.kernels.kthAbsF64(sp + 8 * s.off, s.len, s.k, scratch);
    });
  } finally {
    scope.release();
  }
  return out;
}

/**
 * N:M selection: in every run of m consecutive scores (runs restart at each
 * row when `rowLen` is given) keep the n largest |score|, ties to the lower index. A
 * trailing run shorter than m keeps min(n, its length): every m-window then
 * holds at most n survivors, which is the N:M constraint.
 */
export function nmMask(scores: Float32Array | Float64Array, n: number, m: number, rowLen: number, mask: Uint8Array): void {
  // Top-n of each run by insertion into a small buffer (runs are short: 4, 8, 16):
  // scanning in index order and moving only past strictly smaller scores keeps
  // the lower index first among equals.
  const top = new Int32Array(n);
  for (let r0 = 0; r0 < scores.length; r0 += rowLen) {
    const r1 = Math.min(scores.length, r0 + rowLen);
    for (let g0 = r0; g0 < r1; g0 += m) {
      const g1 = Math.min(r1, g0 + m);
      let size = 0;
      for (let i = g0; i < g1; i++) {
        const v = Math.abs(scores[i]!);
        if (size === n && !(v > Math.abs(scores[top[n - 1]!]!))) continue;
        let p = size < n ? size++ : n - 1;
        while (p > 0 && v > Math.abs(scores[top[p - 1]!]!)) {
          top[p] = top[p - 1]!;
          p--;
        }
        top[p] = i;
      }
      for (let j = 0; j < size; j++) {
        const i = top[j]!;
        mask[i >> 3]! |= 1 << (i & 7);
      }
    }
  }
}

/** Number removed for a sparsity s of n items: round(s * n), as PyTorch's pruning does. */
export function removedCount(sparsity: number, n: number): number {
  return Math.min(n, Math.round(sparsity * n));
}
