/**
 * compressModel: prunes and/or quantizes a linear (or logistic) model's
 * coefficients into a CompressedLinearModel (compressed-model.ts).
 *
 * Methods: 'rtn' is the naive baseline (magnitude pruning, round-to-nearest
 * quantization; data optional); 'gptq' needs calibration data X (or H):
 * pruning by pruneSparseGPT (exact OBS for small d), then GPTQ holding pruned
 * weights at 0. For both, when X (or a calibrationHessian) is given and the
 * model has an intercept, the intercept moves by mean(X) . (w - w') to absorb
 * the mean shift of the outputs (the same mean for both methods:
 * p(1-p)-weighted for logistic), so 'rtn' with X is the fair baseline for
 * 'gptq' on non-centred features. Without X, 'rtn' uses no data at all.
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import type { QuantScheme } from '../types.js';
import { assertOption, toMatrix, type MatrixInput } from '../validate.js';
import type { Calibration } from './calibrate.js';
import { calibrationHessian, calibrationMean, type CalibrationHessian } from './calib-hessian.js';
import { quantizeGPTQ, type GPTQReport } from './gptq.js';
import { checkH } from './hessian.js';
import { unpackCodes } from './pack.js';
import { CompressedLinearModel, type CompressedModelReport } from './compressed-model.js';
import { checkNM, checkSparsity, pruneBySpec } from './prune-spec.js';
import { quantizeWith, type QuantReport } from './quantize-with.js';
import type { Rounding } from './rounding.js';
import { pruneSparseGPT, type SparseGPTReport } from './sparsegpt.js';

/** What compressModel reads from a LinearModel (or a LogisticModel: outputs 1, scalar intercept). */
export interface LinearModelLike {
  readonly d: number;
  readonly outputs?: number;
  /** d * outputs, row-major: coef[j * outputs + k] is feature j's weight for output k. */
  readonly coef: Float64Array;
  readonly intercept: number | Float64Array;
  readonly fitIntercept: boolean;
}

export interface CompressModelOptions {
  /** 'rtn' (default; no data needed) or 'gptq' (Hessian-aware; needs X or H). */
  method?: 'rtn' | 'gptq';
  /** Quantize the coefficients; omitted: they stay float64. */
  quantize?: {
    bits: number;
    scheme?: QuantScheme;
    /** 'row' (default: one scale per output), 'tensor', or { block: B } along each output's coefficients. */
    granularity?: 'tensor' | 'row' | { block: number };
    calibration?: Calibration;
    /** 'rtn' only (GPTQ rounds half to even). */
    rounding?: Rounding;
    seed?: number;
    actOrder?: boolean;
  };
  /**
   * Prune the coefficients first:
   *  - { sparsity } in [0, 1) over all of them ('rtn': by magnitude; 'gptq': OBS / SparseGPT picks);
   *  - { threshold }: the article's rule, every |w| <= threshold ('rtn': exactly those; 'gptq': that many
   *    weights, chosen and compensated by OBS / SparseGPT — report().prune.reason says so);
   *  - { structured: 'cols', norm?, sparsity }: whole features (columns of the outputs x d matrix) by their
   *    L1 / L2 norm over the outputs. For a one-output model a feature is one weight, so this is
   *    magnitude pruning ('rtn') or OBS ('gptq') of single weights; with several outputs 'gptq' refuses it;
   *  - { nm: [n, m] } along each output's coefficients.
   */
  prune?: { sparsity: number } | { threshold: number } | { structured: 'cols'; norm?: 1 | 2; sparsity: number } | { nm: [number, number] };
  /**
   * Calibration data (n x d). 'gptq': H = X^T X (centred with an intercept; p(1-p)-weighted for logistic),
   * and the intercept correction. 'rtn': only the intercept correction (column means of X).
   */
  X?: MatrixInput;
  /** Or the d x d Hessian directly (no intercept correction; 'rtn' ignores it). */
  H?: Float64Array;
  /** Or both, as calibrationHessian(engine, model, X, logistic) returns them (reuse across calls). */
  hessian?: CalibrationHessian;
  /** Damping for 'gptq' (fraction of mean diag H, default 0.01). */
  damp?: number;
}

function outputsOf(model: LinearModelLike): number {
  return model.outputs ?? 1;
}

export function compressModel(engine: Engine, model: LinearModelLike, opts: CompressModelOptions = {}): CompressedLinearModel {
  if (typeof model !== 'object' || model === null || !(model.coef instanceof Float64Array) || !Number.isInteger(model.d)) {
    throw new SlimfitError('E_SHAPE', 'model must be a fitted LinearModel or LogisticModel');
  }
  const d = model.d;
  const m = outputsOf(model);
  if (model.coef.length !== d * m) throw new SlimfitError('E_SHAPE', `model.coef has ${model.coef.length} values, expected d * outputs = ${d * m}`);
  const method = opts.method ?? 'rtn';
  if (method !== 'rtn' && method !== 'gptq') throw new SlimfitError('E_RANGE', `method must be 'rtn' or 'gptq', got ${String(method)}`);
  const n = d * m;
  // W: outputs x d (row k = output k's coefficients).
  const W0 = new Float64Array(n);
  for (let k = 0; k < m; k++) for (let j = 0; j < d; j++) W0[k * d + j] = model.coef[j * m + k]!;
  const b0 = typeof model.intercept === 'number' ? Float64Array.of(model.intercept) : Float64Array.from(model.intercept);
  const logistic = 'predictProba' in (model as object);

  let H: Float64Array | undefined;
  let mean: Float64Array | undefined;
  if (method === 'gptq') {
    if (opts.hessian !== undefined) {
      H = checkH(opts.hessian.H, d);
      mean = opts.hessian.mean;
      if (mean !== undefined && (!(mean instanceof Float64Array) || mean.length !== d)) throw new SlimfitError('E_SHAPE', `hessian.mean must be a Float64Array of ${d} values`);
    } else if (opts.X !== undefined) ({ H, mean } = calibrationHessian(engine, model, opts.X, logistic));
    else if (opts.H !== undefined) H = checkH(opts.H, d);
    else throw new SlimfitError('E_RANGE', "method 'gptq' needs calibration data: pass X (n x d), H (d x d) or hessian");
  } else if (opts.hessian !== undefined) {
    // 'rtn': only the mean (the same correction 'gptq' applies); H is not used.
    mean = opts.hessian.mean;
    if (mean !== undefined && (!(mean instanceof Float64Array) || mean.length !== d)) throw new SlimfitError('E_SHAPE', `hessian.mean must be a Float64Array of ${d} values`);
  } else if (opts.X !== undefined) mean = calibrationMean(model, opts.X, logistic);

  // 1. prune
  let W: Float64Array = W0;
  let keep: Uint8Array = new Uint8Array((n + 7) >> 3).fill(0xff);
  let pruneReport: SparseGPTReport | undefined;
  let sparsity = 0;
  if (opts.prune !== undefined) {
    const spec = modelPruneSpec(opts.prune, m, method);
    if (method === 'gptq') {
      // Hessian-aware pruning takes a count (sparsity) or N:M; a threshold fixes the count.
      let sgSpec: { sparsity: number } | { nm: [number, number] };
      let note = '';
      if (spec.kind === 'nm') sgSpec = { nm: spec.nm };
      else if (spec.kind === 'threshold') {
        let below = 0;
        for (let i = 0; i < n; i++) if (Math.abs(W0[i]!) <= spec.threshold) below++;
        if (below === n) throw new SlimfitError('E_RANGE', `prune.threshold ${spec.threshold} removes all ${n} weights; method 'gptq' keeps at least one (use a smaller threshold)`);
        sgSpec = { sparsity: below / n };
        note = `; threshold ${spec.threshold}: ${below} of ${n} weights have |w| <= it, so that many were removed, chosen by the Hessian`;
      } else sgSpec = { sparsity: spec.sparsity };
      if (spec.kind === 'structured') note = '; structured cols on one output: each feature is one weight';
      const r = pruneSparseGPT(engine, { rows: m, cols: d, data: W0 }, H!, { ...sgSpec, ...(opts.damp !== undefined ? { damp: opts.damp } : {}) });
      W = r.tensor.toDense();
      keep = r.tensor.mask;
      pruneReport = note ? { ...r.report, reason: r.report.reason + note } : r.report;
    } else {
      const t = pruneBySpec(
        engine,
        W0,
        spec.kind === 'nm'
          ? { nm: spec.nm, shape: [m, d] }
          : spec.kind === 'threshold'
            ? { threshold: spec.threshold }
            : spec.kind === 'structured'
              ? { structured: 'cols', norm: spec.norm, sparsity: spec.sparsity, shape: [m, d] }
              : { sparsity: spec.sparsity },
      );
      W = t.toDense();
      keep = t.mask;
    }
  }
  if (n & 7) keep[keep.length - 1]! &= (1 << (n & 7)) - 1;

  // 2. quantize
  const q = opts.quantize;
  let codes: Int32Array | undefined;
  let scale: Float32Array | undefined;
  let zeroPoint: Int32Array | undefined;
  let groupSize = n;
  let quantReport: QuantReport | GPTQReport | undefined;
  let scheme: QuantScheme | undefined;
  if (q !== undefined) {
    const g = q.granularity ?? 'row';
    const granularity = g === 'row' ? { axis: 0 as const, shape: [m, d] as [number, number] } : g;
    if (method === 'gptq') {
      const r = quantizeGPTQ(engine, { rows: m, cols: d, data: W }, H!, {
        bits: q.bits,
        ...(q.scheme ? { scheme: q.scheme } : {}),
        granularity: g,
        ...(q.calibration ? { calibration: q.calibration } : {}),
        ...(q.actOrder !== undefined ? { actOrder: q.actOrder } : {}),
        ...(opts.damp !== undefined ? { damp: opts.damp } : {}),
        keep,
      });
      ({ scale } = r.tensor);
      zeroPoint = r.tensor.zeroPoint;
      scheme = r.tensor.scheme;
      codes = unpackCodes(r.tensor.data, n, r.tensor.bits, r.tensor.scheme);
      quantReport = r.report;
    } else {
      const r = quantizeWith(engine, W, {
        bits: q.bits,
        ...(q.scheme ? { scheme: q.scheme } : {}),
        granularity,
        ...(q.calibration ? { calibration: q.calibration } : {}),
        ...(q.rounding ? { rounding: q.rounding } : {}),
        ...(q.seed !== undefined ? { seed: q.seed } : {}),
      });
      ({ scale } = r.tensor);
      zeroPoint = r.tensor.zeroPoint;
      scheme = r.tensor.scheme;
      codes = unpackCodes(r.tensor.data, n, r.tensor.bits, r.tensor.scheme);
      quantReport = r.report;
    }
    groupSize = g === 'tensor' ? n : g === 'row' ? d : g.block;
    // Pruned weights decode to exactly 0 (their code is the zero point); they are not stored anyway.
    for (let i = 0; i < n; i++) if (!((keep[i >> 3]! >> (i & 7)) & 1)) codes[i] = zeroPoint ? zeroPoint[(i / groupSize) | 0]! : 0;
  }

  // 3. effective weights, intercept correction, report
  const eff = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!((keep[i >> 3]! >> (i & 7)) & 1)) continue;
    const g = (i / groupSize) | 0;
    eff[i] = codes ? Math.fround((codes[i]! - (zeroPoint ? zeroPoint[g]! : 0)) * scale![g]!) : W[i]!;
  }
  const shift = new Float64Array(m);
  if (mean) {
    for (let k = 0; k < m; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += mean[j]! * (W0[k * d + j]! - eff[k * d + j]!);
      shift[k] = s;
    }
  }
  let se = 0;
  for (let i = 0; i < n; i++) se += (eff[i]! - W0[i]!) ** 2;
  if (opts.prune !== undefined) {
    let kept = 0;
    for (let i = 0; i < n; i++) kept += (keep[i >> 3]! >> (i & 7)) & 1;
    sparsity = 1 - kept / n;
  }
  return new CompressedLinearModel({
    d,
    outputs: m,
    intercept: Float64Array.from(b0, (v, k) => v + shift[k]!),
    keep,
    dense: W,
    ...(codes ? { codes } : {}),
    bits: q ? q.bits : null,
    ...(scheme ? { scheme } : {}),
    ...(scale ? { scale } : {}),
    ...(zeroPoint ? { zeroPoint } : {}),
    groupSize,
    report: {
      method,
      bits: q ? q.bits : null,
      sparsity,
      coefRmse: Math.sqrt(se / n),
      prune: pruneReport,
      quantize: quantReport,
      interceptShift: shift,
      interceptCorrected: mean !== undefined,
    },
  });
}

type ModelPrune =
  | { kind: 'sparsity'; sparsity: number }
  | { kind: 'threshold'; threshold: number }
  | { kind: 'structured'; norm: 1 | 2; sparsity: number }
  | { kind: 'nm'; nm: [number, number] };

/** Validates compressModel's prune spec; every accepted spec is honoured, anything else is an E_RANGE. */
function modelPruneSpec(spec: unknown, outputs: number, method: 'rtn' | 'gptq'): ModelPrune {
  if (typeof spec !== 'object' || spec === null) throw new SlimfitError('E_RANGE', 'prune must be { sparsity }, { threshold }, { structured: \'cols\', sparsity } or { nm: [n, m] }');
  const o = spec as Record<string, unknown>;
  const allowed = (keys: string[]) => {
    const extra = Object.keys(o).filter((k) => !keys.includes(k) && o[k] !== undefined);
    if (extra.length > 0) throw new SlimfitError('E_RANGE', `prune: unsupported option(s) ${extra.join(', ')} with ${keys[0]} (compressModel prunes the coefficients as one outputs x d matrix)`);
  };
  if ('nm' in o) {
    allowed(['nm']);
    return { kind: 'nm', nm: checkNM(o.nm) };
  }
  if ('structured' in o) {
    allowed(['structured', 'norm', 'sparsity']);
    if (o.structured !== 'cols') {
      throw new SlimfitError('E_RANGE', `prune.structured must be 'cols' (whole features) for a model; 'rows' would remove whole outputs. Got ${JSON.stringify(o.structured)}`);
    }
    const norm = o.norm ?? 2;
    if (norm !== 1 && norm !== 2) throw new SlimfitError('E_RANGE', `prune.norm must be 1 or 2, got ${String(norm)}`);
    if (method === 'gptq' && outputs > 1) {
      throw new SlimfitError('E_RANGE', `structured 'cols' pruning with method 'gptq' needs a one-output model (OBS / SparseGPT remove single weights); this model has ${outputs} outputs: use method 'rtn' or { sparsity }`);
    }
    return { kind: 'structured', norm, sparsity: checkSparsity(o.sparsity) };
  }
  if ('threshold' in o) {
    allowed(['threshold']);
    assertOption(o.threshold as number, 'prune.threshold', 0, Infinity);
    return { kind: 'threshold', threshold: o.threshold as number };
  }
  if ('sparsity' in o) {
    allowed(['sparsity']);
    return { kind: 'sparsity', sparsity: checkSparsity(o.sparsity) };
  }
  throw new SlimfitError('E_RANGE', `prune must be { sparsity }, { threshold }, { structured: 'cols', sparsity } or { nm: [n, m] }, got keys ${JSON.stringify(Object.keys(o))}`);
}
