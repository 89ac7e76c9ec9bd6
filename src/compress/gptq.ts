/**
 * GPTQ (Frantar et al., 2022): quantize W one column at a time and push each
 * column's rounding error onto the columns not yet quantized through the
 * upper Cholesky factor U of H^-1 (H^-1 = U^T U):
 *   err_r = (w_ri - dq(q(w_ri))) / U_ii,   w_rj -= err_r * U_ij  (j > i),
 * with lazy batch updates every `blockSize` columns (identical result, fewer
 * passes over W). This minimises, greedily, the output error on the data H
 * was built from: sum_r (w_r - dq_r)^T H (w_r - dq_r), reported as
 * hessianLoss next to the same quantity for round-to-nearest.
 *
 * Scales and zero points are fixed up front from the original W ("static
 * groups", as AutoGPTQ's static_groups), so act-order and any granularity
 * combine freely; codes follow the ONNX rule q = clamp(roundHalfEven(f32(w / s)) + z).
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { dequantize } from '../ops/quantize.js';
import type { Granularity, QuantizedTensor, QuantScheme } from '../types.js';
import { checkBits, checkScheme, groupsOf, roundHalfEven } from '../ops/quant-params.js';
import { quantRange, type QuantRange } from '../codes.js';
import { assertOption } from '../validate.js';
import { calibrate, checkCalibration, type Calibration } from './calibrate.js';
import { checkDamp, checkH, checkW, columnOrder, prepare, type HessianInput, type WeightsInput } from './hessian.js';
import { checkOptions, optionKeys, refuseUnknown } from '../options.js';
import { hessianLoss } from './linalg.js';
import { packCodes } from '../codes.js';
import { errorStats, quantizedBytes, type ErrorStats } from './report.js';
import { maskBit } from '../mask.js';

export type GPTQGranularity = 'tensor' | 'row' | { axis: 0; shape?: [number, number] } | { block: number };

export interface GPTQOptions {
  /** 2..8 (default 4). */
  bits?: number;
  /** 'symmetric' (default) or 'affine'. */
  scheme?: QuantScheme;
  /** 'row' (default: one scale per output row), 'tensor', or { block: B } (B divides rows * cols; blocks run along rows). */
  granularity?: GPTQGranularity;
  /** Columns per lazy batch update (>= 1, default 128). Changes speed only, not the result (up to rounding). */
  blockSize?: number;
  /** Diagonal damping as a fraction of mean(diag H) (>= 0, default 0.01). */
  damp?: number;
  /** Quantize columns in order of decreasing H_ii (GPTQ's act-order; default false). */
  actOrder?: boolean;
  /** How each group's clip range is chosen from the original W (default 'minmax'). */
  calibration?: Calibration;
  /** Percentile for calibration 'percentile'. */
  p?: number;
  /**
   * Keep-bitmask (bit i of byte i >> 3 for element r * cols + c): weights
   * outside it are held at exactly 0 and their error is pushed on like any
   * other (joint sparsify-and-quantize, as in SparseGPT). Default: all kept.
   */
  keep?: Uint8Array;
}

const GPTQ_OPTION_KEYS = /* @__PURE__ */ optionKeys<GPTQOptions>()(['bits', 'scheme', 'granularity', 'blockSize', 'damp', 'actOrder', 'calibration', 'p', 'keep']);

export interface GPTQReport extends ErrorStats {
  method: 'gptq';
  bits: number;
  scheme: QuantScheme;
  scale: Float32Array;
  zeroPoint: Int32Array | undefined;
  /** sum_r (w_r - dq_r)^T H (w_r - dq_r) with the caller's (undamped) H: n x output MSE on the calibration data. */
  hessianLoss: number;
  /** The same loss for round-to-nearest with the same scales. */
  rtnHessianLoss: number;
  /** rtnHessianLoss / hessianLoss (> 1: GPTQ is better). */
  gainVsRtn: number;
  /** damp * mean(diag H), added to the diagonal. */
  ridge: number;
  /** Columns with H_ii = 0, whose weights were set to 0. */
  dead: number[];
  actOrder: boolean;
  bytesBefore: number;
  bytesAfter: number;
  ratio: number;
}

export interface GPTQResult {
  tensor: QuantizedTensor;
  report: GPTQReport;
}

function canonicalGranularity(g: GPTQGranularity, rows: number, cols: number): Granularity {
  if (g === 'tensor') return 'tensor';
  if (typeof g === 'object' && g !== null) refuseUnknown('quantizeGPTQ', g, 'block' in g ? ['block'] : ['axis', 'shape'], 'granularity');
  if (g === 'row' || (typeof g === 'object' && g !== null && 'axis' in g && g.axis === 0 && g.shape === undefined)) return { axis: 0, shape: [rows, cols] };
  if (typeof g === 'object' && g !== null && 'axis' in g) {
    const shp = g.shape;
    if (g.axis !== 0 || !Array.isArray(shp) || shp[0] !== rows || shp[1] !== cols) {
      throw new SlimfitError('E_SHAPE', `granularity { axis: 0, shape } must have shape [${rows}, ${cols}] (W's shape)`);
    }
    return { axis: 0, shape: [rows, cols] };
  }
  if (typeof g === 'object' && g !== null && 'block' in g) return { block: g.block };
  throw new SlimfitError('E_RANGE', `granularity must be 'tensor', 'row', { axis: 0 } or { block: B }, got ${JSON.stringify(g)}`);
}

/** Code of one value: clamp(roundHalfEven(f32(w / s)) + z, qmin, qmax). */
function code(w: number, s: number, z: number, r: QuantRange): number {
  return Math.min(r.qmax, Math.max(r.qmin, roundHalfEven(Math.fround(w / s)) + z));
}

/**
 * W is rows x cols (float64 or float32 data), or one row as a vector, whose
 * tensor then comes back with shape [cols] ('row' is then the one 'tensor' scale).
 */
export function quantizeGPTQ(engine: Engine, W: WeightsInput, H: HessianInput, options?: GPTQOptions | null): GPTQResult {
  const opts = checkOptions('quantizeGPTQ', options, GPTQ_OPTION_KEYS);
  const { W: Wm, vector } = checkW(W);
  const { rows, cols } = Wm;
  const h = checkH(H, cols);
  const bits = checkBits(opts.bits ?? 4);
  const scheme = checkScheme(opts.scheme ?? 'symmetric');
  const blockSize = opts.blockSize ?? 128;
  assertOption(blockSize, 'blockSize', 1, 2 ** 31 - 1, { integer: true });
  const damp = checkDamp(opts.damp ?? 0.01);
  const actOrder = opts.actOrder === undefined ? false : opts.actOrder;
  if (typeof actOrder !== 'boolean') throw new SlimfitError('E_RANGE', `actOrder must be true or false, got ${JSON.stringify(actOrder)}`);
  const calibration = checkCalibration(opts.calibration ?? 'minmax');
  const granularity = canonicalGranularity(opts.granularity ?? 'row', rows, cols);
  const n = rows * cols;
  const { seg } = groupsOf(granularity, n);
  const keep = opts.keep;
  if (keep !== undefined && (!(keep instanceof Uint8Array) || keep.length !== (n + 7) >> 3)) {
    throw new SlimfitError('E_SHAPE', `keep must be a Uint8Array bitmask of ${(n + 7) >> 3} bytes for ${n} weights`);
  }
  const kept = (i: number) => keep === undefined || maskBit(keep, i) === 1;
  const range = quantRange(bits, scheme);

  const params = calibrate(Wm.data, seg, bits, scheme, calibration, opts.p);
  const perm = columnOrder(h, cols, actOrder);
  const P = prepare(engine, Wm, h, damp, perm);
  const Wp = P.W;
  const U = P.U;
  const codes = new Int32Array(n);
  const scaleOf = (r: number, c: number) => params.scale[((r * cols + c) / seg) | 0];
  const zeroOf = (r: number, c: number) => (params.zeroPoint ? params.zeroPoint[((r * cols + c) / seg) | 0] : 0);

  const err = new Float64Array(rows * blockSize);
  for (let i1 = 0; i1 < cols; i1 += blockSize) {
    const i2 = Math.min(cols, i1 + blockSize);
    const bw = i2 - i1;
    for (let i = i1; i < i2; i++) {
      const c = perm[i];
      const dii = U[i * cols + i];
      for (let r = 0; r < rows; r++) {
        const w = Wp[r * cols + i];
        const s = scaleOf(r, c);
        const z = zeroOf(r, c);
        const q = kept(r * cols + c) ? code(w, s, z, range) : z; // z encodes exactly 0
        codes[r * cols + c] = q;
        const e = (w - Math.fround((q - z) * s)) / dii;
        err[r * bw + (i - i1)] = e;
        for (let j = i + 1; j < i2; j++) Wp[r * cols + j] -= e * U[i * cols + j];
      }
    }
    // Lazy batch: the block's errors reach the later columns at once.
    for (let r = 0; r < rows; r++) {
      for (let i = i1; i < i2; i++) {
        const e = err[r * bw + (i - i1)];
        if (e === 0) continue;
        for (let j = i2; j < cols; j++) Wp[r * cols + j] -= e * U[i * cols + j];
      }
    }
  }

  const tensor: QuantizedTensor = { bits, scheme, shape: [rows, cols], granularity, data: packCodes(codes, bits, scheme), scale: params.scale };
  if (params.zeroPoint) tensor.zeroPoint = params.zeroPoint;
  if (vector) {
    tensor.shape = [cols];
    if (typeof granularity === 'object' && 'axis' in granularity) tensor.granularity = 'tensor';
  }
  const deq = dequantize(engine, tensor);

  const rtn = new Float64Array(n);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const s = scaleOf(r, c);
      const z = zeroOf(r, c);
      rtn[r * cols + c] = kept(r * cols + c) ? Math.fround((code(Wm.data[r * cols + c], s, z, range) - z) * s) : 0;
    }
  }
  const hessLoss = hessianLoss(Wm.data, deq, h, rows, cols);
  const rtnLoss = hessianLoss(Wm.data, rtn, h, rows, cols);
  const bytesBefore = n * 8;
  const bytesAfter = quantizedBytes(tensor.data.byteLength, params.scale.length, scheme === 'affine');
  return {
    tensor,
    report: {
      ...errorStats(Wm.data, deq),
      method: 'gptq',
      bits,
      scheme,
      scale: params.scale,
      zeroPoint: params.zeroPoint,
      hessianLoss: hessLoss,
      rtnHessianLoss: rtnLoss,
      gainVsRtn: hessLoss === 0 ? (rtnLoss === 0 ? 1 : Infinity) : rtnLoss / hessLoss,
      ridge: P.ridge,
      dead: P.dead,
      actOrder,
      bytesBefore,
      bytesAfter,
      ratio: bytesBefore / bytesAfter,
    },
  };
}
