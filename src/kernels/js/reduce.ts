import type { Kernels } from '../types.js';

/**
 * Pure-TS twin of assembly/reduce.ts: the reference implementation.
 *
 * Numerical contract: segments of `seg` values (the last may be shorter);
 * segment g writes out[g]; n = 0 writes nothing. min/max use Math.min /
 * Math.max (-0 < +0) and max-abs is max |x| (>= +0): exact, so the WASM kernel
 * is bit-identical. Norms: p = 1 -> sum |x|, any other p -> sqrt(sum x^2), one
 * f64 running sum left to right; the WASM kernel uses 8 partial sums, so the
 * two agree to ~1e-12 relative (all terms are >= 0).
 */
export function reduceTwin(
  memory: WebAssembly.Memory,
): Pick<Kernels, 'segMinMaxF32' | 'segMinMaxF64' | 'segMaxAbsF32' | 'segMaxAbsF64' | 'colMaxAbsF32' | 'colMinMaxF32' | 'segNormF32' | 'segNormF64'> {
  type FArr = Float32Array | Float64Array;
  const segCount = (n: number, seg: number): number => (n > 0 && seg >= 1 ? Math.ceil(n / seg) : 0);

  function minMax(x: FArr, n: number, seg: number, mn: FArr, mx: FArr): void {
    for (let g = 0, start = 0; start < n; g++, start += seg) {
      const end = Math.min(start + seg, n);
      let lo = x[start];
      let hi = lo;
      for (let i = start + 1; i < end; i++) {
        const v = x[i];
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      mn[g] = lo;
      mx[g] = hi;
    }
  }

  function maxAbs(x: FArr, n: number, seg: number, out: FArr): void {
    for (let g = 0, start = 0; start < n; g++, start += seg) {
      const end = Math.min(start + seg, n);
      let m = 0;
      for (let i = start; i < end; i++) {
        const v = Math.abs(x[i]);
        if (v > m || v !== v) m = v; // NaN sticks, as in the WASM kernel
      }
      out[g] = m;
    }
  }

  function norm(x: FArr, n: number, seg: number, p: number, out: Float64Array): void {
    const l1 = p === 1;
    for (let g = 0, start = 0; start < n; g++, start += seg) {
      const end = Math.min(start + seg, n);
      let s = 0;
      if (l1) for (let i = start; i < end; i++) s += Math.abs(x[i]);
      else
        for (let i = start; i < end; i++) {
          const v = x[i];
          s += v * v;
        }
      out[g] = l1 ? s : Math.sqrt(s);
    }
  }

  return {
    // per column c (values i with i % cols == c), out[c] for c < min(cols, n)
    colMaxAbsF32(xPtr, n, cols, outPtr) {
      if (n <= 0 || cols < 1) return;
      const buf = memory.buffer;
      const x = new Float32Array(buf, xPtr >>> 0, n);
      const C = Math.min(cols, n);
      const out = new Float32Array(buf, outPtr >>> 0, C);
      for (let c = 0; c < C; c++) {
        let m = 0;
        for (let i = c; i < n; i += cols) {
          const v = Math.abs(x[i]);
          if (v > m || v !== v) m = v; // NaN sticks, as in segMaxAbs
        }
        out[c] = m;
      }
    },
    colMinMaxF32(xPtr, n, cols, minPtr, maxPtr) {
      if (n <= 0 || cols < 1) return;
      const buf = memory.buffer;
      const x = new Float32Array(buf, xPtr >>> 0, n);
      const C = Math.min(cols, n);
      const mn = new Float32Array(buf, minPtr >>> 0, C);
      const mx = new Float32Array(buf, maxPtr >>> 0, C);
      for (let c = 0; c < C; c++) {
        let lo = x[c];
        let hi = lo;
        for (let i = c + cols; i < n; i += cols) {
          const v = x[i];
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        mn[c] = lo;
        mx[c] = hi;
      }
    },
    segMinMaxF32(xPtr, n, seg, minPtr, maxPtr) {
      const G = segCount(n, seg);
      if (G === 0) return;
      const buf = memory.buffer;
      minMax(new Float32Array(buf, xPtr >>> 0, n), n, seg, new Float32Array(buf, minPtr >>> 0, G), new Float32Array(buf, maxPtr >>> 0, G));
    },
    segMinMaxF64(xPtr, n, seg, minPtr, maxPtr) {
      const G = segCount(n, seg);
      if (G === 0) return;
      const buf = memory.buffer;
      minMax(new Float64Array(buf, xPtr >>> 0, n), n, seg, new Float64Array(buf, minPtr >>> 0, G), new Float64Array(buf, maxPtr >>> 0, G));
    },
    segMaxAbsF32(xPtr, n, seg, outPtr) {
      const G = segCount(n, seg);
      if (G === 0) return;
      const buf = memory.buffer;
      maxAbs(new Float32Array(buf, xPtr >>> 0, n), n, seg, new Float32Array(buf, outPtr >>> 0, G));
    },
    segMaxAbsF64(xPtr, n, seg, outPtr) {
      const G = segCount(n, seg);
      if (G === 0) return;
      const buf = memory.buffer;
      maxAbs(new Float64Array(buf, xPtr >>> 0, n), n, seg, new Float64Array(buf, outPtr >>> 0, G));
    },
    segNormF32(xPtr, n, seg, p, outPtr) {
      const G = segCount(n, seg);
      if (G === 0) return;
      const buf = memory.buffer;
      norm(new Float32Array(buf, xPtr >>> 0, n), n, seg, p, new Float64Array(buf, outPtr >>> 0, G));
    },
    segNormF64(xPtr, n, seg, p, outPtr) {
      const G = segCount(n, seg);
      if (G === 0) return;
      const buf = memory.buffer;
      norm(new Float64Array(buf, xPtr >>> 0, n), n, seg, p, new Float64Array(buf, outPtr >>> 0, G));
    },
  };
}
