/**
 * Identical rows of a 0/1 design, merged: the log-likelihood is a sum over
 * rows, and rows with the same x and the same y contribute the same term, so
 * a fit on one row per distinct (x, y) weighted by the rows' summed weights
 * has the same estimate, Hessian (hence standard errors) and log-likelihood,
 * to rounding. Few bin indicators (d = 8: 16 distinct rows; d = 16: 192) make
 * n = 160,000 rows a few hundred; wider designs have nearly all rows
 * distinct, and the search stops as soon as merging cannot pay (more than
 * n / MERGE_FRACTION distinct patterns, or most of the first rows new).
 */
import type { Matrix } from '../types.js';
import type { Nonzeros } from '../ops/nonzero-gram.js';

/** Merging is given up once the distinct patterns exceed n / MERGE_FRACTION. */
const MERGE_FRACTION = 16;
/** ... or when, past this many rows, more than a quarter of those seen were new patterns. */
const EARLY_ROWS = 2048;

export interface MergedRows {
  /** One row per distinct (pattern, outcome) with positive summed weight. */
  X: Matrix;
  y: Float64Array;
  /** The summed weights (row counts when unweighted). */
  w: Float64Array;
  /** How many positive-weight rows each merged row stands for. */
  rows: Int32Array;
}

/** The merged rows of a 0/1 design (index.ones), or undefined when there are too many distinct patterns. */
export function mergeRows(index: Nonzeros, n: number, d: number, y: Float64Array, w: Float64Array | undefined): MergedRows | undefined {
  if (!index.ones) return undefined;
  const { start, col } = index;
  const limit = Math.floor(n / MERGE_FRACTION);
  // pattern -> group: by a hash of the column list, then compared with the group's first row
  const byHash = new Map<number, number[]>();
  const first: number[] = [];
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const b = start[i];
    const e = start[i + 1];
    let h = 0x811c9dc5 ^ (e - b);
    for (let q = b; q < e; q++) h = Math.imul(h ^ (col[q] + 1), 0x01000193);
    let ids = byHash.get(h);
    let g = -1;
    if (ids) {
      for (const id of ids) {
        const f = first[id];
        const fb = start[f];
        if (start[f + 1] - fb !== e - b) continue;
        let same = true;
        for (let q = 0; q < e - b && same; q++) same = col[fb + q] === col[b + q];
        if (same) {
          g = id;
          break;
        }
      }
    } else {
      ids = [];
      byHash.set(h, ids);
    }
    if (g < 0) {
      g = first.length;
      // too many patterns, or (a quick no for wide designs) most of the first rows distinct
      if (g >= limit || (i >= EARLY_ROWS && g > i / 4)) return undefined;
      first.push(i);
      ids.push(g);
    }
    group[i] = g;
  }
  const G = first.length;
  // per group and outcome: summed weight and positive-weight row count
  const sw = new Float64Array(2 * G);
  const cnt = new Int32Array(2 * G);
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    if (!(wi > 0)) continue;
    const k = 2 * group[i] + (y[i] === 1 ? 1 : 0);
    sw[k] += wi;
    cnt[k]++;
  }
  let m = 0;
  for (let k = 0; k < 2 * G; k++) if (cnt[k] > 0) m++;
  const data = new Float64Array(m * d);
  const yM = new Float64Array(m);
  const wM = new Float64Array(m);
  const rows = new Int32Array(m);
  for (let k = 0, r = 0; k < 2 * G; k++) {
    if (cnt[k] === 0) continue;
    const f = first[k >> 1];
    for (let q = start[f]; q < start[f + 1]; q++) data[r * d + col[q]] = 1;
    yM[r] = k & 1;
    wM[r] = sw[k];
    rows[r] = cnt[k];
    r++;
  }
  return { X: { rows: m, cols: d, data }, y: yM, w: wM, rows };
}
