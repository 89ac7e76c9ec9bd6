import type { Kernels } from '../types.js';

/**
 * Twin of assembly/nonzero-gram.ts, the reference: for each row i in order
 * and each entry q of it in order (j = col[q], v = val[q], or 1 when valPtr
 * = 0), xw[j] += w[i] * v, xr[j] += r[i] * v, and xtx[j*d + col[t]] +=
 * (w[i] * v) * val[t] for the row's entries t >= q (the upper triangle),
 * accumulated. Bit-identical to the WASM kernel (same scalar operations in
 * the same order).
 */
export function nonzeroGramTwin(memory: WebAssembly.Memory): Pick<Kernels, 'nonzeroGramF64'> {
  return {
    nonzeroGramF64(startPtr, colPtr, valPtr, n, d, wPtr, rPtr, xtxPtr, xwPtr, xrPtr): void {
      if (n <= 0 || d <= 0) return;
      const buf = memory.buffer;
      const start = new Int32Array(buf, startPtr, n + 1);
      const nnz = start[n] - start[0];
      const base = start[0];
      // views from the first entry: col and val are indexed by q - base
      const col = new Int32Array(buf, colPtr + base * 4, nnz);
      const val = valPtr ? new Float64Array(buf, valPtr + base * 8, nnz) : null;
      const w = new Float64Array(buf, wPtr, n);
      const r = new Float64Array(buf, rPtr, n);
      const xtx = new Float64Array(buf, xtxPtr, d * d);
      const xw = new Float64Array(buf, xwPtr, d);
      const xr = new Float64Array(buf, xrPtr, d);
      for (let i = 0; i < n; i++) {
        const wi = w[i];
        const ri = r[i];
        const e = start[i + 1] - base;
        for (let q = start[i] - base; q < e; q++) {
          const j = col[q];
          const v = val ? val[q] : 1;
          const wv = wi * v;
          xw[j] += wv;
          xr[j] += ri * v;
          const row = j * d;
          if (val) for (let t = q; t < e; t++) xtx[row + col[t]] += wv * val[t];
          else for (let t = q; t < e; t++) xtx[row + col[t]] += wv;
        }
      }
    },
  };
}
