/**
 * Greedy Optimal Brain Surgeon (Hassibi & Stork; as OBC, Frantar & Alistarh
 * 2022, applies it row-wise): remove one weight at a time, the one whose
 * removal raises sum_r (w_r - w'_r)^T H (w_r - w'_r) the least,
 * cost_q = w_q^2 / [H_R^-1]_qq, and re-solve the remaining weights exactly:
 *   w -= (w_q / [H_R^-1]_qq) * H_R^-1[:, q],  w_q = 0,
 *   H_R^-1 -= H_R^-1[:, q] H_R^-1[q, :] / [H_R^-1]_qq   (drops q from R).
 * Exact for the quadratic loss at every step, O(d^2) per removal, so
 * O(removed * d^2) in all and one d x d inverse per row in memory.
 * Rows share H but are independent; unstructured targets are met globally
 * (the next removal is the cheapest over all rows), N:M per row and group.
 * Ties go to the lower row, then the lower column.
 */
import { setMaskBit } from '../mask.js';

/** Work in multiply-adds and f64 values held above which 'auto' prefers SparseGPT. */
export const OBS_MAX_WORK = 2 ** 27;
export const OBS_MAX_VALUES = 2 ** 22;

export function obsAffordable(rows: number, cols: number): boolean {
  return rows * cols * cols * cols <= OBS_MAX_WORK && rows * cols * cols <= OBS_MAX_VALUES;
}

/**
 * Prunes W (rows x cols, modified in place) given Hinv (the inverse of the
 * damped H). `removeTotal` weights go globally, or with nm = [n, m], every
 * run of m columns in each row keeps at most n (a trailing run keeps min(n, len)).
 * Returns the keep mask (bit i of byte i >> 3 for element r * cols + c).
 */
export function greedyOBS(W: Float64Array, rows: number, cols: number, Hinv: Float64Array, target: { removeTotal: number } | { nm: [number, number] }): Uint8Array {
  const d = cols;
  const removed = new Uint8Array(rows * cols);
  const hinv = Array.from({ length: rows }, () => Hinv.slice());
  // Eligible: not removed and, for N:M, in a group still holding more than n.
  const m = 'nm' in target ? target.nm[1] : cols;
  const nKeep = 'nm' in target ? target.nm[0] : 0;
  const groups = Math.ceil(cols / m);
  const groupLeft = new Int32Array(rows * groups);
  for (let r = 0; r < rows; r++) for (let g = 0; g < groups; g++) groupLeft[r * groups + g] = Math.min(m, cols - g * m);
  const eligible = (r: number, c: number): boolean => {
    if (removed[r * cols + c]) return false;
    if (!('nm' in target)) return true;
    const g = (c / m) | 0;
    const len = Math.min(m, cols - g * m);
    return groupLeft[r * groups + g] > Math.min(nKeep, len);
  };

  const bestCost = new Float64Array(rows).fill(Infinity);
  const bestCol = new Int32Array(rows).fill(-1);
  const rescan = (r: number) => {
    const h = hinv[r];
    let bc = Infinity;
    let bi = -1;
    for (let c = 0; c < cols; c++) {
      if (!eligible(r, c)) continue;
      const w = W[r * cols + c];
      const cost = (w * w) / Math.max(h[c * d + c], Number.MIN_VALUE);
      if (cost < bc || bi < 0) {
        bc = cost;
        bi = c;
      }
    }
    bestCost[r] = bc;
    bestCol[r] = bi;
  };
  const removeOne = (r: number, q: number) => {
    const h = hinv[r];
    const hqq = Math.max(h[q * d + q], Number.MIN_VALUE);
    const f = W[r * cols + q] / hqq;
    for (let j = 0; j < d; j++) if (!removed[r * cols + j]) W[r * cols + j] -= f * h[j * d + q];
    W[r * cols + q] = 0;
    removed[r * cols + q] = 1;
    const col = new Float64Array(d);
    for (let j = 0; j < d; j++) col[j] = h[j * d + q];
    for (let i = 0; i < d; i++) {
      const a = col[i] / hqq;
      if (a === 0) continue;
      for (let j = 0; j < d; j++) h[i * d + j] -= a * col[j];
    }
    if ('nm' in target) groupLeft[r * groups + ((q / m) | 0)]--;
  };

  if ('nm' in target) {
    for (let r = 0; r < rows; r++) {
      for (rescan(r); bestCol[r] >= 0; rescan(r)) removeOne(r, bestCol[r]);
    }
  } else {
    for (let r = 0; r < rows; r++) rescan(r);
    for (let k = 0; k < target.removeTotal; k++) {
      let br = -1;
      for (let r = 0; r < rows; r++) if (bestCol[r] >= 0 && (br < 0 || bestCost[r] < bestCost[br])) br = r;
      if (br < 0) break;
      removeOne(br, bestCol[br]);
      rescan(br);
    }
  }
  const mask = new Uint8Array((rows * cols + 7) >> 3);
  for (let i = 0; i < rows * cols; i++) if (!removed[i]) setMaskBit(mask, i);
  return mask;
}
