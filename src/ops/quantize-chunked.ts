/**
 * The copying paths of quantize (a JS-heap input, or any input without
 * `out`), streamed through one cache-sized chunk of linear memory instead of
 * whole-tensor temporaries.
 *
 * Whole-tensor staging needs 5 bytes of linear memory per value (the float32
 * copy and the codes) and moves ~19 bytes per value through main memory on
 * the heap path (copy in 4 + 4, max-abs 4, quantize 4 + 1, copy out 1 + 1).
 * In chunks of CHUNK values linear memory stays at ~320 KiB whatever the
 * tensor, and the staging copy, the max-abs and the quantize read stay in
 * cache, leaving ~9 bytes per value of main-memory traffic (the input read
 * twice, the result written once).
 *
 * What bounds the time (measured, bench/RESULTS.md, stream): the fresh result
 * array. Zeroing and first-touching n new bytes costs about as much as copying
 * the 4n-byte float32 input once (8.2 ms vs 8.4 ms at n = 1e7 on the bench
 * machine), so a copying quantize cannot pass ~0.5x of a copy; with the two
 * reads of the input it lands at ~0.3x, about where the whole-tensor staging
 * was: the chunks save linear memory and traffic, not wall time.

 * Results are bit-identical to the whole-tensor path: the same kernels on the
 * same values with the same scales; chunks start at multiples of 8 values and
 * of the group unit (block, row, or row of columns), so every chunk's codes
 * start on a byte and the kernels index the same groups.
 *
 * Handles symmetric quantization with scales from the data (the default);
 * anything else, and any non-finite maximum (so that the whole-tensor path
 * names the bad index), returns undefined for the caller's whole-tensor path.
 */
import type { Core } from '../engine/core.js';
import { Scope } from '../engine/scope.js';
import { packedBytes } from '../codes.js';
import { symmetricScale } from './quant-params.js';

/** Values per chunk: 256 KiB of float32 plus its codes stay in a typical L2. */
export const CHUNK = 1 << 16;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

export interface ChunkedArgs {
  /** A heap array (copied chunk by chunk), or the pointer of float32 input already in linear memory. */
  src: Float32Array | Float64Array | number;
  n: number;
  seg: number;
  cols: number;
  groups: number;
  qmin: number;
  qmax: number;
  bits: number;
  signedBytes: boolean;
  /** Where the codes go: a pointer into linear memory (`out`), or -1 for a fresh array. */
  op: number;
}

/** The codes and scales, or undefined when the caller must take the whole-tensor path. */
export function quantizeChunked(core: Core, a: ChunkedArgs): { data: Int8Array | Uint8Array | undefined; scale: Float32Array } | undefined {
  const { n, seg, cols, groups, qmin, qmax, bits, op } = a;
  // chunks start at multiples of 8 values and of the group unit
  const unit0 = cols > 0 ? cols : seg < n ? seg : 1;
  const unit = (unit0 / gcd(unit0, 8)) * 8;
  if (unit > CHUNK) return undefined;
  const step = Math.floor(CHUNK / unit) * unit;
  const k = core.kernels;
  const s = new Scope(core.arena);
  try {
    const heap = typeof a.src !== 'number';
    const xp = heap ? s.alloc(Math.min(step, n) * 4) : (a.src as number);
    const mp = s.alloc(Math.max(groups, cols, 1) * 4);
    const sp = s.alloc(groups * 4);
    const outBytes = packedBytes(n, bits);
    const dp = op >= 0 ? -1 : s.alloc(packedBytes(Math.min(step, n), bits));
    // every allocation is done: views of memory.buffer stay valid below
    const buf = core.arena.memory.buffer;
    const stage = heap ? new Float32Array(buf, xp, Math.min(step, n)) : undefined;
    const load = (o: number, len: number): number => {
      if (!stage) return xp + 4 * o;
      stage.set((a.src as Float32Array | Float64Array).subarray(o, o + len));
      return xp;
    };
    const maxAbs = new Float32Array(buf, mp, Math.max(groups, cols, 1));
    const maxima = new Float32Array(groups);
    for (let o = 0; o < n; o += step) {
      const len = Math.min(step, n - o);
      const p = load(o, len);
      if (seg < n && cols === 0) {
        k.segMaxAbsF32(p, len, seg, mp);
        maxima.set(maxAbs.subarray(0, len / seg), o / seg); // checked for finiteness below
        continue;
      }
      const c = cols > 0 ? cols : 1;
      if (cols > 0) k.colMaxAbsF32(p, len, cols, mp);
      else k.segMaxAbsF32(p, len, len, mp);
      for (let g = 0; g < c; g++) {
        const v = maxAbs[g];
        if (v - v !== 0) return undefined; // NaN or Infinity: the whole-tensor path names it
        if (v > maxima[g]) maxima[g] = v;
      }
    }
    const scale = new Float32Array(groups);
    for (let g = 0; g < groups; g++) {
      const m = maxima[g];
      if (m - m !== 0) return undefined; // NaN or Infinity somewhere: the whole-tensor path names it
      scale[g] = symmetricScale(m, qmax);
    }
    new Float32Array(buf, sp, groups).set(scale);
    const data = op >= 0 ? undefined : a.signedBytes ? new Int8Array(outBytes) : new Uint8Array(outBytes);
    const codes = dp >= 0 ? new Uint8Array(buf, dp, packedBytes(Math.min(step, n), bits)) : undefined;
    const bytesOut = data ? new Uint8Array(data.buffer) : undefined;
    for (let o = 0; o < n; o += step) {
      const len = Math.min(step, n - o);
      const p = load(o, len);
      const at = packedBytes(o, bits);
      const dst = op >= 0 ? op + at : dp;
      if (cols > 0) k.quantizeColsF32(p, len, cols, sp, 0, qmin, qmax, bits, dst);
      else k.quantizeF32(p, len, seg < n ? seg : len, seg < n ? sp + 4 * (o / seg) : sp, 0, qmin, qmax, bits, dst);
      if (bytesOut) bytesOut.set(codes!.subarray(0, packedBytes(len, bits)), at);
    }
    return { data, scale };
  } finally {
    s.release();
  }
}
