/**
 * What a .slim file holds, by kind: the three model kinds through their
 * schemas (src/models/), their float64 arrays and other tensors in the data
 * section; the "tensors" kind through slim-tensors.ts. Also the checks that
 * tie the header's optional names to the model (features: d names, targets:
 * one per output).
 */
import { CompressedLinearModel } from '../compress/compressed-model.js';
import type { CompressedReducedRankModel } from '../compress/compressed-reduced-rank.js';
import { LinearModel } from '../fit/model.js';
import { LogisticModel } from '../fit/logistic-model.js';
import { ReducedRankModel } from '../fit/reduced-rank-model.js';
import { SlimfitError } from '../errors.js';
import { formatError, type JsonObject } from '../json.js';
import { readCompressed, writeCompressed } from '../models/compressed-schema.js';
import { arraysFromTensors, arraysToTensors, shapeError } from '../models/fields.js';
import { readLinear, writeLinear } from '../models/linear-schema.js';
import { readLogistic, writeLogistic } from '../models/logistic-schema.js';
import { readReducedRank, writeReducedRank } from '../models/reduced-rank-schema.js';
import { readCompressedReducedRank, writeCompressedReducedRank } from '../models/compressed-reduced-rank-schema.js';
import { TensorReader, type TensorWriter } from './slim-container.js';
import type { SlimHeader, SlimPreamble } from './slim-header.js';
import { decodeTensors, encodeTensors, type SlimTensor, type SlimTensorInput } from './slim-tensors.js';

export type SlimContent =
  | { kind: 'linear'; model: LinearModel }
  | { kind: 'logistic'; model: LogisticModel }
  /** A compressed least-squares model (model.task 'linear': predict gives the outputs). */
  | { kind: 'compressed-linear'; model: CompressedLinearModel }
  /** A compressed logistic model (model.task 'logistic': predict gives labels, predictProba and decisionFunction too). */
  | { kind: 'compressed-logistic'; model: CompressedLinearModel }
  /** A reduced-rank regression (encoder and decoder in float64; predict gives the outputs). */
  | { kind: 'reduced-rank'; model: ReducedRankModel }
  /** A reduced-rank regression with compressed encoder and decoder. */
  | { kind: 'compressed-reduced-rank'; model: CompressedReducedRankModel }
  | { kind: 'tensors'; tensors: Record<string, SlimTensorInput> };

/** What decodeSlim gives back: the same models; tensors as the decoded kinds (a bare typed array comes back as a DenseTensor). */
export type DecodedSlimContent = Exclude<SlimContent, { kind: 'tensors' }> | { kind: 'tensors'; tensors: Record<string, SlimTensor> };

/** A model's input columns and outputs (what header.features / header.targets must count); undefined for tensors. */
export function contentDims(content: SlimContent | DecodedSlimContent): { d: number; outputs: number } | undefined {
  if (content.kind === 'tensors') return undefined;
  if (content.kind === 'logistic') return { d: content.model.d, outputs: 1 };
  return { d: content.model.d, outputs: content.model.outputs };
}

/** The header's kind-specific members ({ model } or { objects }), the tensors added to `w`; E_SHAPE / E_RANGE on inconsistent content. */
export function encodeContent(content: SlimContent, w: TensorWriter): JsonObject {
  switch (content.kind) {
    case 'linear':
      if (!(content.model instanceof LinearModel)) throw shapeError('kind "linear" needs a LinearModel');
      return { model: writeLinear(content.model, arraysToTensors(w)) };
    case 'logistic':
      if (!(content.model instanceof LogisticModel)) throw shapeError('kind "logistic" needs a LogisticModel');
      return { model: writeLogistic(content.model, arraysToTensors(w)) };
    case 'compressed-linear':
    case 'compressed-logistic': {
      if (content.kind === 'compressed-logistic' && content.model.outputs !== 1) throw shapeError(`kind "compressed-logistic" needs a model with one output, got ${content.model.outputs}`);
      const task = content.kind === 'compressed-logistic' ? 'logistic' : 'linear';
      if (content.model instanceof CompressedLinearModel && content.model.task !== task) {
        throw shapeError(`kind "${content.kind}" needs a ${task} model`);
      }
      return { model: writeCompressed(content.model, w) };
    }
    case 'reduced-rank':
      if (!(content.model instanceof ReducedRankModel)) throw shapeError('kind "reduced-rank" needs a ReducedRankModel');
      return { model: writeReducedRank(content.model, arraysToTensors(w)) };
    case 'compressed-reduced-rank':
      return { model: writeCompressedReducedRank(content.model, w) };
    case 'tensors':
      return { objects: encodeTensors(content.tensors, w) };
    default:
      throw new SlimfitError('E_RANGE', `unknown kind ${JSON.stringify((content as { kind: unknown }).kind)}; expected one of linear, logistic, compressed-linear, compressed-logistic, reduced-rank, compressed-reduced-rank, tensors`);
  }
}

function decodeKind(h: SlimHeader, r: TensorReader): DecodedSlimContent {
  switch (h.kind) {
    case 'linear':
      return { kind: 'linear', model: new LinearModel(readLinear(h.model!, arraysFromTensors(r), 'model.')) };
    case 'logistic':
      return { kind: 'logistic', model: new LogisticModel(readLogistic(h.model!, arraysFromTensors(r), 'model.')) };
    case 'compressed-linear':
    case 'compressed-logistic':
      if (h.kind === 'compressed-logistic' && h.model!.outputs !== 1) throw formatError(`a compressed-logistic model has one output, but model.outputs is ${JSON.stringify(h.model!.outputs)}`);
      return { kind: h.kind, model: readCompressed(h.model!, r, h.kind === 'compressed-logistic' ? 'logistic' : 'linear') };
    case 'reduced-rank':
      return { kind: 'reduced-rank', model: new ReducedRankModel(readReducedRank(h.model!, arraysFromTensors(r), 'model.')) };
    case 'compressed-reduced-rank':
      return { kind: 'compressed-reduced-rank', model: readCompressedReducedRank(h.model!, r) };
    case 'tensors':
      return { kind: 'tensors', tensors: decodeTensors(h.objects!, r) };
  }
}

/** The content of a file whose preamble and header have been read; E_FORMAT on anything inconsistent, including a table entry the kind does not use. */
export function decodeContent(bytes: Uint8Array, pre: SlimPreamble, h: SlimHeader): DecodedSlimContent {
  const r = new TensorReader(bytes, pre.dataStart, h.tensors);
  const content = decodeKind(h, r);
  r.finish();
  const dims = contentDims(content);
  if (dims) {
    if (h.features !== undefined && h.features.length !== dims.d) throw formatError(`header.features has ${h.features.length} names but the model has ${dims.d} input columns`);
    if (h.targets !== undefined && h.targets.length !== dims.outputs) throw formatError(`header.targets has ${h.targets.length} names but the model has ${dims.outputs} outputs`);
  }
  return content;
}
