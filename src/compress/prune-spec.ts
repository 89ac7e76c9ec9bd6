/**
 * Pruning by importance, by structure and N:M, plus global pruning over many
 * tensors. Every rule keeps an exact count: round(sparsity * n) items are
 * removed (round half up, as PyTorch's pruning counts), the rest survive,
 * ties broken towards the lower index, so results are deterministic.
 */
import { SlimfitError } from '../errors.js';
import type { Engine } from '../engine/engine.js';
import { assertFinite, assertOption } from '../validate.js';
import { optionKeys, refuseUnknown } from '../options.js';
import { SparseTensor, type FloatArray } from './sparse-tensor.js';
import { removedCount, topKMask, type Segment } from '../ops/select.js';
import { kindOf, pruneThreshold, type PruneInput, type ThresholdPruneSpec } from '../ops/prune.js';
import { pruneNM } from '../ops/prune-nm.js';
import type { F32Buffer } from '../engine/buffers.js';
// Keep-bitmasks (layout: src/mask.ts) are read and set inline in the per-element
// loops here: through maskBit() / setMaskBit() they measured 6-9% slower at 1e7
// elements (V8 does not inline the calls in these loops).

/**
 * Unstructured pruning by importance. Per-weight scores: 'magnitude' and 'l1'
 * score |w|, 'l2' scores w^2 (the source article's names) — all three rank
 * weights identically. scope 'tensor' keeps the top (1 - sparsity) of the
 * whole tensor; 'row' keeps that fraction of every row (needs shape).
 */
export interface ImportancePruneSpec {
  sparsity: number;
  importance?: 'magnitude' | 'l1' | 'l2';
  scope?: 'tensor' | 'row';
  shape?: [number, number];
}

/** Removes whole rows or columns (whole features of a linear model) with the smallest L1 / L2 norm. */
export interface StructuredPruneSpec {
  structured: 'rows' | 'cols';
  norm?: 1 | 2;
  sparsity: number;
  shape: [number, number];
}

/**
 * N:M semi-structured: keep the n largest |w| of every m consecutive weights
 * (2:4, 4:8), ties to the lower index. With `shape`, runs restart at each
 * row; a trailing run shorter than m keeps min(n, its length). Runs in the
 * engine's nmPrune kernel; w may also be an engine.memory f32/f64 buffer
 * (read in place).
 */
export interface NMPruneSpec {
  nm: [number, number];
  shape?: [number, number];
}

/** The source article's rule, as prune(): zero every |w| <= threshold. */
export interface ThresholdSpec {
  threshold: number;
  shape?: [number, number];
}

export type PruneSpec = ThresholdSpec | ImportancePruneSpec | StructuredPruneSpec | NMPruneSpec;

export type PruneWeights = Float32Array | Float64Array;

/** prune() sends a threshold spec here unless its `out` is set: `out: undefined` is allowed. */
const THRESHOLD_SPEC_KEYS = /* @__PURE__ */ optionKeys<ThresholdSpec & Pick<ThresholdPruneSpec, 'out'>>()(['threshold', 'shape', 'out']);
const IMPORTANCE_SPEC_KEYS = /* @__PURE__ */ optionKeys<ImportancePruneSpec>()(['sparsity', 'importance', 'scope', 'shape']);
const STRUCTURED_SPEC_KEYS = /* @__PURE__ */ optionKeys<StructuredPruneSpec>()(['structured', 'norm', 'sparsity', 'shape']);
const NM_SPEC_KEYS = /* @__PURE__ */ optionKeys<NMPruneSpec>()(['nm', 'shape']);
/** Every name a prune spec may use: the did-you-mean pool of a spec that matches no rule. */
const ANY_SPEC_KEYS = [...new Set<string>([...THRESHOLD_SPEC_KEYS, ...IMPORTANCE_SPEC_KEYS, ...STRUCTURED_SPEC_KEYS, ...NM_SPEC_KEYS, 'out'])];

export function checkSparsity(s: unknown): number {
  assertOption(s as number, 'sparsity', 0, 1, { hiOpen: true });
  return s as number;
}

export function checkWeights(w: unknown, what = 'w'): FloatArray {
  if (!(w instanceof Float32Array || w instanceof Float64Array)) {
    throw new SlimfitError('E_SHAPE', `${what} must be a Float32Array or Float64Array`);
  }
  if (w.length === 0) throw new SlimfitError('E_SHAPE', `${what} is empty; there is nothing to prune`);
  assertFinite(w, what);
  return w;
}

function checkShape(shape: unknown, n: number, required: boolean): [number, number] | undefined {
  if (shape === undefined && !required) return undefined;
  if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new SlimfitError('E_SHAPE', `shape must be [rows, cols] with positive integers, got ${JSON.stringify(shape)}`);
  }
  if (shape[0] * shape[1] !== n) throw new SlimfitError('E_SHAPE', `shape [${shape[0]}, ${shape[1]}] holds ${shape[0] * shape[1]} values but w has ${n}`);
  return shape as [number, number];
}

/** Prunes w by a sparsity, structure or N:M spec; the result stores only the survivors. */
export function pruneBySpec<W extends PruneWeights>(engine: Engine, w: W, spec: PruneSpec): SparseTensor<W> {
  // N:M validates w in its kernel's single pass (no separate finite scan).
  if (typeof spec === 'object' && spec !== null && 'nm' in spec) return pruneNMBySpec(engine, w, spec) as SparseTensor<W>;
  checkWeights(w);
  if (typeof spec !== 'object' || spec === null) throw new SlimfitError('E_RANGE', 'prune needs a spec such as { sparsity: 0.5 } or { nm: [2, 4] }');
  const n = w.length;
  const mask = new Uint8Array((n + 7) >> 3);
  if ('threshold' in spec) {
    refuseUnknown('prune', spec, THRESHOLD_SPEC_KEYS, 'spec');
    const shape = checkShape(spec.shape, n, false);
    const r = pruneThreshold(engine, w, { threshold: spec.threshold });
    return SparseTensor.fromDense(r.values as W, r.mask, shape ?? [n]);
  }
  if ('structured' in spec) {
    refuseUnknown('prune', spec, STRUCTURED_SPEC_KEYS, 'spec');
    const sparsity = checkSparsity(spec.sparsity);
    const shape = checkShape(spec.shape, n, true)!;
    const norm = spec.norm ?? 2;
    if (norm !== 1 && norm !== 2) throw new SlimfitError('E_RANGE', `norm must be 1 or 2, got ${String(norm)}`);
    if (spec.structured !== 'rows' && spec.structured !== 'cols') {
      throw new SlimfitError('E_RANGE', `structured must be 'rows' or 'cols', got ${String(spec.structured)}`);
    }
    structuredMask(engine, w, shape, spec.structured, norm, sparsity, mask);
    return SparseTensor.fromDense(w, mask, shape);
  }
  if ('sparsity' in spec) {
    refuseUnknown('prune', spec, IMPORTANCE_SPEC_KEYS, 'spec');
    const sparsity = checkSparsity(spec.sparsity);
    const importance = spec.importance ?? 'magnitude';
    if (importance !== 'magnitude' && importance !== 'l1' && importance !== 'l2') {
      throw new SlimfitError('E_RANGE', `importance must be 'magnitude', 'l1' or 'l2', got ${String(importance)}`);
    }
    const scope = spec.scope ?? 'tensor';
    if (scope !== 'tensor' && scope !== 'row') throw new SlimfitError('E_RANGE', `scope must be 'tensor' or 'row', got ${String(scope)}`);
    const shape = checkShape(spec.shape, n, scope === 'row');
    // |w|, |w| and w^2 rank alike: the kernel ranks w itself by magnitude.
    const segs: Segment[] = [];
    if (scope === 'tensor') segs.push({ off: 0, len: n, k: n - removedCount(sparsity, n) });
    else {
      const [rows, cols] = shape!;
      const k = cols - removedCount(sparsity, cols);
      for (let r = 0; r < rows; r++) segs.push({ off: r * cols, len: cols, k });
    }
    topKMask(engine, w, segs, mask);
    return SparseTensor.fromDense(w, mask, shape ?? [n]);
  }
  refuseUnknown('prune', spec, ANY_SPEC_KEYS, 'spec');
  throw new SlimfitError('E_RANGE', 'unknown prune spec: use { threshold }, { sparsity }, { structured, sparsity, shape } or { nm: [n, m] }');
}

/** N:M pruning of a typed array or an engine.memory f32/f64 buffer; the kernel packs the survivors. */
export function pruneNMBySpec<W extends PruneInput>(engine: Engine, w: W, spec: NMPruneSpec): SparseTensor<W extends Float32Array | F32Buffer ? Float32Array : Float64Array> {
  kindOf(w, 'w');
  refuseUnknown('prune', spec, NM_SPEC_KEYS, 'spec');
  const [nk, m] = checkNM(spec.nm);
  const n = w.length;
  const shape = n > 0 ? checkShape(spec.shape, n, false) : undefined;
  const r = pruneNM(engine, w, nk, m, shape ? shape[1] : n);
  return SparseTensor.fromPacked(r.data, r.mask, n, shape ?? [n]);
}

export function checkNM(nm: unknown): [number, number] {
  if (!Array.isArray(nm) || nm.length !== 2) throw new SlimfitError('E_RANGE', `nm must be [n, m] such as [2, 4], got ${JSON.stringify(nm)}`);
  const [nk, m] = nm as [number, number];
  assertOption(m, 'nm[1] (m)', 1, 65536, { integer: true });
  assertOption(nk, 'nm[0] (n)', 1, m, { integer: true });
  return [nk, m];
}

function structuredMask(engine: Engine, w: FloatArray, shape: [number, number], what: 'rows' | 'cols', p: 1 | 2, sparsity: number, mask: Uint8Array): void {
  const [rows, cols] = shape;
  const count = what === 'rows' ? rows : cols;
  const norms = new Float64Array(count);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = w[r * cols + c];
      norms[what === 'rows' ? r : c] += p === 1 ? Math.abs(v) : v * v; // p = 2: squared norm ranks the same
    }
  }
  const keepItems = new Uint8Array((count + 7) >> 3);
  topKMask(engine, norms, [{ off: 0, len: count, k: count - removedCount(sparsity, count) }], keepItems);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const item = what === 'rows' ? r : c;
      if ((keepItems[item >> 3] >> (item & 7)) & 1) {
        const i = r * cols + c;
        mask[i >> 3] |= 1 << (i & 7);
      }
    }
  }
}

/** Options for pruning many tensors against one global magnitude ranking. */
export interface GlobalPruneOptions {
  sparsity: number;
  /** Optional shape per tensor ([rows, cols]) for the results. */
  shapes?: ([number, number] | undefined)[];
}

const GLOBAL_PRUNE_KEYS = /* @__PURE__ */ optionKeys<GlobalPruneOptions>()(['sparsity', 'shapes']);

/**
 * Global magnitude pruning: round(sparsity * total) of the smallest |w| over
 * all tensors together are removed, so tensors with many small weights lose
 * more. Ties keep the earlier tensor, then the lower index.
 */
export function pruneGlobal<W extends PruneWeights>(engine: Engine, tensors: readonly W[], opts: GlobalPruneOptions): SparseTensor<W>[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new SlimfitError('E_SHAPE', 'pruneGlobal needs a non-empty array of tensors');
  if (typeof opts !== 'object' || opts === null) throw new SlimfitError('E_RANGE', 'pruneGlobal needs { sparsity }');
  refuseUnknown('pruneGlobal', opts, GLOBAL_PRUNE_KEYS);
  const sparsity = checkSparsity(opts.sparsity);
  tensors.forEach((t, i) => checkWeights(t, `tensors[${i}]`));
  const total = tensors.reduce((a, t) => a + t.length, 0);
  const scores = new Float64Array(total);
  let off = 0;
  for (const t of tensors) {
    scores.set(t, off); // ranked by |value| (f32 values convert to f64 exactly)
    off += t.length;
  }
  const mask = new Uint8Array((total + 7) >> 3);
  topKMask(engine, scores, [{ off: 0, len: total, k: total - removedCount(sparsity, total) }], mask);
  off = 0;
  return tensors.map((t, ti) => {
    const m = new Uint8Array((t.length + 7) >> 3);
    for (let i = 0; i < t.length; i++) {
      const g = off + i;
      if ((mask[g >> 3] >> (g & 7)) & 1) m[i >> 3] |= 1 << (i & 7);
    }
    off += t.length;
    const shape = checkShape(opts.shapes?.[ti], t.length, false);
    return SparseTensor.fromDense(t, m, shape ?? [t.length]);
  });
}
