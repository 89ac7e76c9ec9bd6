/**
 * compressModel: a linear (or logistic) model whose coefficients are pruned
 * and/or quantized, and which predicts straight from its integer codes:
 *   out_k = b_k + sum over groups g of row k: s_g * sum_{j in g, kept} (q_j - z_g) x_j,
 * one multiplication by the scale per group instead of one per weight. This
 * equals dequantize-then-predict up to float rounding: dequantize rounds each
 * (q - z) s to float32 (relative 2^-24 per weight), this sums in float64.
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
import { packCodes, unpackCodes } from './pack.js';
import { checkNM, checkSparsity, pruneBySpec } from './prune-spec.js';
import { quantizeWith, type QuantReport } from './quantize-with.js';
import type { Rounding } from './rounding.js';
import { pruneSparseGPT, type SparseGPTReport } from './sparsegpt.js';
import { SparseTensor } from './sparse-tensor.js';

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

export interface CompressedModelReport {
  method: 'rtn' | 'gptq';
  bits: number | null;
  sparsity: number;
  kept: number;
  /** Bytes of the compressed coefficients, scales, zero points, index and float64 intercepts. */
  bytes: number;
  /** The same model in float64 (coefficients + intercepts). */
  floatBytes: number;
  ratio: number;
  /** RMSE of the effective coefficients against the originals. */
  coefRmse: number;
  prune: SparseGPTReport | undefined;
  quantize: QuantReport | GPTQReport | undefined;
  /** Intercept shift applied (per output), 0 when none. */
  interceptShift: Float64Array;
  /**
   * Whether the intercept was corrected by mean(X) . (w - w') (calibration X or a hessian with
   * means was given and the model has an intercept), for either method. Always set by report()
   * (optional in the type only so that older readers' report objects still type-check); for a model
   * read from a file it is derived from interceptShift (some shift is non-zero).
   */
  interceptCorrected?: boolean;
}

export class CompressedLinearModel {
  readonly d: number;
  readonly outputs: number;
  readonly intercept: Float64Array;
  /** Kept codes (q), packed at `bits`; or the kept float64 values when not quantized. */
  readonly values: Int8Array | Uint8Array | Float64Array;
  readonly bits: number | null;
  readonly scheme: QuantScheme | undefined;
  /** Per group (groups of `groupSize` consecutive coefficients in output-major order). */
  readonly scale: Float32Array | undefined;
  readonly zeroPoint: Int32Array | undefined;
  readonly groupSize: number;
  /** Which coefficients are stored, as an index structure (its `data` is unused here). */
  readonly index: SparseTensor<Float32Array>;
  private readonly rep: CompressedModelReport;
  // Decoded once for predict: per output k, entries rowStart[k] .. rowStart[k+1).
  private readonly rowStart: Uint32Array;
  private readonly col: Uint32Array;
  private readonly w: Int16Array | Float64Array;
  private readonly grp: Int32Array;

  /** @internal use compressModel */
  constructor(init: {
    d: number;
    outputs: number;
    intercept: Float64Array;
    keep: Uint8Array;
    dense: Float64Array; // float values (bits null) — or ignored
    codes?: Int32Array; // dense codes, output-major (bits set)
    bits: number | null;
    scheme?: QuantScheme;
    scale?: Float32Array;
    zeroPoint?: Int32Array;
    groupSize: number;
    /** interceptCorrected defaults to "some interceptShift is non-zero" (models read from files). */
    report: Omit<CompressedModelReport, 'bytes' | 'floatBytes' | 'ratio' | 'kept'>;
  }) {
    const { d, outputs: m, keep } = init;
    const n = d * m;
    this.d = d;
    this.outputs = m;
    this.intercept = init.intercept;
    this.bits = init.bits;
    this.scheme = init.scheme;
    this.scale = init.scale;
    this.zeroPoint = init.zeroPoint;
    this.groupSize = init.groupSize;
    const on = (i: number) => ((keep[i >> 3]! >> (i & 7)) & 1) === 1;
    let kept = 0;
    for (let i = 0; i < n; i++) if (on(i)) kept++;
    this.rowStart = new Uint32Array(m + 1);
    this.col = new Uint32Array(kept);
    this.grp = new Int32Array(kept);
    this.w = init.codes ? new Int16Array(kept) : new Float64Array(kept);
    const keptCodes = new Int32Array(kept);
    const keptVals = new Float64Array(kept);
    let p = 0;
    for (let k = 0; k < m; k++) {
      for (let j = 0; j < d; j++) {
        const i = k * d + j;
        if (!on(i)) continue;
        const g = (i / init.groupSize) | 0;
        this.col[p] = j;
        this.grp[p] = g;
        if (init.codes) {
          keptCodes[p] = init.codes[i]!;
          this.w[p] = init.codes[i]! - (init.zeroPoint ? init.zeroPoint[g]! : 0);
        } else {
          keptVals[p] = init.dense[i]!;
          this.w[p] = init.dense[i]!;
        }
        p++;
      }
      this.rowStart[k + 1] = p;
    }
    this.values = init.codes ? packCodes(keptCodes, init.bits!, init.scheme!) : keptVals;
    // Only the index: the values are stored as codes, so the 'dense' format (every value) does not apply.
    this.index = SparseTensor.fromDense(new Float32Array(n), keep, [m, d], { dense: false });
    const indexBytes = kept === n ? 0 : this.index.bytes - this.index.data.byteLength;
    const groups = init.scale ? init.scale.length : 0;
    const bytes = indexBytes + this.values.byteLength + 4 * groups + (init.zeroPoint ? groups : 0) + 8 * m;
    const floatBytes = 8 * n + 8 * m;
    const interceptCorrected = init.report.interceptCorrected ?? init.report.interceptShift.some((v) => v !== 0);
    this.rep = { ...init.report, interceptCorrected, kept, bytes, floatBytes, ratio: floatBytes / bytes };
  }

  /** Storage bytes (see report().bytes). */
  get bytes(): number {
    return this.rep.bytes;
  }

  report(): CompressedModelReport & { interceptCorrected: boolean } {
    return this.rep as CompressedModelReport & { interceptCorrected: boolean };
  }

  /**
   * Outputs for X (n x d): n values, or n * outputs row-major — the linear
   * predictor (for a compressed logistic model, apply the sigmoid yourself).
   * Integer codes times features, scaled once per group.
   */
  predict(X: MatrixInput): Float64Array {
    const M = toMatrix(X, 'X', { allowEmpty: true });
    if (M.cols !== this.d && M.rows > 0) throw new SlimfitError('E_SHAPE', `X has ${M.cols} columns but the model has ${this.d}`);
    const { rows: n, data } = M;
    const d = this.d;
    const m = this.outputs;
    const out = new Float64Array(n * m);
    const { rowStart, col, w, grp } = this;
    const scale = this.scale;
    for (let i = 0; i < n; i++) {
      const x = i * d;
      for (let k = 0; k < m; k++) {
        let t = this.intercept[k]!;
        const end = rowStart[k + 1]!;
        if (!scale) {
          for (let p = rowStart[k]!; p < end; p++) t += w[p]! * data[x + col[p]!]!;
        } else {
          let p = rowStart[k]!;
          while (p < end) {
            const g = grp[p]!;
            let acc = 0;
            for (; p < end && grp[p] === g; p++) acc += w[p]! * data[x + col[p]!]!;
            t += scale[g]! * acc;
          }
        }
        out[i * m + k] = t;
      }
    }
    return out;
  }

  /** The effective coefficients, d * outputs in the model's layout (coef[j * outputs + k]). */
  coefficients(): Float64Array {
    const m = this.outputs;
    const out = new Float64Array(this.d * m);
    for (let k = 0; k < m; k++) {
      for (let p = this.rowStart[k]!; p < this.rowStart[k + 1]!; p++) {
        out[this.col[p]! * m + k] = this.scale ? Math.fround(this.w[p]! * this.scale[this.grp[p]!]!) : this.w[p]!;
      }
    }
    return out;
  }
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
