/**
 * Hessian-aware pruning: pruneSparseGPT picks, by problem size, between
 *  - 'obs': exact greedy Optimal Brain Surgeon (obs.ts), affordable for the
 *    small d of tabular models (rows * cols^3 <= 2^27 and rows * cols^2 <= 2^22);
 *  - 'sparsegpt' (Frantar & Alistarh, 2023): columns left to right; in each
 *    block of `blockSize` columns the mask is chosen from
 *    w^2 / U_ii^2 (U the upper Cholesky factor of H^-1, so U_ii^2 is the
 *    inverse Hessian diagonal of the columns not yet processed); then every
 *    column's pruning error (w - q) / U_ii is pushed onto the later columns,
 *    w_j -= err * U_ij, with lazy batch updates per block. N:M masks are
 *    chosen per run of m columns when the run starts.
 * Both minimise sum_r (w_r - w'_r)^T H (w_r - w'_r), reported as hessianLoss
 * next to the same loss for plain magnitude pruning with the same count.
 * Surviving weights are updated (that is the point), so the result's values
 * differ from W's.
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { assertOption } from '../validate.js';
import { checkDamp, checkH, checkW, columnOrder, prepare, type HessianInput, type WeightsInput } from './hessian.js';
import { optionKeys, refuseUnknown } from '../options.js';
import { hessianLoss } from './linalg.js';
import { greedyOBS, obsAffordable } from './obs.js';
import { checkNM, checkSparsity } from './prune-spec.js';
import { nmMask, removedCount, topKMask } from '../ops/select.js';
import { SparseTensor } from './sparse-tensor.js';
import { maskBit, setMaskBit } from '../mask.js';

export interface SparseGPTOptions {
  /** Fraction of weights removed, in [0, 1): round(sparsity * rows * cols) of them. Give this or nm. */
  sparsity?: number;
  /** N:M: at most n of every m consecutive weights in each row survive. */
  nm?: [number, number];
  /** 'auto' (default): 'obs' when affordable (see above), else 'sparsegpt'. */
  method?: 'auto' | 'obs' | 'sparsegpt';
  /** SparseGPT mask-selection and lazy-update block (columns, >= 1, default 128; rounded up to a multiple of m for N:M). */
  blockSize?: number;
  /** Diagonal damping as a fraction of mean(diag H) (>= 0, default 0.01). */
  damp?: number;
}

const SPARSEGPT_OPTION_KEYS = /* @__PURE__ */ optionKeys<SparseGPTOptions>()(['sparsity', 'nm', 'method', 'blockSize', 'damp']);

export interface SparseGPTReport {
  method: 'obs' | 'sparsegpt';
  /** Why that method ran. */
  reason: string;
  kept: number;
  sparsity: number;
  /** sum_r (w_r - w'_r)^T H (w_r - w'_r) with the caller's H. */
  hessianLoss: number;
  /** The same loss for magnitude pruning (no update) with the same count / N:M pattern. */
  magnitudeHessianLoss: number;
  /** magnitudeHessianLoss / hessianLoss (> 1: better than magnitude). */
  gainVsMagnitude: number;
  ridge: number;
  dead: number[];
  bytes: number;
  denseBytes: number;
}

export interface SparseGPTResult {
  tensor: SparseTensor<Float64Array>;
  report: SparseGPTReport;
}

/** W is rows x cols (float64 or float32 data), or one row as a vector, whose tensor then has shape [cols]; values are float64. */
export function pruneSparseGPT(engine: Engine, W: WeightsInput, H: HessianInput, opts: SparseGPTOptions): SparseGPTResult {
  const { W: Wm, vector } = checkW(W);
  const { rows, cols } = Wm;
  const h = checkH(H, cols);
  if (typeof opts !== 'object' || opts === null) throw new SlimfitError('E_RANGE', 'pruneSparseGPT needs { sparsity } or { nm: [n, m] }');
  refuseUnknown('pruneSparseGPT', opts, SPARSEGPT_OPTION_KEYS);
  if ((opts.sparsity === undefined) === (opts.nm === undefined)) throw new SlimfitError('E_RANGE', 'give exactly one of sparsity or nm');
  const nm = opts.nm !== undefined ? checkNM(opts.nm) : undefined;
  const sparsity = opts.sparsity !== undefined ? checkSparsity(opts.sparsity) : 0;
  const damp = checkDamp(opts.damp ?? 0.01);
  let blockSize = opts.blockSize ?? 128;
  assertOption(blockSize, 'blockSize', 1, 2 ** 31 - 1, { integer: true });
  if (nm) blockSize = Math.ceil(blockSize / nm[1]) * nm[1];
  const want = opts.method ?? 'auto';
  if (want !== 'auto' && want !== 'obs' && want !== 'sparsegpt') throw new SlimfitError('E_RANGE', `method must be 'auto', 'obs' or 'sparsegpt', got ${String(want)}`);
  const n = rows * cols;
  const affordable = obsAffordable(rows, cols);
  const method = want === 'auto' ? (affordable ? 'obs' : 'sparsegpt') : want;
  const reason =
    want !== 'auto'
      ? `method '${want}' requested`
      : affordable
        ? `rows * cols^3 = ${rows * cols ** 3} is small enough for exact greedy OBS`
        : `rows * cols^3 = ${rows * cols ** 3} is too large for exact greedy OBS; SparseGPT with ${blockSize}-column blocks`;

  const P = prepare(engine, Wm, h, damp, columnOrder(h, cols, false), method === 'obs');
  const Wp = P.W;
  const target = nm ? { nm } : { removeTotal: removedCount(sparsity, n) };
  const mask = method === 'obs' ? greedyOBS(Wp, rows, cols, P.Hinv!, target) : sparseGPT(engine, Wp, rows, cols, P.U, blockSize, target);
  for (let i = 0; i < n; i++) if (!maskBit(mask, i)) Wp[i] = 0;
  const tensor = SparseTensor.fromDense(Wp, mask, vector ? [cols] : [rows, cols]);

  const mag = magnitudeBaseline(engine, Wm.data, rows, cols, target);
  const loss = hessianLoss(Wm.data, Wp, h, rows, cols);
  const magLoss = hessianLoss(Wm.data, mag, h, rows, cols);
  return {
    tensor,
    report: {
      method,
      reason,
      kept: tensor.kept,
      sparsity: tensor.sparsity,
      hessianLoss: loss,
      magnitudeHessianLoss: magLoss,
      gainVsMagnitude: loss === 0 ? (magLoss === 0 ? 1 : Infinity) : magLoss / loss,
      ridge: P.ridge,
      dead: P.dead,
      bytes: tensor.bytes,
      denseBytes: tensor.denseBytes,
    },
  };
}

/** SparseGPT's column sweep over W (in place); returns the keep mask. */
function sparseGPT(
  engine: Engine,
  W: Float64Array,
  rows: number,
  cols: number,
  U: Float64Array,
  blockSize: number,
  target: { removeTotal: number } | { nm: [number, number] },
): Uint8Array {
  const n = rows * cols;
  const mask = new Uint8Array((n + 7) >> 3);
  const pruned = new Uint8Array(n);
  const err = new Float64Array(rows * blockSize);
  let removedSoFar = 0;
  for (let i1 = 0; i1 < cols; i1 += blockSize) {
    const i2 = Math.min(cols, i1 + blockSize);
    const bw = i2 - i1;
    if ('removeTotal' in target) {
      // Cumulative rounding: after this block, round(sparsity * rows * i2) are gone.
      const upto = Math.round((target.removeTotal * i2) / cols);
      const count = upto - removedSoFar;
      removedSoFar = upto;
      const scores = new Float64Array(rows * bw);
      for (let r = 0; r < rows; r++) {
        for (let i = i1; i < i2; i++) {
          const u = U[i * cols + i];
          const w = W[r * cols + i];
          scores[r * bw + (i - i1)] = (w * w) / (u * u);
        }
      }
      const keep = new Uint8Array((rows * bw + 7) >> 3);
      topKMask(engine, scores, [{ off: 0, len: rows * bw, k: rows * bw - count }], keep);
      for (let r = 0; r < rows; r++) for (let i = i1; i < i2; i++) pruned[r * cols + i] = maskBit(keep, r * bw + i - i1) ? 0 : 1;
    }
    for (let i = i1; i < i2; i++) {
      if ('nm' in target && (i - i1) % target.nm[1] === 0) {
        const [nk, m] = target.nm;
        const g2 = Math.min(i2, i + m);
        const gw = g2 - i;
        // this run of every row at once: rows of gw scores, one kernel call
        const scores = new Float64Array(rows * gw);
        const keep = new Uint8Array((rows * gw + 7) >> 3);
        for (let r = 0; r < rows; r++) {
          for (let j = i; j < g2; j++) {
            const u = U[j * cols + j];
            const w = W[r * cols + j];
            scores[r * gw + j - i] = (w * w) / (u * u);
          }
        }
        nmMask(engine, scores, nk, m, gw, keep);
        for (let r = 0; r < rows; r++) {
          for (let j = i; j < g2; j++) {
            const b = r * gw + j - i;
            pruned[r * cols + j] = maskBit(keep, b) ? 0 : 1;
          }
        }
      }
      const uii = U[i * cols + i];
      for (let r = 0; r < rows; r++) {
        const e = pruned[r * cols + i] ? W[r * cols + i] / uii : 0;
        err[r * bw + (i - i1)] = e;
        if (e === 0) continue;
        W[r * cols + i] = 0;
        for (let j = i + 1; j < i2; j++) W[r * cols + j] -= e * U[i * cols + j];
      }
    }
    for (let r = 0; r < rows; r++) {
      for (let i = i1; i < i2; i++) {
        const e = err[r * bw + (i - i1)];
        if (e === 0) continue;
        for (let j = i2; j < cols; j++) W[r * cols + j] -= e * U[i * cols + j];
      }
    }
  }
  for (let i = 0; i < n; i++) if (!pruned[i]) setMaskBit(mask, i);
  return mask;
}

/** Magnitude pruning with the same count or N:M pattern, no update: the baseline the report compares with. */
function magnitudeBaseline(engine: Engine, w: Float64Array, rows: number, cols: number, target: { removeTotal: number } | { nm: [number, number] }): Float64Array {
  const n = rows * cols;
  const keep = new Uint8Array((n + 7) >> 3);
  if ('nm' in target) nmMask(engine, w, target.nm[0], target.nm[1], cols, keep);
  else topKMask(engine, w, [{ off: 0, len: n, k: n - target.removeTotal }], keep);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) if (maskBit(keep, i)) out[i] = w[i];
  return out;
}
