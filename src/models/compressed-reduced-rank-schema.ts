/**
 * The .slim "compressed-reduced-rank" kind (docs/FORMAT.md §1.6.7): the
 * encoder and the decoder each as a compressed-linear model (compressed-schema.ts),
 * their header members under model.encoder / model.decoder and their
 * tensors named "encoder.<name>" / "decoder.<name>".
 */
import { CompressedLinearModel } from '../compress/compressed-model.js';
import { CompressedReducedRankModel } from '../compress/compressed-reduced-rank.js';
import { isSlimfitError } from '../errors.js';
import { formatError, getInt, getObject, type JsonObject } from '../json.js';
import { readCompressed, writeCompressed } from './compressed-schema.js';
import { shapeError, type TensorSink, type TensorSource } from './fields.js';

function prefixedSink(out: TensorSink, prefix: string): TensorSink {
  return { add: (name, dtype, shape, data) => out.add(prefix + name, dtype, shape, data) };
}

function prefixedSource(src: TensorSource, prefix: string): TensorSource {
  return { take: (name, dtypes, shape) => src.take(prefix + name, dtypes, shape) };
}

export function writeCompressedReducedRank(model: CompressedReducedRankModel, out: TensorSink): JsonObject {
  if (!(model instanceof CompressedReducedRankModel)) throw shapeError('kind "compressed-reduced-rank" needs a CompressedReducedRankModel (from compressReducedRank)');
  return {
    d: model.d,
    outputs: model.outputs,
    rank: model.rank,
    encoder: writeCompressed(model.encoder, prefixedSink(out, 'encoder.')),
    decoder: writeCompressed(model.decoder, prefixedSink(out, 'decoder.')),
  };
}

export function readCompressedReducedRank(j: JsonObject, src: TensorSource): CompressedReducedRankModel {
  const d = getInt(j.d, 'model.d', 1);
  const q = getInt(j.outputs, 'model.outputs', 1);
  const r = getInt(j.rank, 'model.rank', 1, Math.min(d, q));
  const part = (key: 'encoder' | 'decoder', inputs: number, outputs: number): CompressedLinearModel => {
    const m = readCompressed(getObject(j[key], `model.${key}`), prefixedSource(src, `${key}.`), 'linear');
    if (m.d !== inputs || m.outputs !== outputs) throw formatError(`model.${key} maps ${m.d} -> ${m.outputs} values; a rank-${r} model of ${d} inputs and ${q} outputs needs ${inputs} -> ${outputs}`);
    return m;
  };
  const encoder = part('encoder', d, r);
  const decoder = part('decoder', r, q);
  try {
    return new CompressedReducedRankModel(encoder, decoder);
  } catch (e) {
    if (isSlimfitError(e)) throw formatError(`model: ${e.reason}`);
    throw e;
  }
}
