/**
 * compressReducedRank: quantizes (and optionally prunes) both factors of a
 * ReducedRankModel with compressModel, encoder first. The encoder has no
 * intercept, so with calibration X the mean shift its rounding causes in the
 * scores, mean(X E) - mean(X E'), is moved through the decoder into the
 * intercepts; the decoder is then compressed against the scores the
 * compressed encoder actually gives (its calibration data for 'gptq' and
 * the intercept correction), so it compensates what it can of the
 * encoder's error.
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import type { ReducedRankModel } from '../fit/reduced-rank-model.js';
import { checkOptions, optionKeys } from '../options.js';
import { describeValue, toMatrix, type MatrixInput } from '../validate.js';
import { CompressedReducedRankModel } from './compressed-reduced-rank.js';
import { compressModel, type CompressModelOptions } from './model.js';

export interface CompressReducedRankOptions {
  /** 'rtn' (default) or 'gptq' (needs X). */
  method?: 'rtn' | 'gptq';
  /** Bits for both factors (2..8); omitted: float64 factors (only pruning, if any). */
  bits?: number;
  /** compressModel's granularity for both factors (default 'row': one scale per latent score / per output). */
  granularity?: 'tensor' | 'row' | { block: number };
  /** Prune both factors (compressModel's prune spec). */
  prune?: CompressModelOptions['prune'];
  /** Calibration rows (n x d). */
  X?: MatrixInput;
}

const KEYS = /* @__PURE__ */ optionKeys<CompressReducedRankOptions>()(['method', 'bits', 'granularity', 'prune', 'X']);

export function compressReducedRank(engine: Engine, model: ReducedRankModel, options?: CompressReducedRankOptions | null): CompressedReducedRankModel {
  const opts = checkOptions('compressReducedRank', options, KEYS);
  if (typeof model !== 'object' || model === null || !(model.encoder instanceof Float64Array) || !(model.decoder instanceof Float64Array)) {
    throw new SlimfitError('E_SHAPE', `model must be a ReducedRankModel (from reducedRank), got ${describeValue(model)}`);
  }
  const { d, rank: r, outputs: q } = model;
  const quantize = opts.bits !== undefined ? { bits: opts.bits, granularity: opts.granularity ?? 'row' } : undefined;
  const common = { method: opts.method ?? 'rtn', ...(quantize ? { quantize } : {}), ...(opts.prune !== undefined ? { prune: opts.prune } : {}) };
  const Xm = opts.X !== undefined ? toMatrix(opts.X, 'X') : undefined;
  if (Xm && Xm.cols !== d) throw new SlimfitError('E_SHAPE', `X has ${Xm.cols} columns but the model has ${d}`);
  const encoder = compressModel(engine, { d, outputs: r, coef: model.encoder, intercept: new Float64Array(r), fitIntercept: false }, { ...common, ...(Xm ? { X: Xm } : {}) });
  const b0 = Float64Array.from(model.intercept);
  let Z: Float64Array | undefined;
  if (Xm) {
    Z = encoder.predict(Xm);
    if (model.fitIntercept) {
      const exact = model.encode(Xm);
      const n = Xm.rows;
      for (let k = 0; k < r; k++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += exact[i * r + k] - Z[i * r + k];
        const shift = s / n;
        for (let t = 0; t < q; t++) b0[t] += shift * model.decoder[k * q + t];
      }
    }
  }
  const decoder = compressModel(
    engine,
    { d: r, outputs: q, coef: model.decoder, intercept: b0, fitIntercept: model.fitIntercept },
    { ...common, ...(Z ? { X: { rows: Z.length / r, cols: r, data: Z } } : {}) },
  );
  return new CompressedReducedRankModel(encoder, decoder);
}
