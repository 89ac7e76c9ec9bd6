/**
 * The normal matrix [1, Z]^T W [1, Z] in double-double (accurate path), with
 * z_ij = (x_ij + lo_ij - mu_j) / s_j formed exactly in DD. Every product is
 * exact (Dekker twoProd on pre-split halves) up to the lo*lo terms (~1e-32
 * relative) and sums are Dot2-style (Ogita-Rump-Oishi): the result is as if
 * computed in twice the working precision, relative error ~1e-32 * n.
 * Cost: ~25 flops per (row, pair) in plain JS — about two orders of magnitude
 * slower than the SIMD Gram; used only when the condition estimate asks.
 */
import type { DataProblem } from './refine.js';
import { SPLITTER } from './dd.js';
import type { DDMatrix } from './ddchol.js';

/** p*p full symmetric (hi, lo); p = d + (intercept ? 1 : 0), intercept first. */
export function ddGram(P: Pick<DataProblem, 'X' | 'lo' | 'w' | 'intercept' | 'mu' | 's'>): DDMatrix {
  const { X, lo, w, intercept, mu, s } = P;
  const { rows: n, cols: d, data } = X;
  const off = intercept ? 1 : 0;
  const p = d + off;
  const inv = s.map((v) => 1 / v);
  const Gh = new Float64Array(p * p);
  const Gl = new Float64Array(p * p);
  // per-row z (DD), its split, and u = w * z (DD) with its split
  const zh = new Float64Array(p);
  const zl = new Float64Array(p);
  const za = new Float64Array(p);
  const zb = new Float64Array(p);
  const uh = new Float64Array(p);
  const ul = new Float64Array(p);
  const ua = new Float64Array(p);
  const ub = new Float64Array(p);
  if (intercept) {
    zh[0] = 1;
    za[0] = 1;
  }
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    if (wi === 0) continue;
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const x = data[o + j];
      const nm = -mu[j];
      let a = x + nm;
      const bv = a - x;
      let e = x - (a - bv) + (nm - bv);
      if (lo) e += lo[o + j];
      const h = a + e;
      e = e - (h - a);
      a = h * inv[j];
      e = e * inv[j];
      const t = j + off;
      zh[t] = a;
      zl[t] = e;
      const q = SPLITTER * a;
      const ah = q - (q - a);
      za[t] = ah;
      zb[t] = a - ah;
    }
    if (wi === 1) {
      uh.set(zh);
      ul.set(zl);
      ua.set(za);
      ub.set(zb);
    } else {
      let q = SPLITTER * wi;
      const wa = q - (q - wi);
      const wb = wi - wa;
      for (let t = 0; t < p; t++) {
        const a = zh[t];
        const pr = wi * a;
        const ha = za[t];
        const la = zb[t];
        const e = wa * ha - pr + wa * la + wb * ha + wb * la + wi * zl[t];
        const h = pr + e;
        uh[t] = h;
        ul[t] = e - (h - pr);
        q = SPLITTER * h;
        const hh = q - (q - h);
        ua[t] = hh;
        ub[t] = h - hh;
      }
    }
    for (let j = 0; j < p; j++) {
      const ujh = uh[j];
      const ujl = ul[j];
      const uja = ua[j];
      const ujb = ub[j];
      const row = j * p;
      for (let k = 0; k <= j; k++) {
        const zk = zh[k];
        const pr = ujh * zk;
        const ka = za[k];
        const kb = zb[k];
        const e = uja * ka - pr + uja * kb + ujb * ka + ujb * kb + (ujh * zl[k] + ujl * zk);
        const g = Gh[row + k];
        const t = g + pr;
        const bv = t - g;
        Gl[row + k] += g - (t - bv) + (pr - bv) + e;
        Gh[row + k] = t;
      }
    }
  }
  for (let j = 0; j < p; j++) {
    for (let k = 0; k <= j; k++) {
      const a = Gh[j * p + k];
      const e = Gl[j * p + k];
      const h = a + e;
      const l = e - (h - a);
      Gh[j * p + k] = h;
      Gl[j * p + k] = l;
      Gh[k * p + j] = h;
      Gl[k * p + j] = l;
    }
  }
  return { hi: Gh, lo: Gl };
}
