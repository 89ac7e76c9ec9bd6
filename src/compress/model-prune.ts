/**
 * compressModel's pruning step: validates the model-level prune spec and
 * prunes the outputs x d weight matrix, by magnitude ('rtn') or by OBS /
 * SparseGPT on the calibration Hessian ('gptq').
 */
import type { Engine } from '../engine/engine.js';
import { SlimfitError } from '../errors.js';
import { refuseUnknown } from '../options.js';
import { assertOption } from '../validate.js';
import type { ModelStep } from './model-step.js';
import { checkNM, checkSparsity, pruneBySpec } from './prune-spec.js';
import { pruneSparseGPT, type SparseGPTReport } from './sparsegpt.js';

export type ModelPrune =
  | { kind: 'sparsity'; sparsity: number }
  | { kind: 'threshold'; threshold: number }
  | { kind: 'structured'; norm: 1 | 2; sparsity: number }
  | { kind: 'nm'; nm: [number, number] };

export interface PruneStepResult {
  /** The pruned weights, outputs x d (pruned ones 0). */
  W: Float64Array;
  /** Keep-bitmask over W; the unused high bits of the last byte are 0. */
  keep: Uint8Array;
  report: SparseGPTReport | undefined;
}

export function pruneStep(engine: Engine, W0: Float64Array, spec: ModelPrune, s: ModelStep): PruneStepResult {
  const { d, m } = s;
  const n = d * m;
  let W: Float64Array;
  let keep: Uint8Array;
  let report: SparseGPTReport | undefined;
  if (s.method === 'gptq') {
    // Hessian-aware pruning takes a count (sparsity) or N:M; a threshold fixes the count.
    let sgSpec: { sparsity: number } | { nm: [number, number] };
    let note = '';
    if (spec.kind === 'nm') sgSpec = { nm: spec.nm };
    else if (spec.kind === 'threshold') {
      let below = 0;
      for (let i = 0; i < n; i++) if (Math.abs(W0[i]) <= spec.threshold) below++;
      if (below === n) throw new SlimfitError('E_RANGE', `prune.threshold ${spec.threshold} removes all ${n} weights; method 'gptq' keeps at least one (use a smaller threshold)`);
      sgSpec = { sparsity: below / n };
      note = `; threshold ${spec.threshold}: ${below} of ${n} weights have |w| <= it, so that many were removed, chosen by the Hessian`;
    } else sgSpec = { sparsity: spec.sparsity };
    if (spec.kind === 'structured') note = '; structured cols on one output: each feature is one weight';
    const r = pruneSparseGPT(engine, { rows: m, cols: d, data: W0 }, s.H!, { ...sgSpec, ...(s.damp !== undefined ? { damp: s.damp } : {}) });
    W = r.tensor.toDense();
    keep = r.tensor.mask;
    report = note ? { ...r.report, reason: r.report.reason + note } : r.report;
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
  if (n & 7) keep[keep.length - 1] &= (1 << (n & 7)) - 1;
  return { W, keep, report };
}

/** Validates compressModel's prune spec; every accepted spec is honoured, anything else is an E_RANGE. */
export function modelPruneSpec(spec: unknown, outputs: number, method: 'rtn' | 'gptq'): ModelPrune {
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
  refuseUnknown('compressModel', o, ['sparsity', 'threshold', 'structured', 'norm', 'nm'], 'prune');
  throw new SlimfitError('E_RANGE', `prune must be { sparsity }, { threshold }, { structured: 'cols', sparsity } or { nm: [n, m] }, got keys ${JSON.stringify(Object.keys(o))}`);
}
