/**
 * Weighted means and centred co-moments of v = [x, y] (q = d + m columns),
 * held in double-double, with Chan, Golub & LeVeque's pairwise merge:
 *   W = Wa + Wb,  delta = mean_b - mean_a,
 *   mean = mean_a + delta * Wb / W,
 *   C = Ca + Cb + delta delta^T * Wa Wb / W.
 * Every merge is a few DD operations per entry, so merge order and chunking
 * change the result only at the ~1e-30 level; what limits equality with a
 * one-shot fit is how each chunk's own moments were formed:
 *  - fast: centred about the chunk mean in float64 and summed by la.gram
 *    (relative error ~1e-16 per entry; coefficients agree to ~cond * 1e-16,
 *    RSS-based statistics to ~1e-16 / (1 - R^2), see accumulator.ts);
 *  - accurate: centred exactly and summed in DD (ddGram; ~1e-30).
 */
import type { LinAlg } from '../ops/linalg.js';
import type { Matrix } from '../types.js';
import { ddAdd, ddDiv, ddMul, lo, pow2Near } from './dd.js';
import type { DDMatrix } from './ddchol.js';
import { ddGram } from './ddgram.js';
import { summarize } from './summary.js';

export interface Moments {
  q: number;
  /** Rows with positive weight. */
  n: number;
  wh: number;
  wl: number;
  /** Weighted means (q), hi/lo. */
  mean: DDMatrix;
  /** Centred co-moments sum w (v - mean)(v - mean)^T, q*q, hi/lo. */
  C: DDMatrix;
}

export function emptyMoments(q: number): Moments {
  return {
    q,
    n: 0,
    wh: 0,
    wl: 0,
    mean: { hi: new Float64Array(q), lo: new Float64Array(q) },
    C: { hi: new Float64Array(q * q), lo: new Float64Array(q * q) },
  };
}

/** a <- a (+) b (Chan et al. merge in DD). */
export function mergeMoments(a: Moments, b: Moments): void {
  if (b.n === 0) return;
  const q = a.q;
  if (a.n === 0) {
    a.n = b.n;
    a.wh = b.wh;
    a.wl = b.wl;
    a.mean.hi.set(b.mean.hi);
    a.mean.lo.set(b.mean.lo);
    a.C.hi.set(b.C.hi);
    a.C.lo.set(b.C.lo);
    return;
  }
  const Wh = ddAdd(a.wh, a.wl, b.wh, b.wl);
  const Wl = lo();
  const fh = ddDiv(b.wh, b.wl, Wh, Wl); // Wb / W
  const fl = lo();
  const gh = ddMul(a.wh, a.wl, fh, fl); // Wa Wb / W
  const gl = lo();
  const dh = new Float64Array(q);
  const dl = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    dh[j] = ddAdd(b.mean.hi[j], b.mean.lo[j], -a.mean.hi[j], -a.mean.lo[j]);
    dl[j] = lo();
  }
  for (let j = 0; j < q; j++) {
    const sh = ddMul(dh[j], dl[j], fh, fl);
    const sl = lo();
    a.mean.hi[j] = ddAdd(a.mean.hi[j], a.mean.lo[j], sh, sl);
    a.mean.lo[j] = lo();
    // g * delta_j, then times delta_k
    const ejh = ddMul(dh[j], dl[j], gh, gl);
    const ejl = lo();
    for (let k = 0; k < q; k++) {
      const t = j * q + k;
      let h = ddAdd(a.C.hi[t], a.C.lo[t], b.C.hi[t], b.C.lo[t]);
      let l = lo();
      const ph = ddMul(ejh, ejl, dh[k], dl[k]);
      h = ddAdd(h, l, ph, lo());
      l = lo();
      a.C.hi[t] = h;
      a.C.lo[t] = l;
    }
  }
  a.n += b.n;
  a.wh = Wh;
  a.wl = Wl;
}

const BLOCK_VALUES = 1 << 18;

/**
 * Moments of one chunk. X n*d, Y n*m, optional xlo (n*d) and weights (>= 0).
 * mode 'fast' uses la.gram on blocks centred in float64; 'accurate' uses ddGram.
 */
export function chunkMoments(
  la: LinAlg,
  X: Matrix,
  xlo: Float64Array | undefined,
  Y: Float64Array,
  m: number,
  w: Float64Array | undefined,
  mode: 'fast' | 'accurate',
): Moments {
  const { rows: n, cols: d, data } = X;
  const q = d + m;
  const out = emptyMoments(q);
  const sum = summarize(la, X, Y, m, w, true);
  if (sum.n === 0) return out;
  const mu = new Float64Array(q);
  mu.set(sum.mu);
  mu.set(sum.muY, d);
  const s = new Float64Array(q).fill(1);
  s.set(sum.s);
  // per-column scale for y too (power of two of its range)
  for (let k = 0; k < m; k++) {
    let a = Infinity;
    let b = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = Y[i * m + k];
      if (v < a) a = v;
      if (v > b) b = v;
    }
    s[d + k] = pow2Near(b - a);
  }
  const block = Math.max(1, Math.min(n, Math.max(1024, Math.floor(BLOCK_VALUES / q))));
  const V = new Float64Array(block * q);
  const Vlo = mode === 'accurate' && xlo ? new Float64Array(block * q) : undefined;
  const Gh = new Float64Array((q + 1) * (q + 1));
  const Gl = new Float64Array((q + 1) * (q + 1));
  for (let r0 = 0; r0 < n; r0 += block) {
    const rows = Math.min(block, n - r0);
    for (let i = 0; i < rows; i++) {
      const o = (r0 + i) * d;
      for (let j = 0; j < d; j++) V[i * q + j] = data[o + j];
      for (let k = 0; k < m; k++) V[i * q + d + k] = Y[(r0 + i) * m + k];
      if (Vlo && xlo) for (let j = 0; j < d; j++) Vlo[i * q + j] = xlo[o + j];
    }
    const Vm: Matrix = { rows, cols: q, data: rows === block ? V : V.subarray(0, rows * q) };
    const wb = w ? w.subarray(r0, r0 + rows) : undefined;
    if (mode === 'accurate') {
      const G = ddGram({ X: Vm, lo: Vlo && (rows === block ? Vlo : Vlo.subarray(0, rows * q)), w: wb, intercept: true, mu, s });
      for (let t = 0; t < Gh.length; t++) {
        Gh[t] = ddAdd(Gh[t], Gl[t], G.hi[t], G.lo[t]);
        Gl[t] = lo();
      }
    } else {
      // centre (and scale) in float64, then the SIMD Gram; first moments summed alongside
      const Q = q + 1;
      for (let i = 0; i < rows; i++) {
        const wi = wb ? wb[i] : 1;
        for (let j = 0; j < q; j++) {
          const z = (V[i * q + j] - mu[j]) / s[j];
          V[i * q + j] = z;
          Gh[1 + j] = Gh[1 + j] + wi * z;
        }
      }
      const g = wb ? la.gram(Vm, undefined, { weights: wb }) : la.gram(Vm);
      for (let j = 0; j < q; j++) for (let k = 0; k < q; k++) Gh[(j + 1) * Q + k + 1] = Gh[(j + 1) * Q + k + 1] + g.xtx[j * q + k];
    }
  }
  const Q = q + 1;
  if (mode === 'fast') {
    Gh[0] = sum.sumW;
    for (let j = 0; j < q; j++) Gh[(j + 1) * Q] = Gh[1 + j];
  }
  // unscale (exact powers of two): index 0 is the ones column
  const sc = (t: number): number => (t === 0 ? 1 : s[t - 1]);
  for (let a = 0; a < Q; a++) {
    for (let b = 0; b < Q; b++) {
      const f = sc(a) * sc(b);
      Gh[a * Q + b] = Gh[a * Q + b] * f;
      Gl[a * Q + b] = Gl[a * Q + b] * f;
    }
  }
  // W = G00, S1 = G0j: mean = mu + S1/W, C = M2 - S1 S1^T / W
  out.n = sum.n;
  out.wh = Gh[0];
  out.wl = Gl[0];
  const s1h = new Float64Array(q);
  const s1l = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    s1h[j] = Gh[j + 1];
    s1l[j] = Gl[j + 1];
    const qh = ddDiv(s1h[j], s1l[j], out.wh, out.wl);
    const ql = lo();
    out.mean.hi[j] = ddAdd(mu[j], 0, qh, ql);
    out.mean.lo[j] = lo();
  }
  for (let j = 0; j < q; j++) {
    const rh = ddDiv(s1h[j], s1l[j], out.wh, out.wl);
    const rl = lo();
    for (let k = 0; k < q; k++) {
      const ph = ddMul(rh, rl, s1h[k], s1l[k]);
      const pl = lo();
      const t = (j + 1) * Q + k + 1;
      out.C.hi[j * q + k] = ddAdd(Gh[t], Gl[t], -ph, -pl);
      out.C.lo[j * q + k] = lo();
    }
  }
  return out;
}
