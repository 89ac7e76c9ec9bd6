/**
 * CompressedLinearModel: a linear (or logistic) model whose coefficients are
 * pruned and/or quantized, and which predicts straight from its integer codes:
 *   out_k = b_k + sum over groups g of row k: s_g * sum_{j in g, kept} (q_j - z_g) c_j x_j,
 * one multiplication by the scale per group instead of one per weight; c_j is
 * input j's factor when the codes were chosen in the features' units
 * (units 'features': c_j = 1 / mean |x_j| on the calibration rows), else 1. This
 * equals dequantize-then-predict up to float rounding: dequantize rounds each
 * (q - z) s to float32 (relative 2^-24 per weight), this sums in float64.
 * Holds no engine and runs no kernel, so scoring needs none of the compression code.
 *
 * Prediction contract (the same as LinearModel's and LogisticModel's, so a
 * compressed model swaps in for its float original): predict(X) gives the
 * values of a linear model and the 0/1 labels (at P >= 0.5) of a logistic one;
 * predictProba(X) (P(y = 1)) and decisionFunction(X) (the logits) exist for
 * logistic models only.
 */
import { SlimfitError } from '../errors.js';
import type { QuantScheme } from '../types.js';
import { toMatrix, type MatrixInput } from '../validate.js';
import type { GPTQReport } from './gptq.js';
import { packCodes } from '../codes.js';
import type { QuantReport } from './quantize-with.js';
import type { FitQuantizedReport } from './fit-quantized.js';
import type { SparseGPTReport } from './sparsegpt.js';
import { SparseTensor } from './sparse-tensor.js';
import { maskBit } from '../mask.js';
import { labels, sigmoid } from '../fit/logistic-model.js';

/** What a model was fitted for: least squares ('linear') or logistic regression ('logistic'). */
export type ModelTask = 'linear' | 'logistic';

export interface CompressedModelReport {
  /** 'qat': trained on the grid by fitQuantized (quantize then holds its FitQuantizedReport). */
  method: 'rtn' | 'gptq' | 'qat';
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
  quantize: QuantReport | GPTQReport | FitQuantizedReport | undefined;
  /** Intercept shift applied (per output), 0 when none. */
  interceptShift: Float64Array;
  /**
   * Whether the intercept was corrected by mean(X) . (w - w') (calibration X or a hessian with
   * means was given and the model has an intercept), for either method. Always set by report()
   * (optional in the type only so that older readers' report objects still type-check); for a model
   * read from a file it is derived from interceptShift (some shift is non-zero).
   */
  interceptCorrected?: boolean;
  /**
   * 'features': the codes quantize w_j / c_j, input j's weight in its own units (inputScale holds c_j);
   * 'raw': the coefficients as they are. Optional in the type for older readers' report objects.
   */
  units?: 'raw' | 'features';
  /** What the compression could not do well and how to fix it (e.g. weights spanning more than the grid resolves); not stored in files. */
  warnings?: string[];
}

function logisticOnly(what: string): never {
  throw new SlimfitError('E_RANGE', `${what} needs a logistic model`);
}

export class CompressedLinearModel {
  /** The model it was compressed from: 'linear' (predict gives values) or 'logistic' (predict gives 0/1 labels). */
  readonly task: ModelTask;
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
  /** Per input (d), when the codes are in the features' units: coefficient = (q - z) s c_j. Undefined: c_j = 1. */
  readonly inputScale: Float32Array | undefined;
  /** Which coefficients are stored, as an index structure (its `data` is unused here). */
  readonly index: SparseTensor<Float32Array>;
  private readonly rep: CompressedModelReport;
  // Decoded once for predict: per output k, entries rowStart[k] .. rowStart[k+1).
  private readonly rowStart: Uint32Array;
  private readonly col: Uint32Array;
  private readonly w: Int16Array | Float64Array;
  /** (q - z) c_j per entry, for predict, when inputScale is set. */
  private readonly wc: Float64Array | undefined;
  private readonly grp: Int32Array;

  /** @internal use compressModel */
  constructor(init: {
    /** Default 'linear'. A logistic model has one output (compressModel and the .slim reader see to it). */
    task?: ModelTask;
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
    /** Per-input factors c_j (d, finite and > 0); quantized models only. */
    inputScale?: Float32Array;
    /** interceptCorrected defaults to "some interceptShift is non-zero" (models read from files). */
    report: Omit<CompressedModelReport, 'bytes' | 'floatBytes' | 'ratio' | 'kept'>;
  }) {
    const { d, outputs: m, keep } = init;
    const n = d * m;
    this.task = init.task ?? 'linear';
    this.d = d;
    this.outputs = m;
    this.intercept = init.intercept;
    this.bits = init.bits;
    this.scheme = init.scheme;
    this.scale = init.scale;
    this.zeroPoint = init.zeroPoint;
    this.groupSize = init.groupSize;
    this.inputScale = init.codes ? init.inputScale : undefined;
    const c = this.inputScale;
    let kept = 0;
    for (let i = 0; i < n; i++) if (maskBit(keep, i)) kept++;
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
        if (!maskBit(keep, i)) continue;
        const g = (i / init.groupSize) | 0;
        this.col[p] = j;
        this.grp[p] = g;
        if (init.codes) {
          keptCodes[p] = init.codes[i];
          this.w[p] = init.codes[i] - (init.zeroPoint ? init.zeroPoint[g] : 0);
        } else {
          keptVals[p] = init.dense[i];
          this.w[p] = init.dense[i];
        }
        p++;
      }
      this.rowStart[k + 1] = p;
    }
    this.wc = c ? Float64Array.from(this.w, (v, p) => v * c[this.col[p]]) : undefined;
    this.values = init.codes ? packCodes(keptCodes, init.bits!, init.scheme!) : keptVals;
    // Only the index: the values are stored as codes, so the 'dense' format (every value) does not apply.
    this.index = SparseTensor.fromDense(new Float32Array(n), keep, [m, d], { dense: false });
    const indexBytes = kept === n ? 0 : this.index.bytes - this.index.data.byteLength;
    const groups = init.scale ? init.scale.length : 0;
    const bytes = indexBytes + this.values.byteLength + 4 * groups + (init.zeroPoint ? groups : 0) + (c ? 4 * d : 0) + 8 * m;
    const floatBytes = 8 * n + 8 * m;
    const interceptCorrected = init.report.interceptCorrected ?? init.report.interceptShift.some((v) => v !== 0);
    this.rep = { ...init.report, interceptCorrected, units: c ? 'features' : 'raw', warnings: init.report.warnings ?? [], kept, bytes, floatBytes, ratio: floatBytes / bytes };
  }

  /** Storage bytes (see report().bytes). */
  get bytes(): number {
    return this.rep.bytes;
  }

  report(): CompressedModelReport & { interceptCorrected: boolean; units: 'raw' | 'features'; warnings: string[] } {
    return this.rep as CompressedModelReport & { interceptCorrected: boolean; units: 'raw' | 'features'; warnings: string[] };
  }

  /**
   * A linear model's outputs for X (n x d): n values, or n * outputs
   * row-major. A logistic model's 0/1 labels: 1 where P(y = 1) >= threshold
   * (default 0.5), as LogisticModel.predict (a linear model has no threshold, as LinearModel.predict).
   */
  predict(X: MatrixInput, threshold?: number): Float64Array {
    const t = this.linearPredictor(X);
    return this.task === 'logistic' ? labels(t, threshold) : t;
  }

  /** Logistic models: the logits intercept + x . coef for each row (E_RANGE for a linear model). */
  decisionFunction(X: MatrixInput): Float64Array {
    if (this.task !== 'logistic') logisticOnly('decisionFunction');
    return this.linearPredictor(X);
  }

  /** Logistic models: P(y = 1) for each row, one value per row (E_RANGE for a linear model). */
  predictProba(X: MatrixInput): Float64Array {
    return this.decisionFunction(X).map(sigmoid);
  }

  /** Integer codes times features, scaled once per group: intercept + X coef, n * outputs row-major. */
  private linearPredictor(X: MatrixInput): Float64Array {
    const M = toMatrix(X, 'X', { allowEmpty: true });
    if (M.cols !== this.d && M.rows > 0) throw new SlimfitError('E_SHAPE', `X has ${M.cols} columns but the model has ${this.d}`);
    const { rows: n, data } = M;
    const d = this.d;
    const m = this.outputs;
    const out = new Float64Array(n * m);
    const { rowStart, col, grp } = this;
    const w = this.wc ?? this.w;
    const scale = this.scale;
    for (let i = 0; i < n; i++) {
      const x = i * d;
      for (let k = 0; k < m; k++) {
        let t = this.intercept[k];
        const end = rowStart[k + 1];
        if (!scale) {
          for (let p = rowStart[k]; p < end; p++) t += w[p] * data[x + col[p]];
        } else {
          let p = rowStart[k];
          while (p < end) {
            const g = grp[p];
            let acc = 0;
            for (; p < end && grp[p] === g; p++) acc += w[p] * data[x + col[p]];
            t += scale[g] * acc;
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
      for (let p = this.rowStart[k]; p < this.rowStart[k + 1]; p++) {
        const j = this.col[p];
        // f32((q - z) s), times c_j in the features' units: as compressModel's intercept correction computes it
        const v = this.scale ? Math.fround(this.w[p] * this.scale[this.grp[p]]) : this.w[p];
        out[j * m + k] = this.inputScale ? v * this.inputScale[j] : v;
      }
    }
    return out;
  }
}
