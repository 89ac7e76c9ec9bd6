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
import type { JsonObject } from '../json.js';
import { writeCompressed } from '../models/compressed-schema.js';
import { arraysToTensors, shapeError } from '../models/fields.js';
import { writeLinear } from '../models/linear-schema.js';
import { writeLogistic } from '../models/logistic-schema.js';
import { writeReducedRank } from '../models/reduced-rank-schema.js';
import { writeCompressedReducedRank } from '../models/compressed-reduced-rank-schema.js';
import type { TensorReader, TensorWriter } from './slim-container.js';
import { contentDims, decodeContentWith } from './slim-decode.js';
import type { SlimHeader, SlimPreamble } from './slim-header.js';
import { readCompressedKind } from './slim-read-compressed.js';
import { readPlainKind } from './slim-read-plain.js';
import { readReducedRankKind } from './slim-read-reduced-rank.js';
import { readTensorsKind } from './slim-read-tensors.js';
import { encodeTensors, type SlimTensor, type SlimTensorInput } from './slim-tensors.js';

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

export { contentDims };

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

/** The reader of every kind, loaded together (decodeSlim, inspectSlim). */
export function decodeKind(h: SlimHeader, r: TensorReader): DecodedSlimContent {
  switch (h.kind) {
    case 'linear':
    case 'logistic':
      return readPlainKind(h, r);
    case 'compressed-linear':
    case 'compressed-logistic':
      return readCompressedKind(h, r);
    case 'reduced-rank':
    case 'compressed-reduced-rank':
      return readReducedRankKind(h, r);
    case 'tensors':
      return readTensorsKind(h, r);
  }
}

/** The content of a file whose preamble and header have been read; E_FORMAT on anything inconsistent, including a table entry the kind does not use. */
export function decodeContent(bytes: Uint8Array, pre: SlimPreamble, h: SlimHeader): DecodedSlimContent {
  return decodeContentWith(bytes, pre, h, decodeKind);
}
