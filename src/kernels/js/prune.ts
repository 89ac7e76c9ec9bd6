import type { Kernels } from '../types.js';

/**
 * Pure-TS twin of assembly/prune.ts: the reference implementation.
 *
 * Numerical contract: out[i] = |w[i]| <= t ? +0 : w[i] (kept values copied
 * bit for bit, -0 included; out may alias w); with maskPtr != 0, bit (i & 7)
 * of byte (i >> 3) is 1 for kept values and the unused high bits of the last
 * byte are 0; returns the kept count, or -1 when any w[i] is NaN or
 * ±Infinity. F32: t is rounded to f32 first
 * (Math.fround), as the WASM call boundary does. Bit-identical to WASM.
 */
export function pruneTwin(memory: WebAssembly.Memory): Pick<Kernels, 'pruneF32' | 'pruneF64'> {
  // Branch-free: keep is turned into an all-ones / zero int mask and the
  // output is written through an Int32 view of the bit pattern (kept values
  // copy bit for bit, pruned ones become the +0 pattern). `words` is 1 for
  // f32, 2 for f64. Random keep/prune branches cost more than the work.
  function prune(w: Float32Array | Float64Array, wb: Int32Array, n: number, t: number, ob: Int32Array, words: number, mask: Uint8Array | null): number {
    let kept = 0;
    let byte = 0;
    let finite = 0; // stays 0 while every w[i] - w[i] is 0 (NaN otherwise)
    for (let i = 0; i < n; i++) {
      finite += w[i] - w[i];
      const m = -Number(Math.abs(w[i]) > t); // -1 kept, 0 pruned (no branch)
      if (words === 1) ob[i] = wb[i] & m;
      else {
        ob[2 * i] = wb[2 * i] & m;
        ob[2 * i + 1] = wb[2 * i + 1] & m;
      }
      kept -= m;
      byte |= (m & 1) << (i & 7);
      if ((i & 7) === 7) {
        if (mask) mask[i >> 3] = byte;
        byte = 0;
      }
    }
    if (mask && (n & 7) !== 0) mask[n >> 3] = byte;
    return finite === 0 ? kept : -1;
  }

  return {
    pruneF32(wPtr, n, t, outPtr, maskPtr) {
      if (n <= 0) return 0;
      const buf = memory.buffer;
      const mask = maskPtr ? new Uint8Array(buf, maskPtr >>> 0, (n + 7) >> 3) : null;
      return prune(new Float32Array(buf, wPtr >>> 0, n), new Int32Array(buf, wPtr >>> 0, n), n, Math.fround(t), new Int32Array(buf, outPtr >>> 0, n), 1, mask);
    },
    pruneF64(wPtr, n, t, outPtr, maskPtr) {
      if (n <= 0) return 0;
      const buf = memory.buffer;
      const mask = maskPtr ? new Uint8Array(buf, maskPtr >>> 0, (n + 7) >> 3) : null;
      return prune(new Float64Array(buf, wPtr >>> 0, n), new Int32Array(buf, wPtr >>> 0, 2 * n), n, t, new Int32Array(buf, outPtr >>> 0, 2 * n), 2, mask);
    },
  };
}
