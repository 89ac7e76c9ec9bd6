/**
 * prune(engine, w, spec): the one entry point for every pruning rule on one
 * tensor. Typed-array input gives a SparseTensor (compact bitmask or CSR
 * storage, plus `values`/`mask`/`kept`); a linear-memory buffer or an `out`
 * buffer takes the zero-copy threshold path and gives `{ values, mask, kept }`,
 * except with `{ nm }`, which reads the buffer in place and gives a SparseTensor.
 */
import type { Engine } from '../engine/engine.js';
import { WasmBuffer, type F32Buffer, type F64Buffer } from '../engine/buffers.js';
import { pruneThreshold, type PruneInput, type PruneResult, type ThresholdPruneSpec } from '../ops/prune.js';
import { pruneBySpec, pruneNMBySpec, type NMPruneSpec, type PruneSpec } from './prune-spec.js';
import type { SparseTensor } from './sparse-tensor.js';

/**
 * Prunes w. Specs: `{ threshold }` (zero every |w| <= t, the article's rule),
 * `{ sparsity, importance, scope }` (keep exactly the top 1 - sparsity),
 * `{ structured: 'rows' | 'cols', norm, sparsity, shape }`, `{ nm: [n, m] }`.
 */
export function prune<W extends Float32Array | Float64Array>(engine: Engine, w: W, spec: PruneSpec): SparseTensor<W>;
export function prune<W extends F32Buffer | F64Buffer>(engine: Engine, w: W, spec: NMPruneSpec): SparseTensor<W extends F32Buffer ? Float32Array : Float64Array>;
export function prune<W extends PruneInput>(engine: Engine, w: W, spec: ThresholdPruneSpec): PruneResult<W extends Float32Array | F32Buffer ? Float32Array : Float64Array>;
export function prune(engine: Engine, w: PruneInput, spec: PruneSpec | ThresholdPruneSpec): SparseTensor<Float32Array | Float64Array> | PruneResult<Float32Array | Float64Array> {
  if (w instanceof WasmBuffer && typeof spec === 'object' && spec !== null && 'nm' in spec) return pruneNMBySpec(engine, w, spec);
  if (w instanceof WasmBuffer || (typeof spec === 'object' && spec !== null && 'out' in spec && spec.out !== undefined)) {
    return pruneThreshold(engine, w, spec as ThresholdPruneSpec);
  }
  return pruneBySpec(engine, w, spec as PruneSpec);
}
