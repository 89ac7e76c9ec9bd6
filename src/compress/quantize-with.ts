/**
 * quantizeWith: quantization with a choice of rounding and clip calibration,
 * returning the QuantizedTensor (the layout quantize() produces, so
 * dequantize() reads it) and a report of what it cost.
 *
 * Contract: q = clamp(round(f32(x / s)) + z, qmin, qmax), x taken as float32,
 * with s, z per group from the calibrated clip range (see calibrate.ts) or
 * given explicitly. With rounding 'half-even' this is exactly ONNX
 * QuantizeLinear and runs through quantize()'s kernel; other roundings
 * run a TS loop that packs the same layout.
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { dequantize, quantize } from '../ops/quantize.js';
import type { Granularity, QuantizedTensor, QuantScheme } from '../types.js';
import { affineZeroPoint, checkBits, checkScheme, explicitScales, explicitZeroPoints, groupsOf } from '../ops/quant-params.js';
import { quantRange } from '../codes.js';
import { assertFinite, assertNumbers, assertOption } from '../validate.js';
import { calibrate, checkCalibration, type Calibration } from './calibrate.js';
import { packCodes } from '../codes.js';
import { errorStats, quantizedBytes, type ErrorStats } from './report.js';
import { checkRounding, rounder, type Rounding } from './rounding.js';
import { checkOptions, optionKeys } from '../options.js';

export interface QuantizeWithOptions {
  /** 2..8 (default 8). Each bit removed doubles the step, so RMSE ≈ s/√12 doubles. */
  bits?: number;
  /** 'symmetric' (default; zero point 0) or 'affine' (unsigned with a zero point; zero stays exact). */
  scheme?: QuantScheme;
  /**
   * 'tensor' (default), { axis: 0, shape: [rows, cols] } or { block: B } (B divides the length; 32, 64, 128
   * are usual). 'row' (one scale per row, as quantizeGPTQ and compressModel take it) needs `shape`, and so does
   * { axis: 0 } without a shape; both mean { axis: 0, shape }.
   */
  granularity?: Granularity | 'row' | { axis: 0 };
  /** [rows, cols] of w (row-major), for granularity 'row'. */
  shape?: [number, number];
  /** Default 'half-even' (ONNX). See rounding.ts. */
  rounding?: Rounding;
  /** Seed of the 'stochastic' rounding draws (default 0). */
  seed?: number;
  /** Clip range per group: 'minmax' (default), 'percentile' (with p) or 'mse'. Ignored when `scale` is given. */
  calibration?: Calibration;
  /** Percentile for calibration 'percentile', in (50, 100]; default 99.9. */
  p?: number;
  /** Explicit scale(s), one number or one per group (skips calibration). */
  scale?: number | ArrayLike<number>;
  /** Explicit zero point(s), affine only; default from each group's min with the given scale. */
  zeroPoint?: number | ArrayLike<number>;
}

const QUANTIZE_WITH_OPTION_KEYS = /* @__PURE__ */ optionKeys<QuantizeWithOptions>()(['bits', 'scheme', 'granularity', 'shape', 'rounding', 'seed', 'calibration', 'p', 'scale', 'zeroPoint']);

export interface QuantReport extends ErrorStats {
  bits: number;
  scheme: QuantScheme;
  rounding: Rounding;
  calibration: Calibration | 'explicit';
  /** Per-group scales and (affine) zero points, as in the tensor. */
  scale: Float32Array;
  zeroPoint: Int32Array | undefined;
  /** The representable range per group, [(qmin - z) s, (qmax - z) s]: values outside it saturate. */
  clipLo: Float64Array;
  clipHi: Float64Array;
  /** The input's bytes (4 per float32 value, 8 per float64). */
  bytesBefore: number;
  /** Codes + float32 scales + one byte per zero point. */
  bytesAfter: number;
  /** bytesBefore / bytesAfter. */
  ratio: number;
}

export interface QuantizeWithResult {
  tensor: QuantizedTensor;
  report: QuantReport;
}

export function quantizeWith(engine: Engine, w: ArrayLike<number>, options?: QuantizeWithOptions | null): QuantizeWithResult {
  const opts = checkOptions('quantizeWith', options, QUANTIZE_WITH_OPTION_KEYS);
  const bits = checkBits(opts.bits ?? 8);
  const scheme = checkScheme(opts.scheme ?? 'symmetric');
  const rounding = checkRounding(opts.rounding ?? 'half-even');
  const calibration = checkCalibration(opts.calibration ?? 'minmax');
  const seed = opts.seed ?? 0;
  assertOption(seed, 'seed', 0, 2 ** 32 - 1, { integer: true });
  if (w === null || typeof w !== 'object' || typeof w.length !== 'number') {
    throw new SlimfitError('E_SHAPE', 'w must be a Float32Array, Float64Array or number array');
  }
  assertNumbers(w, 'w');
  const n = w.length;
  if (n === 0) throw new SlimfitError('E_SHAPE', 'w is empty; there is nothing to quantize');
  assertFinite(w, 'w');
  const x = w instanceof Float32Array ? w : new Float32Array(w as ArrayLike<number>);
  if (x !== w) assertFinite(x, 'w (as float32)'); // finite f64 beyond float32 range overflows to Infinity
  const granularity = rowGranularity(opts.granularity ?? 'tensor', opts.shape, n);
  const { seg, groups } = groupsOf(granularity, n);
  const range = quantRange(bits, scheme);
  if (opts.zeroPoint !== undefined && scheme === 'symmetric') {
    throw new SlimfitError('E_RANGE', "zeroPoint applies to the 'affine' scheme only; symmetric zero points are 0");
  }

  let scale: Float32Array;
  let zeroPoint: Int32Array | undefined;
  let tensor: QuantizedTensor | undefined;
  if (opts.scale === undefined && opts.zeroPoint === undefined && calibration === 'minmax' && rounding === 'half-even') {
    // quantize()'s own max-abs / min-max rule, reduced by its kernels
    tensor = quantize(engine, x, { bits, scheme, granularity });
    scale = tensor.scale;
    zeroPoint = tensor.zeroPoint;
  } else if (opts.scale !== undefined) {
    scale = explicitScales(opts.scale, groups);
    if (scheme === 'affine') {
      if (opts.zeroPoint !== undefined) zeroPoint = explicitZeroPoints(opts.zeroPoint, groups, range);
      else {
        const mm = calibrate(x, seg, bits, scheme, 'minmax');
        zeroPoint = Int32Array.from(scale, (s, g) => affineZeroPoint(mm.lo[g], s, range.qmin, range.qmax));
      }
    }
  } else {
    if (opts.zeroPoint !== undefined) throw new SlimfitError('E_RANGE', 'zeroPoint needs an explicit scale too');
    const c = calibrate(x, seg, bits, scheme, calibration, opts.p);
    scale = c.scale;
    zeroPoint = c.zeroPoint;
  }

  if (tensor) {
    // done above
  } else if (rounding === 'half-even') {
    tensor = quantize(engine, x, zeroPoint ? { bits, scheme, granularity, scale, zeroPoint } : { bits, scheme, granularity, scale });
  } else {
    const round = rounder(rounding, seed);
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const g = (i / seg) | 0;
      const z = zeroPoint ? zeroPoint[g] : 0;
      codes[i] = Math.min(range.qmax, Math.max(range.qmin, round(Math.fround(x[i] / scale[g])) + z));
    }
    tensor = { bits, scheme, shape: groupsOf(granularity, n).shape, granularity, data: packCodes(codes, bits, scheme), scale };
    if (zeroPoint) tensor.zeroPoint = zeroPoint;
  }

  const stats = errorStats(w, dequantize(engine, tensor));
  const clipLo = Float64Array.from(scale, (s, g) => (range.qmin - (zeroPoint ? zeroPoint[g] : 0)) * s);
  const clipHi = Float64Array.from(scale, (s, g) => (range.qmax - (zeroPoint ? zeroPoint[g] : 0)) * s);
  const bytesBefore = n * (w instanceof Float64Array ? 8 : 4);
  const bytesAfter = quantizedBytes(tensor.data.byteLength, groups, scheme === 'affine');
  return {
    tensor,
    report: {
      ...stats,
      bits,
      scheme,
      rounding,
      calibration: opts.scale !== undefined ? 'explicit' : calibration,
      scale: tensor.scale,
      zeroPoint: tensor.zeroPoint,
      clipLo,
      clipHi,
      bytesBefore,
      bytesAfter,
      ratio: bytesBefore / bytesAfter,
    },
  };
}

/** 'row' and { axis: 0 } without a shape become { axis: 0, shape } from opts.shape; anything else passes through. */
function rowGranularity(g: Granularity | 'row' | { axis: 0 }, shape: [number, number] | undefined, n: number): Granularity {
  const isRow = g === 'row' || (typeof g === 'object' && g !== null && 'axis' in g && (g as { shape?: unknown }).shape === undefined);
  if (!isRow) {
    if (shape !== undefined) throw new SlimfitError('E_RANGE', "shape is only used with granularity 'row' (or { axis: 0 }); for { axis: 0, shape } give the shape there");
    return g as Granularity;
  }
  if (g !== 'row' && (g as { axis: unknown }).axis !== 0) return g as Granularity; // groupsOf names the bad axis
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new SlimfitError('E_SHAPE', `granularity 'row' needs shape: [rows, cols] of w (w is flat), got ${JSON.stringify(shape)}`);
  }
  if (shape[0] * shape[1] !== n) throw new SlimfitError('E_SHAPE', `shape [${shape[0]}, ${shape[1]}] holds ${shape[0] * shape[1]} values but w has ${n}`);
  return { axis: 0, shape: [shape[0], shape[1]] };
}
