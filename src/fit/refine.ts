/**
 * Iterative refinement of least-squares coefficients with residuals computed
 * from the original data in double-double.
 *
 * Parameters live in "theta1 space": index 0 is the intercept when there is
 * one (theta_0 = b0 + sum_j mu_j b_j), then theta_j = b_j * s_j. One pass
 * computes, for the current float64 coefficients (b0, b),
 *   r_i  = y_i - b0 - sum_j b_j (x_ij + lo_ij)              (DD, Dot2-style)
 *   g    = [1, Z]^T W r - ridge * b / s                     (DD)
 * where z_ij = (x_ij + lo_ij - mu_j) / s_j is formed exactly in DD. g is the
 * exact (to ~1e-32 relative to the terms) negative half-gradient of
 * sum w r^2 + ridge |b|^2, so the fixed point of b += M^-1 g is the least-
 * squares solution of the data as given, whatever approximation M of the
 * normal matrix is used; M only sets the contraction rate (~cond(A) * err(M)).
 * Cost per pass: ~50 flops per X entry, O(n*d) — cheap next to a Gram for
 * large d. `iterations` counts passes, including a last one that only
 * re-measures the RSS of a (near-)exact fit after the final correction.
 */
import type { Matrix } from '../types.js';
import { SPLITTER } from './dd.js';

export interface DataProblem {
  X: Matrix;
  lo: Float64Array | undefined;
  /** n*m row-major. */
  Y: Float64Array;
  m: number;
  w: Float64Array | undefined;
  intercept: boolean;
  ridge: number;
  mu: Float64Array;
  s: Float64Array;
}

/** Coefficients in original units: b d*m row-major, b0 per output (0 without intercept). */
export interface Coefs {
  b: Float64Array;
  b0: Float64Array;
}

export interface PassResult {
  /** theta1-space gradient (hi, lo), p*m. */
  gh: Float64Array;
  gl: Float64Array;
  /** sum w r^2 per output at the coefficients of this pass. */
  rss: Float64Array;
}

export function residualPass(P: DataProblem, C: Coefs): PassResult {
  const { X, lo, Y, m, w, intercept, mu, s, ridge } = P;
  const { rows: n, cols: d, data } = X;
  const off = intercept ? 1 : 0;
  const p = d + off;
  const b = C.b;
  const bh = new Float64Array(d * m);
  const bl = new Float64Array(d * m);
  for (let t = 0; t < d * m; t++) {
    const v = b[t];
    const q = SPLITTER * v;
    const h = q - (q - v);
    bh[t] = h;
    bl[t] = v - h;
  }
  const inv = s.map((v) => 1 / v);
  const gh = new Float64Array(p * m);
  const gl = new Float64Array(p * m);
  const rss = new Float64Array(m);
  const xah = new Float64Array(d);
  const xal = new Float64Array(d);
  const zh = new Float64Array(d);
  const zl = new Float64Array(d);
  const zah = new Float64Array(d);
  const zal = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const x = data[o + j];
      let q = SPLITTER * x;
      let h = q - (q - x);
      xah[j] = h;
      xal[j] = x - h;
      // z = (x - mu + lo) / s, exact in DD
      const nm = -mu[j];
      let a = x + nm;
      const bv = a - x;
      let e = x - (a - bv) + (nm - bv);
      if (lo) e += lo[o + j];
      h = a + e;
      e = e - (h - a);
      a = h * inv[j];
      e = e * inv[j];
      zh[j] = a;
      zl[j] = e;
      q = SPLITTER * a;
      h = q - (q - a);
      zah[j] = h;
      zal[j] = a - h;
    }
    for (let k = 0; k < m; k++) {
      // r = y - b0 - sum b_j x_j  (Dot2: Sh exact running sum via twoSum, Sl collects errors)
      let Sh = Y[i * m + k];
      let Sl = 0;
      if (intercept) {
        const nb = -C.b0[k];
        const t = Sh + nb;
        const bv = t - Sh;
        Sl += Sh - (t - bv) + (nb - bv);
        Sh = t;
      }
      for (let j = 0; j < d; j++) {
        const idx = j * m + k;
        const bj = b[idx];
        const pr = data[o + j] * bj;
        const hb = bh[idx];
        const lb = bl[idx];
        const ha = xah[j];
        const la = xal[j];
        let e = ha * hb - pr + ha * lb + la * hb + la * lb;
        if (lo) e += lo[o + j] * bj;
        const t = Sh - pr;
        const bv = t - Sh;
        Sl += Sh - (t - bv) + (-pr - bv) - e;
        Sh = t;
      }
      const rh = Sh + Sl;
      const rl = Sl - (rh - Sh);
      rss[k] += wi * rh * rh;
      // wr = w * r in DD
      let wrh = rh;
      let wrl = rl;
      if (w && wi !== 1) {
        wrh = wi * rh;
        let q = SPLITTER * wi;
        const wa = q - (q - wi);
        const wb = wi - wa;
        q = SPLITTER * rh;
        const ra = q - (q - rh);
        const rb = rh - ra;
        wrl = wa * ra - wrh + wa * rb + wb * ra + wb * rb + wi * rl;
      }
      if (intercept) {
        const t0 = k;
        const g = gh[t0];
        const t = g + wrh;
        const bv = t - g;
        gl[t0] += g - (t - bv) + (wrh - bv) + wrl;
        gh[t0] = t;
      }
      const q = SPLITTER * wrh;
      const wa = q - (q - wrh);
      const wb = wrh - wa;
      for (let j = 0; j < d; j++) {
        const za = zah[j];
        const zb = zal[j];
        const pr = zh[j] * wrh;
        const e = za * wa - pr + za * wb + zb * wa + zb * wb + (zh[j] * wrl + zl[j] * wrh);
        const t1 = (j + off) * m + k;
        const g = gh[t1];
        const t = g + pr;
        const bv = t - g;
        gl[t1] += g - (t - bv) + (pr - bv) + e;
        gh[t1] = t;
      }
    }
  }
  for (let t = 0; t < p * m; t++) {
    const j = Math.floor(t / m) - off;
    let g = gh[t];
    let e = gl[t];
    if (j >= 0 && ridge > 0) {
      // - ridge * b_j / s_j  (rounded once: the penalty term needs no DD)
      const r = -ridge * b[t - off * m] * inv[j];
      const u = g + r;
      const bv = u - g;
      e += g - (u - bv) + (r - bv);
      g = u;
    }
    const h = g + e;
    gl[t] = e - (h - g);
    gh[t] = h;
  }
  return { gh, gl, rss };
}

/** M^-1 g: a correction in theta1 space (p*m) from a gradient (hi, lo). */
export type Preconditioner = (gh: Float64Array, gl: Float64Array) => Float64Array;

export interface RefineResult {
  iterations: number;
  /** The last correction's largest componentwise relative size. */
  lastCorrection: number;
  /** RSS per output at the final coefficients (to first order). */
  rss: Float64Array;
  ok: boolean;
}

const CONVERGED = 2 ** -50; // ~8.9e-16: a correction below this is rounding noise
const ACCEPT = 1e-12;

/**
 * b += M^-1 g until the correction is rounding noise (componentwise relative
 * 2^-50 in theta1 space), stops shrinking, or maxIter passes. `ok` is true when
 * the last correction was below 1e-12 relative.
 */
export function refine(P: DataProblem, C: Coefs, M: Preconditioner, maxIter: number): RefineResult {
  const { m, intercept, mu, s } = P;
  const d = P.X.cols;
  const off = intercept ? 1 : 0;
  const p = d + off;
  let prev = Infinity;
  let rel = Infinity;
  let rss: Float64Array = new Float64Array(m);
  let it = 0;
  while (it < maxIter) {
    it++;
    const pass = residualPass(P, C);
    rss = pass.rss;
    const delta = M(pass.gh, pass.gl);
    // componentwise relative size of the correction against theta1
    const theta = new Float64Array(p * m);
    for (let k = 0; k < m; k++) {
      let t0 = intercept ? C.b0[k] : 0;
      for (let j = 0; j < d; j++) {
        const bj = C.b[j * m + k];
        theta[(j + off) * m + k] = bj * s[j];
        t0 += mu[j] * bj;
      }
      if (intercept) theta[k] = t0;
    }
    let big = 0;
    for (let t = 0; t < p * m; t++) big = Math.max(big, Math.abs(theta[t]));
    rel = 0;
    for (let t = 0; t < p * m; t++) {
      const den = Math.abs(theta[t]) + big * 2 ** -60 + 1e-300;
      rel = Math.max(rel, Math.abs(delta[t]) / den);
    }
    if (!Number.isFinite(rel)) return { iterations: it, lastCorrection: rel, rss, ok: false };
    // apply: b_j += d_j / s_j ; b0 += d0 - sum mu_j (d_j / s_j)
    for (let k = 0; k < m; k++) {
      let d0 = intercept ? delta[k] : 0;
      for (let j = 0; j < d; j++) {
        const db = delta[(j + off) * m + k] / s[j];
        C.b[j * m + k] = C.b[j * m + k] + db;
        d0 -= mu[j] * db;
      }
      if (intercept) C.b0[k] = C.b0[k] + d0;
    }
    // rss was measured before this correction; it drops by ~delta . g, which
    // matters only for (near-)exact fits, where one more pass measures it
    let stale = false;
    for (let k = 0; k < m; k++) {
      let drop = 0;
      for (let t = 0; t < p; t++) drop += delta[t * m + k] * pass.gh[t * m + k];
      if (drop > 1e-10 * rss[k]) stale = true;
    }
    const stop = rel <= CONVERGED || (it >= 2 && rel > 0.5 * prev) || it === maxIter; // converged, noise floor, diverging
    if (stop) {
      if (stale && rel <= ACCEPT) {
        rss = residualPass(P, C).rss;
        it++;
      }
      break;
    }
    prev = rel;
  }
  return { iterations: it, lastCorrection: rel, rss, ok: rel <= ACCEPT };
}
